import type { EncodingPayload } from '../../shared/encoding';
import type { ModelConfig } from '../../shared/modelConfig';
import type { FeedOptions, Feeds, GraphRun, RunOutputs } from './graphRun';
import { type Capabilities, loadModel, type ModelFiles } from './modelLoading';
import { packPayload } from './payloadPacking';
import type { LoadedRuntime } from './runtime';
import { type ContentToken, type EncodeRequest, type PreparedEncoding, TextWindows, type Tokenized } from './textWindows';
import { viewOutputs, type ViewLevel } from './viewSessions';

export type { Capabilities, ModelFiles } from './modelLoading';
export { concatLayers } from './payloadPacking';
export { LONG_INPUT_TOKENS, SESSION_OPTIONS } from './sessionOptions';
export { type ContentToken, type EncodeRequest, InputError, looksBinary, type PreparedEncoding, type Tokenized } from './textWindows';
export { viewStacks } from './viewSessions';

type Session = import('onnxruntime-node').InferenceSession;

/**
 * One model + tokenizer, ready to encode text, in four pieces: loading (modelLoading), text windows
 * (textWindows), the run (graphRun) and packing (payloadPacking). Free of `vscode`, so tests and
 * benchmarks use it directly.
 */
export class EncoderCore {
  private constructor(
    readonly files: ModelFiles,
    private readonly windows: TextWindows,
    private readonly graph: GraphRun,
    readonly config: ModelConfig,
    readonly attentionOutputs: string[],
    readonly capabilities: Capabilities,
    readonly loadMillis: number,
    private readonly idToTokenOf: (id: number) => string | undefined,
  ) {}

  static async load(files: ModelFiles, runtime: LoadedRuntime): Promise<EncoderCore> {
    const m = await loadModel(files, runtime);
    const maxTokens = Math.min(512, m.config.max_position_embeddings, m.inputs.fixedLength ?? Infinity);
    const windows = new TextWindows(m.tokenizer, m.alignment, m.config.special_tokens, maxTokens);
    return new EncoderCore(files, windows, m.graph, m.config, m.attentionOutputs, m.capabilities, m.loadMillis, (id) =>
      m.tokenizer.id_to_token(id),
    );
  }

  get runtime(): LoadedRuntime {
    return this.graph.runtime;
  }

  /** tokens in one window, [CLS] and [SEP] included */
  get maxTokens(): number {
    return this.windows.maxTokens;
  }

  /** Content tokens of the text (no specials), each with its character range and segment. */
  tokenize(text: string): Tokenized {
    return this.windows.tokenize(text);
  }

  /** [CLS] A [SEP] (B [SEP]) for one window of content tokens. */
  buildSequence(content: ContentToken[]): PreparedEncoding['sequence'] {
    return this.windows.buildSequence(content);
  }

  feeds(ids: number[], segments: number[], mask?: number[], batch = 1, opts: FeedOptions = {}): Feeds {
    return this.graph.feeds(ids, segments, mask, batch, opts);
  }

  /** Runs the graph for the named outputs (see GraphRun.run). */
  run(feeds: Feeds, outputs: string[]): Promise<RunOutputs> {
    return this.graph.run(feeds, outputs);
  }

  /** The encoder's view of one text: tokens with ranges, attention, and q/k/v where the model has them and they are asked for. */
  async encode(req: EncodeRequest): Promise<EncodingPayload> {
    const prepared = this.prepare(req);
    const feeds = this.feeds(
      prepared.ids,
      prepared.sequence.map((x) => x.segment),
    );
    const out = await this.run(feeds, req.qkv === false ? this.attentionOutputs : this.encodeOutputs);
    return this.assemble(req, prepared, out);
  }

  /** The session that runs a cut of the view graph for t tokens; undefined where the graph could not be cut. */
  viewSession(level: ViewLevel, t: number): Promise<Session | undefined> {
    return this.graph.viewSession(level, t);
  }

  /** What encode() asks the graph for by default: attention, and q/k/v where the model has them; never the MLM head. */
  get encodeOutputs(): string[] {
    return viewOutputs(this.attentionOutputs, this.capabilities);
  }

  /** The first half of encode(): checks the text and picks the requested window of its tokens. */
  prepare(req: EncodeRequest): PreparedEncoding {
    return this.windows.prepare(req);
  }

  /** The second half of encode(): shape-checks the outputs against the token count, then packs them. */
  assemble(req: EncodeRequest, prepared: PreparedEncoding, out: RunOutputs): EncodingPayload {
    const model = {
      modelName: this.files.name,
      attentionOutputs: this.attentionOutputs,
      qkv: this.capabilities.qkv,
      headDim: Math.round(this.config.hidden_size / Math.max(1, this.config.num_heads)),
    };
    return packPayload(model, req, prepared, out);
  }

  idToToken(id: number): string | undefined {
    return this.idToTokenOf(id);
  }

  release(): Promise<void> {
    return this.graph.release();
  }
}
