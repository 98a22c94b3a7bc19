import { parseItemKey } from './askedItem';
import type { Progress } from './progress';
import { type Random, shuffled } from './rng';

/** How many items one Start Quiz run asks at most: a few minutes' work. */
export const RUN_LENGTH = 10;
/** How many due items one Review Due run asks at most; the rest stay due for the next run. */
export const REVIEW_LENGTH = 20;

export interface SpreadOptions {
  /** the topic of a question, so new items can be spread over topics as well as questions */
  topicOf?: (questionId: string) => string;
  /** shuffles topics, questions and items; without it they keep bank order */
  random?: Random;
}

/**
 * Which items a quiz run asks, from the candidates (in bank order): first those due (earliest
 * first), then those never answered, spread over topics and questions (see spreadFresh), then the
 * rest (the soonest due first).
 */
export function planRun(candidates: readonly string[], p: Progress, now: number, limit = RUN_LENGTH, spread: SpreadOptions = {}): string[] {
  const due: string[] = [];
  const fresh: string[] = [];
  const rest: string[] = [];
  for (const key of new Set(candidates)) {
    const it = p.items[key];
    if (!it) fresh.push(key);
    else if (it.card.due <= now) due.push(key);
    else rest.push(key);
  }
  const byDue = (a: string, b: string) => p.items[a].card.due - p.items[b].card.due;
  return [...due.sort(byDue), ...spreadFresh(fresh, spread), ...rest.sort(byDue)].slice(0, limit);
}

/**
 * New items in rounds: each round takes one item from every question, visiting the topics in turn,
 * so a short run over the whole bank meets as many questions and topics as it has items, instead of
 * the first questions in bank order.
 */
function spreadFresh(keys: readonly string[], { topicOf, random }: SpreadOptions): string[] {
  const mix = <T>(xs: readonly T[]): T[] => (random ? shuffled(random, xs) : [...xs]);
  const byQuestion = groupBy(keys, (k) => parseItemKey(k)?.questionId ?? k);
  const byTopic = groupBy([...byQuestion.keys()], (q) => topicOf?.(q) ?? '');
  // questions in turn across topics: a question of each topic, then a second of each, …
  const topics = mix([...byTopic.values()]).map(mix);
  const questions: string[] = [];
  for (let round = 0; questions.length < byQuestion.size; round++)
    for (const qs of topics) if (round < qs.length) questions.push(qs[round]);
  const queues = questions.map((q) => mix(byQuestion.get(q) ?? []));
  const out: string[] = [];
  for (let round = 0; out.length < keys.length; round++) for (const items of queues) if (round < items.length) out.push(items[round]);
  return out;
}

function groupBy<T>(xs: readonly T[], keyOf: (x: T) => string): Map<string, T[]> {
  const groups = new Map<string, T[]>();
  for (const x of xs) {
    const k = keyOf(x);
    const g = groups.get(k);
    if (g) g.push(x);
    else groups.set(k, [x]);
  }
  return groups;
}

/** The due items among the candidates, earliest first. */
export function planReview(candidates: readonly string[], p: Progress, now: number, limit = REVIEW_LENGTH): string[] {
  return [...new Set(candidates)]
    .filter((k) => p.items[k] && p.items[k].card.due <= now)
    .sort((a, b) => p.items[a].card.due - p.items[b].card.due)
    .slice(0, limit);
}
