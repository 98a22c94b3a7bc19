// Session options shared by every encoder session, the view sessions and the benchmarks.

/** How every encoder session is created (the benchmark creates its sessions the same way). */
export const SESSION_OPTIONS = {
  graphOptimizationLevel: 'all' as const,
  intraOpNumThreads: 2,
  interOpNumThreads: 1,
  // severity 3: ORT's warnings are logged by the extension itself where they matter
  logSeverityLevel: 3 as const,
  // ORT's default: worker threads spin briefly between operators. On idle cores (the usual case when
  // someone reads code) that was 1.1-2.2x faster than sleeping threads, most at 16-128 tokens; under
  // heavy competing load it was up to 2x slower at 256-512 tokens (bench/README.md has both tables).
  extra: { session: { intra_op: { allow_spinning: '1' } } },
};

/**
 * From this many tokens on, the view runs on sessions whose threads sleep between operators.
 * Each operator of a long input runs long, so the spin between operators buys little, and on cores
 * shared with the rest of VS Code a spinning thread takes turns from the ones doing the work. At 384-512
 * tokens sleeping threads were as fast on idle cores and up to 1.6x faster on loaded ones, in every
 * session that measured it; below that, spinning ones were faster on idle cores (bench/README.md).
 */
export const LONG_INPUT_TOKENS = 384;
export const SLEEPING_SESSION_OPTIONS = { ...SESSION_OPTIONS, extra: { session: { intra_op: { allow_spinning: '0' } } } };
