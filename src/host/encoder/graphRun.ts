import type { ModelInputs } from '../../shared/modelInputs';
import { ModelFormatError, modelProblem } from '../../shared/modelProblem';
import type { LoadedRuntime } from './runtime';
import type { ViewLevel, ViewSessions } from './viewSessions';

type Session = import('onnxruntime-node').InferenceSession;
export type Feeds = Record<string, import('onnxruntime-node').Tensor>;
export type RunOutputs = Record<string, { data: Float32Array; dims: readonly number[] }>;

/** What a run can ask of the inputs beyond the tokens, where the model has them (the bundled one does). */
export interface FeedOptions {
  /** 1 as usual, 0 switches the position embeddings off (pos_scale) */
  posScale?: number;
  /** 1 keeps a head, 0 switches it off, layer by layer (head_mask, flattened [layers × heads]); all kept when absent */
  headMask?: readonly number[];
  /** the token whose logit lens lens_logits gives */
  lensPosition?: number;
}

/** Where a per-layer output sits in the stack the view graph returns instead (see viewStacks). */
export interface StackedPart {
  stack: string;
  layer: number;
  layers: number;
}

/**
 * Runs a loaded model: builds its inputs under the names and element types the export declares, and
 * runs the smallest cut of the view graph that answers, or the whole graph.
 */
export class GraphRun {
  /** Set when a stacked view run failed where the whole graph did not: per-layer outputs come from that. */
  private stackFailed = false;

  /** Feeds padded to a fixed sequence length, with the number of positions that hold tokens. */
  private readonly tokensIn = new WeakMap<Feeds, number>();

  constructor(
    readonly runtime: LoadedRuntime,
    /** the whole graph: the labs' and quizzes' other outputs (MLM logits, NSP, embeddings, hidden states) */
    private readonly session: Session,
    /** the graph cut down to what the views draw, so following a selection never runs the MLM head; none where it cannot be cut */
    private readonly views: ViewSessions | undefined,
    /** per-layer outputs the view graph returns stacked, by the per-layer name */
    private readonly stacked: ReadonlyMap<string, StackedPart>,
    /** which of the model's inputs take ids, mask and segments, and in which integer type */
    private readonly inputs: ModelInputs,
    /** the id that fills the positions past the text in a model with a fixed sequence length */
    private readonly padId: number,
    /** the per-layer attention outputs, which run() hands back as [batch, heads, queries, keys] */
    private readonly attention: ReadonlySet<string>,
  ) {}

  /**
   * The inputs for a batch of equal-length sequences laid end to end, under the names and integer types
   * the export declares. A model with a fixed sequence length gets each sequence padded to it (mask 0);
   * run() crops its attention back to the tokens.
   */
  feeds(ids: number[], segments: number[], mask?: number[], batch = 1, opts: FeedOptions = {}): Feeds {
    const { Tensor } = this.runtime.ort;
    const { inputs } = this;
    const t = ids.length / batch;
    const width = inputs.fixedLength ?? t;
    if (width < t) throw new ModelFormatError(modelProblem('fixedLengthExceeded', t, width));
    if (inputs.fixedBatch !== undefined && inputs.fixedBatch !== batch)
      throw new ModelFormatError(modelProblem('fixedBatch', inputs.fixedBatch, batch));
    const pad = (values: readonly number[], fill: number) => {
      if (width === t) return values;
      const out = new Array<number>(width * batch).fill(fill);
      for (let b = 0; b < batch; b++) for (let i = 0; i < t; i++) out[b * width + i] = values[b * t + i];
      return out;
    };
    const tensor = (name: string, values: readonly number[]) =>
      inputs.intTypes[name] === 'int32'
        ? new Tensor('int32', Int32Array.from(values), [batch, width])
        : new Tensor(
            'int64',
            BigInt64Array.from(values, (v) => BigInt(v)),
            [batch, width],
          );
    const feeds: Feeds = { [inputs.ids]: tensor(inputs.ids, pad(ids, this.padId)) };
    if (inputs.mask) feeds[inputs.mask] = tensor(inputs.mask, pad(mask ?? ids.map(() => 1), 0));
    if (inputs.segments) feeds[inputs.segments] = tensor(inputs.segments, pad(segments, 0));
    if (inputs.positions)
      feeds[inputs.positions] = tensor(
        inputs.positions,
        Array.from({ length: width * batch }, (_, i) => i % width),
      );
    if (inputs.posScale) feeds[inputs.posScale] = new Tensor('float32', Float32Array.of(opts.posScale ?? 1), [1]);
    if (inputs.headMask) {
      const { name, layers, heads } = inputs.headMask;
      const keep = opts.headMask ?? [];
      feeds[name] = new Tensor(
        'float32',
        Float32Array.from({ length: layers * heads }, (_, i) => keep[i] ?? 1),
        [layers, heads],
      );
    }
    if (inputs.lensPosition) feeds[inputs.lensPosition] = new Tensor('int64', BigInt64Array.of(BigInt(opts.lensPosition ?? 0)), [1]);
    if (width !== t) this.tokensIn.set(feeds, t);
    return feeds;
  }

  /**
   * Runs the graph for the named outputs: the smallest cut of the view graph that has them all, else the
   * whole one. Per-layer outputs the view graph stacks come back as views into the stack when every layer of
   * it was asked for (so the layers fill one buffer, which the payload then takes as it is), and as
   * copies of their own otherwise (so posting one layer never carries the others along).
   */
  async run(feeds: Feeds, outputs: string[]): Promise<RunOutputs> {
    const out = await this.runGraph(feeds, outputs);
    const [batch, width] = feeds[this.inputs.ids].dims;
    const t = this.tokensIn.get(feeds) ?? width;
    for (const name of outputs) if (this.attention.has(name)) out[name] = attentionAs4d(out[name], batch, width, t);
    return out;
  }

  private async runGraph(feeds: Feeds, outputs: string[]): Promise<RunOutputs> {
    const cut = this.stackFailed ? undefined : this.views?.cutFor(outputs);
    const out: RunOutputs = {};
    const runWhole = async () => {
      const res = await this.session.run(feeds, outputs);
      for (const name of outputs) out[name] = { data: res[name].data as Float32Array, dims: res[name].dims };
      return out;
    };
    const view = cut && (await this.views?.session(cut, feeds[this.inputs.ids].dims[1]));
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

  /**
   * The session that runs a cut of the view graph for t tokens (see ViewSessions): short inputs on
   * threads that spin, long ones on threads that sleep. undefined where the graph could not be cut.
   */
  viewSession(level: ViewLevel, t: number): Promise<Session | undefined> {
    const cut = this.views?.cuts.find((c) => c.level === level);
    return cut ? (this.views as ViewSessions).session(cut, t) : Promise.resolve(undefined);
  }

  async release(): Promise<void> {
    await this.views?.release();
    await this.session.release();
  }
}

/**
 * Attention as [batch, heads, queries, keys] over the tokens alone. PyTorch's nn.MultiheadAttention
 * exports its weights as [batch × heads, queries, keys]; a model with a fixed sequence length returns
 * rows and columns for the padding after the text, which are cropped off here.
 */
export function attentionAs4d(o: RunOutputs[string], batch: number, width: number, t: number): RunOutputs[string] {
  let dims = o.dims;
  if (dims.length === 3 && dims[0] % batch === 0 && dims[1] === dims[2]) dims = [batch, dims[0] / batch, dims[1], dims[2]];
  // anything else is left for the shape check before packing, which names the dimension that is off
  if (dims.length !== 4 || dims[2] !== width || dims[3] !== width) return { data: o.data, dims };
  if (t === width) return { data: o.data, dims };
  const rows = dims[0] * dims[1];
  const data = new Float32Array(rows * t * t);
  for (let r = 0; r < rows; r++)
    for (let q = 0; q < t; q++) data.set(o.data.subarray((r * width + q) * width, (r * width + q) * width + t), (r * t + q) * t);
  return { data, dims: [dims[0], dims[1], t, t] };
}
