import type { TokenInfo } from '../../shared/encoding';
import type { Heatmap, LabBlock } from '../../shared/labs/labTypes';
import type { EncoderCore } from '../encoder/encoderCore';
import type { FeedOptions } from '../encoder/graphRun';

/** Labs work on at most this many tokens: enough to see the effect, small enough to read. */
export const LAB_MAX_TOKENS = 64;

export type Outputs = Record<string, { data: Float32Array; dims: readonly number[] }>;

/** The user's text as the model sees it, ready for extra runs with other inputs. */
export interface LabInput {
  core: EncoderCore;
  ids: number[];
  segments: number[];
  tokens: TokenInfo[];
  labels: string[];
  /** the text was longer than LAB_MAX_TOKENS */
  truncated: boolean;
  /** the text came from the built-in sample, not the user */
  sample: boolean;
  run(outputs: string[], opts?: { ids?: number[]; segments?: number[]; mask?: number[] } & FeedOptions): Promise<Outputs>;
}

export function labInput(core: EncoderCore, text: string, sample: boolean): LabInput {
  const tok = core.tokenize(text);
  const content = tok.tokens.slice(0, LAB_MAX_TOKENS - (tok.pair ? 3 : 2));
  const seq = core.buildSequence(content) as (TokenInfo & { id: number })[];
  const ids = seq.map((t) => t.id);
  const segments = seq.map((t) => t.segment);
  return {
    core,
    ids,
    segments,
    tokens: seq,
    labels: seq.map((t) => t.text),
    truncated: tok.tokens.length > content.length,
    sample,
    run: (outputs, opts = {}) => {
      const i = opts.ids ?? ids;
      return core.run(core.feeds(i, opts.segments ?? segments, opts.mask, 1, opts), outputs);
    },
  };
}

/** One head's [T][dk] block of a q_l / k_l / v_l output of shape [1, H, T, dk]. */
export function headSlice(out: { data: Float32Array; dims: readonly number[] }, head: number): Float32Array {
  const [, , t, dk] = out.dims;
  return out.data.subarray(head * t * dk, (head + 1) * t * dk);
}

export function fmtNum(x: number, digits = 3): string {
  if (!Number.isFinite(x)) return String(x);
  const a = Math.abs(x);
  return a !== 0 && (a < 1e-3 || a >= 1e5) ? x.toExponential(2) : x.toFixed(digits);
}

/** A T×T heatmap over the lab's tokens (rows: queries, columns: keys). */
export function tokenMap(title: string, data: ArrayLike<number>, labels: string[]): Heatmap {
  return { title, rows: labels.length, cols: labels.length, data: Array.from(data), rowLabels: labels, colLabels: labels };
}

/** The token a lab masks: the learner's, else a whole word near the middle (a guess at punctuation teaches little). */
export function maskedToken(input: LabInput, token: number | undefined): number {
  const content = input.tokens.map((tk, i) => (tk.special ? -1 : i)).filter((i) => i >= 0);
  const words = content.filter((i) => /^\p{L}{2,}$/u.test(input.tokens[i].text) || /^\p{Script=Han}$/u.test(input.tokens[i].text));
  const pool = words.length ? words : content;
  return token !== undefined && content.includes(token) ? token : pool[Math.floor(pool.length / 2)];
}

/** The lab's tokens with the picked one shown as [MASK] (or marked, where it is not masked); a click picks another. */
export function maskChips(input: LabInput, pick: number, title: string, masked = true): LabBlock {
  return {
    kind: 'tokens',
    title: title,
    clickable: true,
    items: input.tokens.map((tk, i) => ({
      text: i === pick && masked ? '[MASK]' : tk.text,
      tone: i === pick ? (masked ? 'mask' : 'chosen') : 'plain',
      index: tk.special ? undefined : i,
    })),
  };
}
