/**
 * Induction heads (Olsson et al. 2022): a head that, at a token it has seen before, attends to the token
 * that followed the earlier occurrence — "… A B … A → B". Its score is the mean attention from each
 * repeated token to that earlier successor.
 */

/** For each position, the position after the most recent earlier occurrence of its token (-1: none, or nothing after it yet). */
export function inductionTargets(ids: readonly number[], skip: ReadonlySet<number> = new Set()): number[] {
  const last = new Map<number, number>();
  return ids.map((id, i) => {
    const seen = skip.has(id) ? undefined : last.get(id);
    last.set(id, i);
    return seen !== undefined && seen + 1 < i ? seen + 1 : -1;
  });
}

/**
 * Mean attention from each position with a target to its target, for one head's causal [T, T] attention
 * (row-major). NaN when no position has a target (nothing repeats).
 */
export function inductionScore(attention: ArrayLike<number>, t: number, targets: readonly number[]): number {
  let sum = 0,
    n = 0;
  targets.forEach((k, q) => {
    if (k < 0) return;
    sum += attention[q * t + k];
    n++;
  });
  return n ? sum / n : NaN;
}

/** Mean attention on the previous token over rows 1..T-1 of one head's [T, T] attention. */
export function previousTokenScore(attention: ArrayLike<number>, t: number): number {
  let sum = 0;
  for (let q = 1; q < t; q++) sum += attention[q * t + q - 1];
  return t > 1 ? sum / (t - 1) : NaN;
}

/** The token ids of a text repeated: the first copy, then the same again (what makes an induction head light up). */
export function repeated<T>(ids: readonly T[]): T[] {
  return [...ids, ...ids];
}
