import type { Progress } from './progress';

/** How many items one Start Quiz run asks at most: a few minutes' work. */
export const RUN_LENGTH = 10;
/** How many due items one Review Due run asks at most; the rest stay due for the next run. */
export const REVIEW_LENGTH = 20;

/**
 * Which items a quiz run asks, from the candidates (in bank order): first those due (earliest
 * first), then those never answered (bank order), then the rest (the soonest due first).
 */
export function planRun(candidates: readonly string[], p: Progress, now: number, limit = RUN_LENGTH): string[] {
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
  return [...due.sort(byDue), ...fresh, ...rest.sort(byDue)].slice(0, limit);
}

/** The due items among the candidates, earliest first. */
export function planReview(candidates: readonly string[], p: Progress, now: number, limit = REVIEW_LENGTH): string[] {
  return [...new Set(candidates)]
    .filter((k) => p.items[k] && p.items[k].card.due <= now)
    .sort((a, b) => p.items[a].card.due - p.items[b].card.due)
    .slice(0, limit);
}
