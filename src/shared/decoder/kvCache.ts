/**
 * What a KV cache saves, counted: at every generation step a decoder needs the keys and values of every
 * token so far. Without a cache it recomputes them all (and the queries, and every layer's output, for
 * every earlier token); with one it computes them for the new token only and reads the rest back.
 */

export interface CacheStep {
  /** 1-based generation step */
  step: number;
  /** tokens in the sequence when this step's new token is the last one */
  length: number;
  /** key (and as many value) vectors computed at this step, per layer and head */
  computedWithCache: number;
  computedWithoutCache: number;
  /** key vectors read back from the cache at this step */
  fromCache: number;
  /** query·key dot products at this step, per layer and head (every query row, causal: row i has i + 1) */
  dotsWithCache: number;
  dotsWithoutCache: number;
}

/**
 * The cost of generating `steps` tokens after a prompt of `prompt` tokens. Step 1 runs the prompt (its keys
 * are computed either way) and predicts the first token; each later step feeds the token the previous step
 * chose. Counts are per layer and per head; multiply by layers × heads for the model.
 */
export function cacheCosts(prompt: number, steps: number): CacheStep[] {
  const out: CacheStep[] = [];
  for (let s = 1; s <= steps; s++) {
    const length = prompt + s - 1;
    const fresh = s === 1 ? prompt : 1;
    out.push({
      step: s,
      length,
      computedWithCache: fresh,
      computedWithoutCache: length,
      fromCache: length - fresh,
      // the new rows only: the last `fresh` rows of a causal triangle of `length` rows
      dotsWithCache: triangle(length) - triangle(length - fresh),
      dotsWithoutCache: triangle(length),
    });
  }
  return out;
}

/** 1 + 2 + … + n: the query·key products of a causal attention over n tokens. */
function triangle(n: number): number {
  return (n * (n + 1)) / 2;
}

/** Totals over a run, with the ratio without/with the cache. */
export function cacheTotals(costs: readonly CacheStep[]): { keysWith: number; keysWithout: number; dotsWith: number; dotsWithout: number } {
  let keysWith = 0,
    keysWithout = 0,
    dotsWith = 0,
    dotsWithout = 0;
  for (const c of costs) {
    keysWith += c.computedWithCache;
    keysWithout += c.computedWithoutCache;
    dotsWith += c.dotsWithCache;
    dotsWithout += c.dotsWithoutCache;
  }
  return { keysWith, keysWithout, dotsWith, dotsWithout };
}
