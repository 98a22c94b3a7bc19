/** Model items about single tokens: the masked-LM's top guess, and which segment a token is in. */
import type { TokenInfo } from '../../encoding';
import { softmax } from '../../stepMath';
import { pickOne, type Random, shuffled } from '../rng';
import { type ModelFacts, NotApplicable } from './facts';

type Tok = Pick<TokenInfo, 'text' | 'special'>;
const isWord = (s: string) => /^\p{L}{2,}$/u.test(s);

/** A whole-word token worth masking (not a ## piece, not the start of a split word), or undefined. */
export function chooseMaskPosition(tokens: readonly Tok[], rng: Random): number | undefined {
  const ok = tokens.map((_, i) => i).filter((i) => !tokens[i].special && isWord(tokens[i].text) && !tokens[i + 1]?.text.startsWith('##'));
  return ok.length ? pickOne(rng, ok) : undefined;
}

export interface MaskedRun {
  /** the sequence as run, with [MASK] at maskIndex */
  tokens: readonly Tok[];
  maskIndex: number;
  /** the token that was replaced */
  original: { id: number; text: string };
  /** mlm logits at the masked position, one per vocabulary id */
  logits: Float32Array;
  /** vocabulary id → token */
  vocab: readonly string[];
  /** ids never offered as answers: [PAD], [CLS], [SEP], [MASK], [UNK] */
  specialIds: ReadonlySet<number>;
}

export function mlmTop1(r: MaskedRun, rng: Random): Extract<ModelFacts, { template: 'mlm-top1' }> {
  const candidate = (id: number) => !r.specialIds.has(id) && r.vocab[id] !== undefined && !/^\[.*\]$/.test(r.vocab[id]);
  const ranked = [...r.logits.keys()].filter(candidate).sort((a, b) => r.logits[b] - r.logits[a]);
  if (ranked.length < 4) throw new NotApplicable('the vocabulary is too small');
  const probs = softmax(r.logits);
  const top = ranked[0];
  const topText = r.vocab[top];
  const used = new Set([topText]);
  const distractors: number[] = [];
  const take = (id: number) => {
    const text = r.vocab[id];
    if (distractors.length >= 3 || used.has(text) || !isWord(text.replace(/^##/, '')) || text.startsWith('##') !== topText.startsWith('##'))
      return;
    used.add(text);
    distractors.push(id);
  };
  // the original word is the most tempting wrong answer (when it is not the model's guess)
  take(r.original.id);
  const byText = new Map(r.vocab.map((t, id) => [t, id]));
  for (const t of shuffled(
    rng,
    r.tokens.filter((t, i) => !t.special && i !== r.maskIndex).map((t) => t.text),
  )) {
    const id = byText.get(t);
    if (id !== undefined && candidate(id)) take(id);
  }
  // then words the model ranks far below its guess
  const far = ranked.slice(50, 1000);
  for (let tries = 0; distractors.length < 3 && tries < 200 && far.length; tries++) take(pickOne(rng, far));
  for (const id of ranked.slice(1)) take(id);
  const ids = shuffled(rng, [top, ...distractors]);
  return {
    template: 'mlm-top1',
    masked: { index: r.maskIndex, text: r.original.text },
    options: ids.map((id) => ({ token: r.vocab[id], probability: probs[id] })),
    answer: ids.indexOf(top),
    originalRank: ranked.indexOf(r.original.id) + 1,
  };
}

export function segmentOf(
  tokens: readonly Pick<TokenInfo, 'text' | 'special' | 'segment'>[],
  rng: Random,
): Extract<ModelFacts, { template: 'segment-of' }> {
  const content = tokens.map((t, index) => ({ index, t })).filter((x) => !x.t.special);
  if (!content.length) throw new NotApplicable('the text has no tokens to ask about');
  const pair = content.some((x) => x.t.segment === 1);
  const count = new Map<string, number>();
  for (const x of content) count.set(x.t.text, (count.get(x.t.text) ?? 0) + 1);
  // ask about a token whose text occurs once, so "which segment is X in" has one answer
  const unique = content.filter((x) => count.get(x.t.text) === 1);
  const pool = unique.length ? unique : content;
  // in a pair, ask about either segment with even odds
  const want = pair && rng() < 0.5 ? 1 : 0;
  const inWanted = pool.filter((x) => x.t.segment === want);
  const chosen = pickOne(rng, inWanted.length ? inWanted : pool);
  return { template: 'segment-of', token: { index: chosen.index, text: chosen.t.text }, pair, options: [0, 1], answer: chosen.t.segment };
}
