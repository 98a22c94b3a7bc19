/**
 * Model items from the bundled decoder: which tokens a position may see under the causal mask, the most
 * likely next token after a prefix of the text, and how many keys a generation step computes with a KV cache.
 */
import { cacheCosts } from '../../decoder/kvCache';
import { temperatureSoftmax } from '../../decoder/sampling';
import type { TokenInfo } from '../../encoding';
import { pickOne, type Random, shuffled } from '../rng';
import { type ModelFacts, NotApplicable } from './facts';

type Tok = Pick<TokenInfo, 'text' | 'special'>;

/** A token worth offering as a choice: has a letter or digit, and is not a ## piece (which reads as no word of the text). */
const isChoice = (t: Tok) => !t.special && /[\p{L}\p{N}]/u.test(t.text) && !t.text.startsWith('##');
/** A vocabulary entry that is (part of) a word: a letter or digit first, after any ##. */
const isWordPiece = (text: string) => /^[\p{L}\p{N}]/u.test(text.replace(/^##/, ''));

export interface CausalRun {
  /** the decoder's sequence: [CLS] and the tokens of the text */
  tokens: readonly Tok[];
  /** per layer [heads][tokens][tokens]: the decoder's attention over the whole sequence */
  attention: readonly Float32Array[];
  numHeads: number;
}

/**
 * Which of four tokens can position i attend to: one choice before i, the others after it. A text that occurs
 * on both sides of i (or is the query's own) is never a choice, so the answer follows from positions alone.
 */
export function causalSees(r: CausalRun, rng: Random): Extract<ModelFacts, { template: 'causal-sees' }> {
  const T = r.tokens.length;
  const plans: { i: number; before: Map<string, number>; after: Map<string, number>; tier: number }[] = [];
  for (let i = 2; i < T - 1; i++) {
    if (r.tokens[i].special) continue;
    const seen = new Set(r.tokens.slice(0, i + 1).map((t) => t.text));
    const later = new Set(r.tokens.slice(i + 1).map((t) => t.text));
    // text → one position holding it (the last before i; the first after i)
    const before = new Map<string, number>();
    for (let k = 1; k < i; k++) {
      const t = r.tokens[k];
      if (isChoice(t) && t.text !== r.tokens[i].text && !later.has(t.text)) before.set(t.text, k);
    }
    const after = new Map<string, number>();
    for (let k = T - 1; k > i; k--) {
      const t = r.tokens[k];
      if (isChoice(t) && !seen.has(t.text)) after.set(t.text, k);
    }
    if (!before.size || !after.size) continue;
    // best: three distractors, and a query that is a word
    plans.push({ i, before, after, tier: (after.size >= 3 ? 2 : 0) + (isChoice(r.tokens[i]) ? 1 : 0) });
  }
  if (!plans.length) throw new NotApplicable('the text has too few distinct tokens before and after any position');
  const best = Math.max(...plans.map((p) => p.tier));
  const plan = pickOne(
    rng,
    plans.filter((p) => p.tier === best),
  );
  const answerAt = pickOne(rng, [...plan.before.values()]);
  const distractors = shuffled(rng, [...plan.after.values()]).slice(0, 3);
  const picks = shuffled(rng, [answerAt, ...distractors]);
  const weight = (k: number) => {
    let m = 0;
    for (const a of r.attention) for (let h = 0; h < r.numHeads; h++) m = Math.max(m, a[(h * T + plan.i) * T + k]);
    return m;
  };
  return {
    template: 'causal-sees',
    query: { index: plan.i, text: r.tokens[plan.i].text },
    options: picks.map((k) => ({ index: k, text: r.tokens[k].text, weight: weight(k) })),
    answer: picks.indexOf(answerAt),
    heads: r.attention.length * r.numHeads,
  };
}

export interface NextTokenRun {
  /** the decoder's sequence: [CLS] and the tokens of the text, with their ids and character ranges */
  tokens: readonly (Pick<TokenInfo, 'text' | 'special' | 'start' | 'end'> & { id: number })[];
  /** [tokens][vocab]: row j holds the next-token logits after tokens 0..j */
  logits: Float32Array;
  tokenText: (id: number) => string;
  /** ids never offered: [PAD], [UNK], [CLS], [SEP], [MASK] */
  specialIds: ReadonlySet<number>;
}

/** Distractors come from the decoder's ranks 5 to 40 (1-based), so the top choice stands apart from them. */
export const DISTRACTOR_RANKS = { from: 5, to: 40 } as const;

/** The `n` highest logits of `row` among the ids `ok` accepts, best first (ties: the lower id). */
function topIds(row: Float32Array, n: number, ok: (id: number) => boolean): number[] {
  const top: number[] = [];
  for (let id = 0; id < row.length; id++) {
    if (top.length === n && row[id] <= row[top[n - 1]]) continue;
    if (!ok(id)) continue;
    let at = top.length;
    while (at > 0 && row[id] > row[top[at - 1]]) at--;
    top.splice(at, 0, id);
    if (top.length > n) top.pop();
  }
  return top;
}

/**
 * The decoder's most likely next token after a prefix of the text, among it and three tokens it ranks 5th
 * or lower. The prefix ends where the decoder's top choice is a word (not punctuation), before a space,
 * and twice as likely as any distractor, where the text has such a place.
 */
export function nextToken(r: NextTokenRun, rng: Random): Extract<ModelFacts, { template: 'next-token' }> {
  const T = r.tokens.length;
  const V = r.logits.length / T;
  const candidate = (id: number) => !r.specialIds.has(id) && !/^\[.*\]$/.test(r.tokenText(id));
  const rowOf = (j: number) => r.logits.subarray(j * V, (j + 1) * V);
  const cuts: { j: number; tier: number }[] = [];
  for (let j = 1; j < T; j++) {
    if (r.tokens[j].special) continue;
    const row = rowOf(j);
    const [raw] = topIds(row, 1, () => true);
    const top = topIds(row, DISTRACTOR_RANKS.from, candidate);
    if (top.length < DISTRACTOR_RANKS.from) continue;
    const text = r.tokenText(top[0]);
    const tier =
      (raw === top[0] ? 8 : 0) + // the model's own top is an ordinary token
      (isWordPiece(text) && !text.startsWith('##') ? 4 : 0) + // a word, not punctuation or a ## piece
      (j === T - 1 || r.tokens[j + 1].start > r.tokens[j].end ? 2 : 0) + // the prefix ends before a space, not inside a word
      (row[top[0]] - row[top[DISTRACTOR_RANKS.from - 1]] >= Math.LN2 ? 1 : 0); // twice as likely as any distractor
    cuts.push({ j, tier });
  }
  if (!cuts.length) throw new NotApplicable('the text has no tokens to continue');
  const best = Math.max(...cuts.map((c) => c.tier));
  const { j } = pickOne(
    rng,
    cuts.filter((c) => c.tier === best),
  );
  const row = rowOf(j);
  const ranked = Array.from({ length: V }, (_, id) => id)
    .filter(candidate)
    .sort((a, b) => row[b] - row[a] || a - b);
  const rankOf = new Map(ranked.map((id, i) => [id, i + 1]));
  const probs = temperatureSoftmax(row, 1);
  const top = ranked[0];
  const topText = r.tokenText(top);
  const used = new Set([topText]);
  const distractors: number[] = [];
  const take = (id: number, limit = 3) => {
    const text = r.tokenText(id);
    const rank = rankOf.get(id);
    if (distractors.length >= limit || rank === undefined || rank < DISTRACTOR_RANKS.from || used.has(text)) return;
    if (text.startsWith('##') !== topText.startsWith('##') || (isWordPiece(topText) && !isWordPiece(text))) return;
    used.add(text);
    distractors.push(id);
  };
  // one whole word of the text itself, when the decoder ranks it low enough: the tempting wrong answer
  for (const t of shuffled(
    rng,
    r.tokens.filter((t, k) => isChoice(t) && !r.tokens[k + 1]?.text.startsWith('##')),
  ))
    take(t.id, 1);
  const near = ranked.slice(DISTRACTOR_RANKS.from - 1, DISTRACTOR_RANKS.to);
  for (let tries = 0; distractors.length < 3 && tries < 100; tries++) take(pickOne(rng, near));
  for (const id of ranked.slice(DISTRACTOR_RANKS.from - 1)) {
    if (distractors.length >= 3) break;
    take(id);
  }
  const ids = shuffled(rng, [top, ...distractors]);
  const following = r.tokens[j + 1];
  const followingRank = following && rankOf.get(following.id);
  return {
    template: 'next-token',
    prefix: { index: j, text: r.tokens[j].text },
    options: ids.map((id) => ({ token: r.tokenText(id), probability: probs[id], rank: rankOf.get(id) ?? 0 })),
    answer: ids.indexOf(top),
    top: ranked.slice(0, 5).map((id) => ({ token: r.tokenText(id), probability: probs[id] })),
    ...(following && followingRank ? { actual: { token: following.text, rank: followingRank } } : {}),
  };
}

export interface CacheQuestion {
  /** the prompt's length in tokens, [CLS] included */
  prompt: number;
  layers: number;
  heads: number;
  /** the decoder's positions: the prompt and every generated token must fit */
  maxPositions: number;
}

/** Steps asked about: 1 (the prompt, “prefill”) about one time in four, else 2 to this. */
export const MAX_STEP = 8;

/**
 * How many new key vectors step t computes in each head of each layer with a KV cache: the prompt's p at
 * step 1, one after it. The wrong choices are the usual slips: the count without a cache (p + t − 1), t,
 * none at all, the whole model's count.
 */
export function kvCacheKeys(q: CacheQuestion, rng: Random): Extract<ModelFacts, { template: 'kv-cache-keys' }> {
  const p = q.prompt;
  if (p < 2) throw new NotApplicable('the text has no tokens');
  const last = Math.min(MAX_STEP, q.maxPositions - p + 1);
  if (last < 1) throw new NotApplicable('the text fills the decoder’s positions');
  const step = last < 2 || rng() < 0.25 ? 1 : 2 + Math.floor(rng() * (last - 1));
  const c = cacheCosts(p, step)[step - 1];
  const model = q.layers * q.heads;
  const slips =
    step === 1 ? [1, p - 1, 0, p + 1, p * model] : [c.computedWithoutCache, step, 0, c.computedWithoutCache + 1, p, model, step - 1];
  const wrong: number[] = [];
  for (const n of slips) if (n >= 0 && n !== c.computedWithCache && !wrong.includes(n) && wrong.length < 3) wrong.push(n);
  const options = shuffled(rng, [c.computedWithCache, ...wrong]);
  return {
    template: 'kv-cache-keys',
    prompt: p,
    step,
    layers: q.layers,
    heads: q.heads,
    options,
    answer: options.indexOf(c.computedWithCache),
    withCache: c.computedWithCache,
    withoutCache: c.computedWithoutCache,
    fromCache: c.fromCache,
  };
}
