import type { Capabilities } from './capabilities';
import { type OutputStack, restrictOutputs } from './onnxGraph';
import type { LoadedRuntime } from './runtime';
import { LONG_INPUT_TOKENS, SESSION_OPTIONS, SLEEPING_SESSION_OPTIONS } from './sessionOptions';

type Session = import('onnxruntime-node').InferenceSession;

/** How much of the view a cut of the graph answers: attention alone, or attention with q/k/v. */
export type ViewLevel = 'attention' | 'qkv';

/** One cut of the graph: the per-layer outputs it answers, each kind stacked over the layers. */
export interface ViewCut {
  level: ViewLevel;
  outputs: readonly string[];
  stacks: readonly OutputStack[];
}

/**
 * The sessions that run the view: the graph cut down to what the open view draws (attention alone for
 * the head, matrix and model views and for following a selection; with q/k/v for the step view and the
 * quizzes), each cut on a session whose threads spin (short inputs) or sleep (LONG_INPUT_TOKENS and
 * more). ONNX Runtime runs every node of a graph and copies every output it is asked for, so a smaller
 * cut is less work per run. The smallest cut's spinning session is made at load; the others on first
 * need, once each, however many callers ask at the same time.
 */
export class ViewSessions {
  private readonly made = new Map<string, Promise<Session | undefined>>();

  private constructor(
    private readonly runtime: LoadedRuntime,
    /** the model the cuts are made from (tapped, for a model that did not name its attention outputs) */
    private readonly source: Uint8Array,
    /** smallest first */
    readonly cuts: readonly ViewCut[],
  ) {}

  /** undefined when the graph cannot be cut or stacked: the whole graph then answers everything */
  static async create(runtime: LoadedRuntime, source: Uint8Array, cuts: readonly ViewCut[]): Promise<ViewSessions | undefined> {
    const views = new ViewSessions(runtime, source, cuts);
    if (await views.session(cuts[0], 1)) return views;
    await views.release();
    return undefined;
  }

  /** The smallest cut that answers every one of the outputs, if any does. */
  cutFor(outputs: readonly string[]): ViewCut | undefined {
    return this.cuts.find((c) => outputs.every((o) => c.outputs.includes(o)));
  }

  /** The session that runs a cut for t tokens; undefined when that cut cannot be made. */
  session(cut: ViewCut, t: number): Promise<Session | undefined> {
    // onnxruntime-web runs one thread: there is nothing to spin or sleep
    const sleeping = t >= LONG_INPUT_TOKENS && this.runtime.provider === 'onnxruntime-node (native CPU)';
    const key = `${cut.level}/${sleeping ? 'sleeping' : 'spinning'}`;
    let made = this.made.get(key);
    if (!made) {
      made = this.make(cut, sleeping);
      this.made.set(key, made);
    }
    return made;
  }

  private async make(cut: ViewCut, sleeping: boolean): Promise<Session | undefined> {
    try {
      const bytes = await restrictOutputs(this.source, cut.outputs, cut.stacks);
      return await this.runtime.ort.InferenceSession.create(bytes, sleeping ? SLEEPING_SESSION_OPTIONS : SESSION_OPTIONS);
    } catch {
      // without a sleeping session the spinning one runs long inputs: slower on loaded cores, never wrong
      return sleeping ? this.session(cut, 0) : undefined;
    }
  }

  async release(): Promise<void> {
    const sessions = new Set(await Promise.all(this.made.values()));
    this.made.clear();
    for (const s of sessions) await s?.release();
  }
}

/** Attention, and q/k/v where the model has them: what the views draw. */
export function viewOutputs(attentionOutputs: readonly string[], capabilities: Capabilities): string[] {
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
export function viewStacks(attentionOutputs: readonly string[], capabilities: Capabilities): OutputStack[] {
  const stacks: OutputStack[] = [{ name: 'tutor_view_attn', parts: attentionOutputs }];
  if (capabilities.qkv)
    for (const p of ['q', 'k', 'v']) stacks.push({ name: `tutor_view_${p}`, parts: attentionOutputs.map((_, l) => `${p}_${l}`) });
  return stacks;
}

/** The view graph's cuts, smallest first: attention alone, then (where the model has them) with q/k/v. */
export function viewCuts(attentionOutputs: readonly string[], capabilities: Capabilities): ViewCut[] {
  const [attention, ...qkv] = viewStacks(attentionOutputs, capabilities);
  const cuts: ViewCut[] = [{ level: 'attention', outputs: attentionOutputs, stacks: [attention] }];
  if (qkv.length) cuts.push({ level: 'qkv', outputs: viewOutputs(attentionOutputs, capabilities), stacks: [attention, ...qkv] });
  return cuts;
}
