import { readFile } from 'node:fs/promises';
import { type DecodingOptions, argmax, decodingDistribution, sampleToken } from '../../shared/decoder/sampling';
import type { EncodingPayload, TokenInfo } from '../../shared/encoding';
import { type ModelConfig, parseModelConfig } from '../../shared/modelConfig';
import { ModelFormatError, modelProblem } from '../../shared/modelProblem';
import { seededRandom } from '../../shared/quiz/rng';
import { charNormalizer } from '../../shared/tokenAlignment';
import { type ModelFiles, readTokenizer } from '../encoder/modelLoading';
import { packPayload } from '../encoder/payloadPacking';
import type { LoadedRuntime } from '../encoder/runtime';
import { SESSION_OPTIONS } from '../encoder/sessionOptions';
import { type ContentToken, type EncodeRequest, type PreparedEncoding, TextWindows } from '../encoder/textWindows';

type Session = import('onnxruntime-node').InferenceSession;
type Tensor = import('onnxruntime-node').Tensor;

/** The keys and values of every token run so far, layer by layer: [layers, 1, heads, tokens, head size]. */
export interface KvCache {
  key: Tensor;
  value: Tensor;
  /** tokens in the cache */
  length: number;
}

/** One run of the decoder over new tokens (a whole text, or one token of a generation step). */
export interface DecoderRun {
  /** tokens in the cache before this run */
  past: number;
  /** tokens this run fed */
  fresh: number;
  /** [fresh][vocab]: the next-token logits after each new token */
  logits: Float32Array;
  /** per layer [heads][fresh][past + fresh]: the new tokens' attention over every token so far */
  attention: Float32Array[];
  /** the cache after this run (the old one with this run's keys and values appended) */
  cache: KvCache;
}

/** One generated token, with what the step cost. */
export interface GeneratedToken {
  id: number;
  text: string;
  /** its probability under the distribution it was drawn from */
  p: number;
  /** key and value vectors the step computed, per layer and head (1 with the cache after the prompt) */
  computed: number;
  /** key and value vectors it read back from the cache */
  reused: number;
  /** the last layer's attention of the new token over every token so far, per head [heads][length] */
  lastAttention: Float32Array;
}

/** Up to this many tokens go in at once: the decoder was trained on 128 and its positions go to 512. */
const MAX_TOKENS = 512;

/**
 * The tiny GPT-style decoder: the encoder's tokenizer and blocks, read left to right, with a KV cache
 * (models/train/export_decoder.py). Free of `vscode`, so the encoder process, labs and tests use it alike.
 */
export class DecoderCore {
  private constructor(
    readonly files: ModelFiles,
    readonly config: ModelConfig,
    private readonly session: Session,
    private readonly runtime: LoadedRuntime,
    private readonly windows: TextWindows,
    private readonly idToTokenOf: (id: number) => string | undefined,
    readonly loadMillis: number,
  ) {}

  static async load(files: ModelFiles, runtime: LoadedRuntime): Promise<DecoderCore> {
    const t0 = performance.now();
    if (!files.configPath) throw new ModelFormatError(modelProblem('configField', 'config.json'));
    const [bytes, tok, cfgText] = await Promise.all([
      readFile(files.modelPath).catch((e) => {
        throw new ModelFormatError(modelProblem('modelUnreadable', files.modelPath, e.message));
      }),
      readTokenizer(files),
      readFile(files.configPath, 'utf8'),
    ]);
    const config = parseModelConfig(JSON.parse(cfgText) as unknown);
    let session: Session;
    try {
      session = await runtime.ort.InferenceSession.create(bytes, SESSION_OPTIONS);
    } catch (e) {
      throw new ModelFormatError(modelProblem('runtimeCannotLoad', files.modelPath, (e as Error).message));
    }
    for (const name of ['input_ids', 'past_key', 'past_value']) {
      if (!session.inputNames.includes(name)) {
        await session.release();
        throw new ModelFormatError(modelProblem('missingOutputs', name));
      }
    }
    const alignment = {
      unkToken: tok.json.model.unk_token ?? '[UNK]',
      prefix: tok.json.model.continuing_subword_prefix ?? '##',
      normalize: charNormalizer(tok.json.normalizer),
    };
    const windows = new TextWindows(tok.tokenizer, alignment, config.special_tokens, Math.min(MAX_TOKENS, config.max_position_embeddings));
    return new DecoderCore(files, config, session, runtime, windows, (id) => tok.tokenizer.id_to_token(id), performance.now() - t0);
  }

  get numLayers(): number {
    return this.config.num_layers;
  }

  get numHeads(): number {
    return this.config.num_heads;
  }

  get headDim(): number {
    return this.config.hidden_size / this.config.num_heads;
  }

  get maxTokens(): number {
    return this.windows.maxTokens;
  }

  /** Content tokens of the text, each with its character range. */
  tokenize(text: string): ContentToken[] {
    return this.windows.tokenize(text).tokens;
  }

  /** [CLS] (the decoder's beginning of text) and the content tokens: no [SEP], no segments. */
  sequence(content: ContentToken[]): (TokenInfo & { id: number })[] {
    return this.windows.buildSequence(content).filter((t) => t.text !== '[SEP]' || !t.special);
  }

  idToToken(id: number): string {
    return this.idToTokenOf(id) ?? '[UNK]';
  }

  emptyCache(): KvCache {
    const { Tensor } = this.runtime.ort;
    const dims = [this.numLayers, 1, this.numHeads, 0, this.headDim];
    return { key: new Tensor('float32', new Float32Array(0), dims), value: new Tensor('float32', new Float32Array(0), dims), length: 0 };
  }

  /** Runs new tokens after what the cache holds (the empty cache: a whole text). */
  async run(
    ids: readonly number[],
    cache: KvCache = this.emptyCache(),
    extra: string[] = [],
  ): Promise<DecoderRun & { outputs: Record<string, Tensor> }> {
    if (!ids.length) throw new RangeError('the decoder needs at least one new token');
    if (cache.length + ids.length > this.config.max_position_embeddings)
      throw new RangeError(`${cache.length + ids.length} tokens exceed the decoder's ${this.config.max_position_embeddings} positions`);
    const { Tensor } = this.runtime.ort;
    const attn = Array.from({ length: this.numLayers }, (_, l) => `attn_${l}`);
    const out = await this.session.run(
      {
        input_ids: new Tensor(
          'int64',
          BigInt64Array.from(ids, (i) => BigInt(i)),
          [1, ids.length],
        ),
        past_key: cache.key,
        past_value: cache.value,
      },
      ['next_logits', 'present_key', 'present_value', ...attn, ...extra],
    );
    return {
      past: cache.length,
      fresh: ids.length,
      logits: out.next_logits.data as Float32Array,
      attention: attn.map((n) => out[n].data as Float32Array),
      cache: { key: out.present_key, value: out.present_value, length: cache.length + ids.length },
      outputs: out,
    };
  }

  /** The next-token logits after the last of `ids` (the last row of a run). */
  static lastLogits(run: DecoderRun): Float32Array {
    const v = run.logits.length / run.fresh;
    return run.logits.subarray((run.fresh - 1) * v, run.fresh * v);
  }

  /**
   * Generates `steps` tokens after `prompt`: with the cache, step 1 runs the prompt and each later step only
   * the token before it; without, every step runs the whole sequence again. Greedy when `options` is absent,
   * else sampled from the decoding distribution with a random source seeded by `seed`.
   */
  async generate(
    prompt: readonly number[],
    steps: number,
    useCache: boolean,
    options?: DecodingOptions,
    seed = 0,
  ): Promise<GeneratedToken[]> {
    const rng = seededRandom(seed);
    const ids = [...prompt];
    const out: GeneratedToken[] = [];
    let cache = this.emptyCache();
    const room = this.config.max_position_embeddings - prompt.length;
    for (let s = 0; s < Math.min(steps, room); s++) {
      const feed = useCache && s > 0 ? ids.slice(-1) : ids;
      const run = await this.run(feed, useCache ? cache : this.emptyCache());
      cache = run.cache;
      const logits = DecoderCore.lastLogits(run);
      const dist = options ? decodingDistribution(logits, options) : undefined;
      const id = dist ? sampleToken(dist, rng) : argmax(logits);
      const length = run.past + run.fresh;
      const last = run.attention[this.numLayers - 1];
      const lastAttention = new Float32Array(this.numHeads * length);
      for (let h = 0; h < this.numHeads; h++)
        lastAttention.set(last.subarray((h * run.fresh + run.fresh - 1) * length, (h * run.fresh + run.fresh) * length), h * length);
      out.push({
        id,
        text: this.idToToken(id),
        p: dist ? dist[id] : decodingDistribution(logits, { temperature: 1 })[id],
        computed: run.fresh,
        reused: run.past,
        lastAttention,
      });
      ids.push(id);
    }
    return out;
  }

  /** The panel's view of one text: [CLS] and its tokens, causal attention per layer and head, q/k/v. */
  async encode(req: EncodeRequest): Promise<EncodingPayload> {
    const windowed = this.windows.prepare(req);
    const sequence = this.sequence(windowed.content);
    const prepared: PreparedEncoding = { ...windowed, sequence, ids: sequence.map((t) => t.id) };
    const L = this.numLayers;
    const qkv = req.qkv === false ? [] : ['q', 'k', 'v'].flatMap((p) => Array.from({ length: L }, (_, l) => `${p}_${l}`));
    const run = await this.run(prepared.ids, undefined, qkv);
    const attentionOutputs = Array.from({ length: L }, (_, l) => `attn_${l}`);
    const out = Object.fromEntries(
      [...attentionOutputs, ...qkv].map((n) => [n, { data: run.outputs[n].data as Float32Array, dims: run.outputs[n].dims }]),
    );
    const payload = packPayload(
      { modelName: this.files.name, attentionOutputs, qkv: req.qkv !== false, headDim: this.headDim },
      req,
      prepared,
      out,
    );
    return { ...payload, causal: true, next: this.nextTokens(DecoderCore.lastLogits(run)) };
  }

  /** The model's distribution after the text: every logit (for the panel's decoding controls) and the top names. */
  private nextTokens(logits: Float32Array): NonNullable<EncodingPayload['next']> {
    const probs = decodingDistribution(logits, { temperature: 1, topK: 10 });
    const top = Array.from(probs.keys())
      .filter((i) => probs[i] > 0)
      .sort((a, b) => probs[b] - probs[a]);
    return { logits: Float32Array.from(logits), top: top.map((id) => ({ id, text: this.idToToken(id) })) };
  }

  release(): Promise<void> {
    return this.session.release();
  }
}
