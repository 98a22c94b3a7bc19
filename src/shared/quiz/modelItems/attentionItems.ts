/** Model items read from attention weights: which key wins a row, and how much [PAD] receives. */
import type { EncodingPayload, TokenInfo } from '../../encoding';
import { pickOne, type Random, shuffled } from '../rng';
import { type ModelFacts, NotApplicable, type TokenRef } from './facts';

type Attn = Pick<EncodingPayload, 'attention' | 'numLayers' | 'numHeads' | 'tokens'>;

/** A clear winner: the top weight beats the runner-up by at least this, so the answer is not a coin toss. */
export const MIN_MARGIN = 0.05;
/** Attention below this counts as none (masked weights are exactly 0). */
export const LEAK_THRESHOLD = 1e-4;

/** The query: the token `it` when the text has one (the classic coreference example), else any word. */
export function chooseQuery(tokens: readonly Pick<TokenInfo, 'text' | 'special'>[], rng: Random): TokenRef {
  const content = tokens.map((t, index) => ({ index, text: t.text })).filter((t) => !tokens[t.index].special);
  if (!content.length) throw new NotApplicable('the text has no tokens to ask about');
  const it = content.filter((t) => t.text.toLowerCase() === 'it');
  return pickOne(rng, it.length ? it : content);
}

export function mostAttended(p: Attn, rng: Random): Extract<ModelFacts, { template: 'most-attended' }> {
  const T = p.tokens.length;
  if (T < 3) throw new NotApplicable('the text is too short');
  const query = chooseQuery(p.tokens, rng);
  const heads: { layer: number; head: number; top: number; margin: number; row: Float32Array }[] = [];
  for (let layer = 0; layer < p.numLayers; layer++) {
    for (let head = 0; head < p.numHeads; head++) {
      const off = ((layer * p.numHeads + head) * T + query.index) * T;
      const row = p.attention.subarray(off, off + T);
      let top = 0;
      for (let k = 1; k < T; k++) if (row[k] > row[top]) top = k;
      let second = -Infinity;
      for (let k = 0; k < T; k++) if (k !== top && row[k] > second) second = row[k];
      heads.push({ layer, head, top, margin: row[top] - second, row });
    }
  }
  const clear = heads.filter((h) => h.margin >= MIN_MARGIN);
  const chosen = clear.length ? pickOne(rng, clear) : heads.reduce((a, b) => (b.margin > a.margin ? b : a));
  const answerText = p.tokens[chosen.top].text;
  // distractors read differently from the answer and from each other, so every option is distinguishable
  const seen = new Set([answerText]);
  const others = shuffled(
    rng,
    [...Array(T).keys()].filter((k) => k !== chosen.top),
  ).filter((k) => {
    if (seen.has(p.tokens[k].text)) return false;
    seen.add(p.tokens[k].text);
    return true;
  });
  const picks = shuffled(rng, [chosen.top, ...others.slice(0, 3)]);
  return {
    template: 'most-attended',
    layer: chosen.layer,
    head: chosen.head,
    query,
    options: picks.map((k) => ({ index: k, text: p.tokens[k].text, weight: chosen.row[k] })),
    answer: picks.indexOf(chosen.top),
  };
}

export interface PaddedRun {
  /** the sequence with [PAD]s at the end */
  tokens: readonly Pick<TokenInfo, 'text' | 'special'>[];
  /** index of the first [PAD] */
  padFrom: number;
  numHeads: number;
  layer: number;
  /** one layer's attention [head][query][key], run with every mask entry 1 */
  withoutMask: Float32Array;
  /** the same with the [PAD] keys masked */
  withMask: Float32Array;
}

export function paddingLeak(r: PaddedRun, rng: Random): Extract<ModelFacts, { template: 'padding-leak' }> {
  const T = r.tokens.length;
  const padCount = T - r.padFrom;
  if (padCount <= 0) throw new NotApplicable('the run has no padding');
  const query = chooseQuery(r.tokens.slice(0, r.padFrom), rng);
  const shareOf = (a: Float32Array, h: number) => {
    const off = (h * T + query.index) * T;
    let s = 0;
    for (let k = r.padFrom; k < T; k++) s += a[off + k];
    return s;
  };
  // a head that, unmasked, visibly gives the padding some weight: a sharp head (previous token, say)
  // may give it almost none, and the item would then teach nothing about the mask
  const leaking = Array.from({ length: r.numHeads }, (_, h) => h).filter((h) => shareOf(r.withoutMask, h) > LEAK_THRESHOLD);
  if (!leaking.length) throw new NotApplicable('no head gives the padding any weight without the mask');
  const head = leaking[Math.floor(rng() * leaking.length)];
  const share = (a: Float32Array) => shareOf(a, head);
  const variant = rng() < 0.5 ? 'removed' : 'kept';
  const shareWithoutMask = share(r.withoutMask);
  const shareWithMask = share(r.withMask);
  const asked = variant === 'removed' ? shareWithoutMask : shareWithMask;
  return {
    template: 'padding-leak',
    variant,
    layer: r.layer,
    head,
    query,
    padCount,
    shareWithoutMask,
    shareWithMask,
    answer: asked > LEAK_THRESHOLD,
  };
}
