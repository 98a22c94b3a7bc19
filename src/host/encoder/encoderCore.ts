import { readFile } from 'node:fs/promises';
import type { Tokenizer } from '@huggingface/tokenizers';
import type { EncodingPayload, TokenInfo } from '../../shared/encoding';
import { type ModelConfig, parseModelConfig } from '../../shared/modelConfig';
import { findSegmentBoundary } from '../../shared/sentencePair';
import { checkDims } from '../../shared/shapeCheck';
import { alignTokens, type CharNormalizer, charNormalizer, type TokenSpan } from '../../shared/tokenAlignment';
import { ModelFormatError, tapAttention } from './attentionTap';
import type { OutputStack } from './onnxGraph';
import type { LoadedRuntime } from './runtime';
import { SESSION_OPTIONS } from './sessionOptions';
import { type ViewCut, type ViewLevel, ViewSessions } from './viewSessions';

export { LONG_INPUT_TOKENS, SESSION_OPTIONS } from './sessionOptions';

export interface ModelFiles {
  name: string;
  modelPath: string;
  tokenizerPath: string;
  /** the bundled model has one; a bring-your-own model may not */
  configPath?: string;
}

/** What a loaded model can give beyond attention (a bring-your-own export may give only attention). */
export interface Capabilities {
  qkv: boolean;
  mlm: boolean;
  nsp: boolean;
  hidden: boolean;
  positionSwitch: boolean;
}

export interface ContentToken {
  id: number;
  text: string;
  span: TokenSpan;
  segment: 0 | 1;
}

export interface Tokenized {
  tokens: ContentToken[];
  /** how many characters were tokenised (huge selections are cut) */
  charsUsed: number;
  pair: boolean;
}

export interface EncodeRequest {
  text: string;
  origin?: { line: number; character: number };
  source?: EncodingPayload['source'];
  /** which window of a long text; clamped */
  window?: number;
  /**
   * Queries, keys and values too (default: yes, where the model has them). The head, matrix and model
   * views draw attention alone, so following a selection leaves them out; the step view asks for them.
   */
  qkv?: boolean;
}

/** One window of a text, ready to run: the model's input sequence and where it came from. */
export interface PreparedEncoding {
  sequence: (TokenInfo & { id: number })[];
  ids: number[];
  content: ContentToken[];
  window?: EncodingPayload['window'];
}

export class InputError extends Error {}

const MAX_CHARS = 100_000;

type Session = import('onnxruntime-node').InferenceSession;
type Feeds = Record<string, import('onnxruntime-node').Tensor>;

/** One model + tokenizer, ready to encode text. Free of `vscode`, so tests and benchmarks use it directly. */
export class EncoderCore {
  private constructor(
    readonly files: ModelFiles,
    readonly runtime: LoadedRuntime,
    /** the whole graph: the labs' and quizzes' other outputs (MLM logits, NSP, embeddings, hidden states) */
    private readonly session: import('onnxruntime-node').InferenceSession,
    /** the graph cut down to what the views draw, so following a selection never runs the MLM head; none where it cannot be cut */
    private readonly views: ViewSessions | undefined,
    /** per-layer outputs the view graph returns stacked (see viewStacks), by the per-layer name */
    private readonly stacked: ReadonlyMap<string, { stack: string; layer: number; layers: number }>,
    private readonly tokenizer: Tokenizer,
    readonly config: ModelConfig,
    readonly attentionOutputs: string[],
    readonly capabilities: Capabilities,
    private readonly inputNames: string[],
    readonly loadMillis: number,
    /** the tokenizer's [UNK], ## and (for an uncased one) how it folds each character, so offsets line up */
    private readonly alignment: { unkToken: string; prefix: string; normalize?: CharNormalizer },
  ) {}

  static async load(files: ModelFiles, runtime: LoadedRuntime): Promise<EncoderCore> {
    const t0 = performance.now();
    const [modelBytes, tokJsonText, cfgText] = await Promise.all([
      readFile(files.modelPath).catch((e) => {
        throw new ModelFormatError(`cannot read the model file ${files.modelPath}: ${e.message}`);
      }),
      readFile(files.tokenizerPath, 'utf8').catch((e) => {
        throw new ModelFormatError(`cannot read the tokenizer file ${files.tokenizerPath}: ${e.message}`);
      }),
      files.configPath ? readFile(files.configPath, 'utf8') : Promise.resolve(undefined),
    ]);
    let tokJson: { model?: { vocab?: Record<string, number>; type?: string; unk_token?: string; continuing_subword_prefix?: string }; normalizer?: unknown };
    try {
      tokJson = JSON.parse(tokJsonText);
    } catch (e) {
      throw new ModelFormatError(`the tokenizer file is not valid JSON: ${(e as Error).message}`);
    }
    if (tokJson.model?.type !== 'WordPiece' || !tokJson.model.vocab) {
      throw new ModelFormatError('the tokenizer must be a HuggingFace tokenizer.json with a WordPiece model (BERT family)');
    }
    // imported here, not at the top: nothing of the tokenizer or ONNX is loaded when the extension activates
    const { Tokenizer } = await import('@huggingface/tokenizers');
    let tokenizer: Tokenizer;
    try {
      tokenizer = new Tokenizer(tokJson, {});
    } catch (e) {
      throw new ModelFormatError(`the tokenizer file cannot be used: ${(e as Error).message}`);
    }
    const vocab = tokJson.model.vocab;
    const { ort } = runtime;
    // Probe the graph: the bundled model names its attention outputs; another export gets tapped.
    let session: import('onnxruntime-node').InferenceSession | undefined;
    if (!modelBytes.length) throw new ModelFormatError(`the model file ${files.modelPath} is empty`);
    try {
      session = await ort.InferenceSession.create(modelBytes, SESSION_OPTIONS);
    } catch (e) {
      const why = (e as Error).message;
      const hint = /protobuf/i.test(why) ? ' (not an ONNX file, or a truncated or corrupt copy: export or download it again)' : '';
      throw new ModelFormatError(`ONNX Runtime cannot load ${files.modelPath}: ${why}${hint}`);
    }
    const inputNames = [...session.inputNames];
    let attentionOutputs = session.outputNames.filter((n) => /^attn_\d+$/.test(n)).sort((a, b) => +a.slice(5) - +b.slice(5));
    let tappedBytes: Uint8Array | undefined;
    try {
      // inputs first: a model we cannot feed is rejected before the (slower) tapping
      if (!inputNames.includes('input_ids')) {
        throw new ModelFormatError(`the model's inputs are [${inputNames.join(', ')}]; expected input_ids (and optionally attention_mask, token_type_ids)`);
      }
      const unknownInputs = inputNames.filter((n) => !['input_ids', 'attention_mask', 'token_type_ids', 'pos_scale'].includes(n));
      if (unknownInputs.length) {
        throw new ModelFormatError(`the model needs inputs this extension cannot provide: ${unknownInputs.join(', ')} (expected input_ids, attention_mask, token_type_ids)`);
      }
      if (!attentionOutputs.length) {
        const tapped = await tapAttention(modelBytes);
        const probe = session;
        session = undefined;
        await probe.release();
        try {
          session = await ort.InferenceSession.create(tapped.bytes, SESSION_OPTIONS);
        } catch (e) {
          throw new ModelFormatError(`ONNX Runtime cannot load ${files.modelPath} with its attention exposed: ${(e as Error).message}`);
        }
        attentionOutputs = tapped.attentionOutputs;
        tappedBytes = tapped.bytes;
      }
    } catch (e) {
      await session?.release().catch(() => undefined); // a rejected model leaves no native session behind
      throw e;
    }
    const config = cfgText
      ? parseModelConfig(JSON.parse(cfgText) as unknown)
      : parseModelConfig({
          num_layers: attentionOutputs.length,
          num_heads: 1, // read from the attention shape on first run
          hidden_size: 1,
          max_position_embeddings: 512,
          vocab_size: Object.keys(vocab).length,
          special_tokens: { pad: vocab['[PAD]'] ?? 0, unk: vocab['[UNK]'] ?? 100, cls: vocab['[CLS]'] ?? 101, sep: vocab['[SEP]'] ?? 102, mask: vocab['[MASK]'] ?? 103 },
        });
    const outs = new Set(session.outputNames);
    const capabilities: Capabilities = {
      qkv: outs.has('q_0') && outs.has('k_0') && outs.has('v_0'),
      mlm: outs.has('mlm_logits'),
      nsp: outs.has('nsp_logits'),
      hidden: outs.has('hidden_0'),
      positionSwitch: inputNames.includes('pos_scale'),
    };
    const alignment = { unkToken: tokJson.model.unk_token ?? '[UNK]', prefix: tokJson.model.continuing_subword_prefix ?? '##', normalize: charNormalizer(tokJson.normalizer) };
    const cuts = viewCuts(attentionOutputs, capabilities);
    const views = await ViewSessions.create(runtime, tappedBytes ?? modelBytes, cuts);
    // the largest cut holds every stack; a smaller cut's stacks are some of them, under the same names
    const stacks = views ? cuts[cuts.length - 1].stacks : [];
    const stacked = new Map(stacks.flatMap(({ name, parts }) => parts.map((part, layer) => [part, { stack: name, layer, layers: parts.length }] as const)));
    return new EncoderCore(files, runtime, session, views, stacked, tokenizer, config, attentionOutputs, capabilities, inputNames, performance.now() - t0, alignment);
  }

  get maxTokens(): number {
    return Math.min(512, this.config.max_position_embeddings);
  }

  /** Content tokens of the text (no specials), each with its character range and segment. */
  tokenize(text: string): Tokenized {
    const charsUsed = Math.min(text.length, MAX_CHARS);
    const used = text.slice(0, charsUsed);
    const boundary = findSegmentBoundary(used);
    const parts: { from: number; to: number; segment: 0 | 1 }[] = boundary
      ? [
          { from: 0, to: boundary.endA, segment: 0 },
          { from: boundary.startB, to: used.length, segment: 1 },
        ]
      : [{ from: 0, to: used.length, segment: 0 }];
    const tokens: ContentToken[] = [];
    for (const part of parts) {
      const slice = used.slice(part.from, part.to);
      const enc = this.tokenizer.encode(slice, { add_special_tokens: false });
      const spans = alignTokens(slice, enc.tokens, this.alignment);
      enc.ids.forEach((id, i) => {
        tokens.push({ id, text: enc.tokens[i], span: { start: spans[i].start + part.from, end: spans[i].end + part.from }, segment: part.segment });
      });
    }
    return { tokens, charsUsed, pair: boundary !== null && tokens.some((t) => t.segment === 1) };
  }

  /** [CLS] A [SEP] (B [SEP]) for one window of content tokens. */
  buildSequence(content: ContentToken[]): TokenInfo[] & { ids?: number[] } {
    const s = this.config.special_tokens;
    const first = content[0]?.span.start ?? 0;
    const seq: (TokenInfo & { id: number })[] = [{ id: s.cls, text: '[CLS]', start: first, end: first, segment: 0, special: true }];
    content.forEach((t, i) => {
      const prev = content[i - 1];
      if (prev && prev.segment !== t.segment) seq.push({ id: s.sep, text: '[SEP]', start: prev.span.end, end: prev.span.end, segment: prev.segment, special: true });
      seq.push({ id: t.id, text: t.text, start: t.span.start, end: t.span.end, segment: t.segment, special: false });
    });
    const last = content[content.length - 1];
    seq.push({ id: s.sep, text: '[SEP]', start: last?.span.end ?? 0, end: last?.span.end ?? 0, segment: last?.segment ?? 0, special: true });
    return seq;
  }

  feeds(ids: number[], segments: number[], mask?: number[], batch = 1, posScale?: number): Feeds {
    const { Tensor } = this.runtime.ort;
    const t = ids.length / batch;
    const feeds: Feeds = { input_ids: new Tensor('int64', BigInt64Array.from(ids, BigInt), [batch, t]) };
    if (this.inputNames.includes('attention_mask')) feeds.attention_mask = new Tensor('int64', BigInt64Array.from(mask ?? ids.map(() => 1), BigInt), [batch, t]);
    if (this.inputNames.includes('token_type_ids')) feeds.token_type_ids = new Tensor('int64', BigInt64Array.from(segments, BigInt), [batch, t]);
    if (this.capabilities.positionSwitch) feeds.pos_scale = new Tensor('float32', Float32Array.of(posScale ?? 1), [1]);
    return feeds;
  }

  /**
   * Runs the graph for the named outputs: the smallest cut of the view graph that has them all, else the
   * whole one. Per-layer outputs the view graph stacks come back as views into the stack when every layer of
   * it was asked for (so the layers fill one buffer, which the payload then takes as it is), and as
   * copies of their own otherwise (so posting one layer never carries the others along).
   */
  async run(feeds: Feeds, outputs: string[]): Promise<Record<string, { data: Float32Array; dims: readonly number[] }>> {
    const cut = this.stackFailed ? undefined : this.views?.cutFor(outputs);
    const out: Record<string, { data: Float32Array; dims: readonly number[] }> = {};
    const runWhole = async () => {
      const res = await this.session.run(feeds, outputs);
      for (const name of outputs) out[name] = { data: res[name].data as Float32Array, dims: res[name].dims };
      return out;
    };
    const view = cut && (await this.views?.session(cut, feeds.input_ids.dims[1]));
    if (!view) return runWhole();
    const fetch = [...new Set(outputs.map((o) => this.stacked.get(o)?.stack ?? o))];
    let res: Awaited<ReturnType<Session['run']>>;
    try {
      res = await view.run(feeds, fetch);
    } catch (err) {
      if (!outputs.some((o) => this.stacked.has(o))) throw err;
      // layers whose outputs differ in shape (a bring-your-own model can have them) make the Concat fail
      // when it runs: the whole graph then answers, and if it can, the stacks are not tried again
      const whole = await runWhole().catch(() => {
        throw err;
      });
      this.stackFailed = true;
      return whole;
    }
    // stacks whose every layer was asked for: their layers fill the stack's buffer, handed on as views
    const complete = new Set(fetch);
    for (const [name, part] of this.stacked) if (!outputs.includes(name)) complete.delete(part.stack);
    for (const name of outputs) {
      const part = this.stacked.get(name);
      if (!part) {
        out[name] = { data: res[name].data as Float32Array, dims: res[name].dims };
        continue;
      }
      const whole = res[part.stack];
      const size = whole.data.length / part.layers;
      const layer = (whole.data as Float32Array).subarray(part.layer * size, (part.layer + 1) * size);
      out[name] = { data: complete.has(part.stack) ? layer : layer.slice(), dims: [whole.dims[0] / part.layers, ...whole.dims.slice(1)] };
    }
    return out;
  }

  /** The encoder's view of one text: tokens with ranges, attention, and q/k/v where the model has them and they are asked for. */
  async encode(req: EncodeRequest): Promise<EncodingPayload> {
    const prepared = this.prepare(req);
    const feeds = this.feeds(prepared.ids, prepared.sequence.map((x) => x.segment));
    const out = await this.run(feeds, req.qkv === false ? this.attentionOutputs : this.encodeOutputs);
    return this.assemble(req, prepared, out);
  }

  /** Set when a stacked view run failed where the whole graph did not: per-layer outputs come from that. */
  private stackFailed = false;

  /**
   * The last text too long for one window, tokenised. Moving the window runs the same text again,
   * and a 100,000-character selection takes far longer to tokenise than one window takes to encode.
   */
  private windowed: { text: string; tok: Tokenized } | undefined;

  /**
   * The session that runs a cut of the view graph for t tokens (see ViewSessions): short inputs on
   * threads that spin, long ones on threads that sleep. undefined where the graph could not be cut.
   */
  viewSession(level: ViewLevel, t: number): Promise<Session | undefined> {
    const cut = this.views?.cuts.find((c) => c.level === level);
    return cut ? (this.views as ViewSessions).session(cut, t) : Promise.resolve(undefined);
  }

  /** What encode() asks the graph for by default: attention, and q/k/v where the model has them; never the MLM head. */
  get encodeOutputs(): string[] {
    return viewOutputs(this.attentionOutputs, this.capabilities);
  }

  /** The first half of encode(): checks the text and picks the requested window of its tokens. */
  prepare(req: EncodeRequest): PreparedEncoding {
    if (!req.text.trim()) throw new InputError('the text is empty');
    if (looksBinary(req.text)) throw new InputError('the text looks like binary data (many control or replacement characters), not something to read');
    const tok = this.windowed?.text === req.text ? this.windowed.tok : this.tokenize(req.text);
    if (!tok.tokens.length) throw new InputError('the text has no tokens (only whitespace or removed characters)');
    const cap = this.maxTokens - (tok.pair ? 3 : 2);
    const count = Math.ceil(tok.tokens.length / cap);
    if (count > 1) this.windowed = { text: req.text, tok };
    // the window comes from a webview message: anything but a whole number in range is clamped
    const wanted = Number.isFinite(req.window) ? Math.trunc(req.window as number) : 0;
    const index = Math.max(0, Math.min(count - 1, wanted));
    const content = tok.tokens.slice(index * cap, (index + 1) * cap);
    const sequence = this.buildSequence(content) as (TokenInfo & { id: number })[];
    const window = count > 1 ? { index, count, tokensTotal: tok.tokens.length } : undefined;
    return { sequence, ids: sequence.map((t) => t.id), content, window };
  }

  /** The second half of encode(): shape-checks the outputs against the token count, then packs them. */
  assemble(req: EncodeRequest, prepared: PreparedEncoding, out: Record<string, { data: Float32Array; dims: readonly number[] }>): EncodingPayload {
    const { sequence: seq, content } = prepared;
    const t = seq.length;
    const L = this.attentionOutputs.length;
    const firstDims = out[this.attentionOutputs[0]].dims;
    checkDims(this.attentionOutputs[0], firstDims, [1, null, t, t], 'attention');
    const H = firstDims[1];
    this.attentionOutputs.forEach((name) => checkDims(name, out[name].dims, [1, H, t, t], 'attention'));
    const attention = concatLayers(this.attentionOutputs.map((name) => out[name].data));
    let q: Float32Array | undefined, k: Float32Array | undefined, v: Float32Array | undefined;
    let headDim = Math.round(this.config.hidden_size / Math.max(1, this.config.num_heads));
    const qkvAsked = this.capabilities.qkv && 'q_0' in out;
    if (qkvAsked) {
      checkDims('q_0', out.q_0.dims, [1, H, t, null], 'perHead');
      headDim = out.q_0.dims[3];
      [q, k, v] = ['q', 'k', 'v'].map((p) => {
        const names = this.attentionOutputs.map((_, l) => `${p}_${l}`);
        names.forEach((name) => checkDims(name, out[name].dims, [1, H, t, headDim], 'perHead'));
        return concatLayers(names.map((name) => out[name].data));
      });
    }
    const begin = content[0].span.start;
    const end = content[content.length - 1].span.end;
    return {
      text: req.text.slice(begin, end),
      textOffset: begin,
      origin: req.origin ?? { line: 0, character: 0 },
      source: req.source ?? 'selection',
      window: prepared.window,
      tokens: seq.map(({ text, start, end, segment, special }) => ({ text, start, end, segment, special })),
      numLayers: L,
      numHeads: H,
      headDim,
      attention,
      q,
      k,
      v,
      ...(this.capabilities.qkv && !qkvAsked ? { qkvOmitted: true as const } : {}),
      modelName: this.files.name,
    };
  }

  idToToken(id: number): string | undefined {
    return this.tokenizer.id_to_token(id);
  }

  async release(): Promise<void> {
    await this.views?.release();
    await this.session.release();
  }
}

/**
 * Equal-sized per-layer arrays as one flat array, layer after layer. When they already fill one buffer
 * that way (the view graph stacks them), that buffer is returned as it is, without a copy.
 */
export function concatLayers(parts: Float32Array[]): Float32Array {
  const size = parts[0]?.length ?? 0;
  const first = parts[0];
  // only when the layers fill their buffer exactly: the payload is posted whole, buffer and all
  const inPlace = first !== undefined && first.byteOffset === 0 && first.buffer.byteLength === size * parts.length * 4 &&
    parts.every((p, l) => p.buffer === first.buffer && p.length === size && p.byteOffset === l * size * 4);
  if (inPlace) return new Float32Array(first.buffer, 0, size * parts.length);
  const all = new Float32Array(size * parts.length);
  parts.forEach((p, l) => all.set(p, l * size));
  return all;
}

/** Attention, and q/k/v where the model has them: what the views draw. */
function viewOutputs(attentionOutputs: string[], capabilities: Capabilities): string[] {
  const names = [...attentionOutputs];
  if (capabilities.qkv) for (let l = 0; l < attentionOutputs.length; l++) names.push(`q_${l}`, `k_${l}`, `v_${l}`);
  return names;
}

/**
 * Attention and q/k/v, each stacked over the layers into one output of the view graph. Separate
 * per-layer outputs would each be copied out of ONNX Runtime into a buffer of their own and then again
 * into the payload's one buffer per kind; stacked, the binding's single copy is already that buffer
 * (encode() took 0.89-0.97x the time of writing into preallocated payload buffers, at 16-512 tokens, in
 * two interleaved A/B runs on idle cores: bench/encode-ab.ts).
 */
export function viewStacks(attentionOutputs: string[], capabilities: Capabilities): OutputStack[] {
  const stacks: OutputStack[] = [{ name: 'tutor_view_attn', parts: attentionOutputs }];
  if (capabilities.qkv) for (const p of ['q', 'k', 'v']) stacks.push({ name: `tutor_view_${p}`, parts: attentionOutputs.map((_, l) => `${p}_${l}`) });
  return stacks;
}

/** The view graph's cuts, smallest first: attention alone, then (where the model has them) with q/k/v. */
function viewCuts(attentionOutputs: string[], capabilities: Capabilities): ViewCut[] {
  const [attention, ...qkv] = viewStacks(attentionOutputs, capabilities);
  const cuts: ViewCut[] = [{ level: 'attention', outputs: attentionOutputs, stacks: [attention] }];
  if (qkv.length) cuts.push({ level: 'qkv', outputs: viewOutputs(attentionOutputs, capabilities), stacks: [attention, ...qkv] });
  return cuts;
}

/** Binary data pasted or opened as text: many NULs, replacement characters or control characters. */
export function looksBinary(text: string): boolean {
  const sample = text.slice(0, 4096);
  let bad = 0;
  for (const ch of sample) {
    const c = ch.codePointAt(0) as number;
    if (c === 0 || c === 0xfffd || (c < 32 && ch !== '\n' && ch !== '\r' && ch !== '\t')) bad++;
  }
  return bad > 8 && bad / sample.length > 0.05;
}
