/** Timing loops and their summaries for the benchmark. Milliseconds throughout. */
export interface Timing {
  median: number;
  p95: number;
  runs: number;
}

export function summarize(samples: readonly number[]): Timing {
  const s = [...samples].sort((a, b) => a - b);
  const mid = s.length >> 1;
  return {
    median: s.length % 2 ? s[mid] : (s[mid - 1] + s[mid]) / 2,
    p95: s[Math.max(0, Math.ceil(0.95 * s.length) - 1)],
    runs: s.length,
  };
}

/** Runs `fn` `warmup` times untimed, then `runs` times timed one by one. */
export async function timeRuns(fn: () => unknown, runs: number, warmup: number): Promise<Timing> {
  for (let i = 0; i < warmup; i++) await fn();
  const samples: number[] = [];
  for (let i = 0; i < runs; i++) {
    const t0 = performance.now();
    await fn();
    samples.push(performance.now() - t0);
  }
  return summarize(samples);
}

/** Times one call (a cold start happens once). */
export async function timeOnce<T>(fn: () => Promise<T> | T): Promise<{ value: T; millis: number }> {
  const t0 = performance.now();
  const value = await fn();
  return { value, millis: performance.now() - t0 };
}

export const peakRssMB = (): number => process.resourceUsage().maxRSS / 1024;
