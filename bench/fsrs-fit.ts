// Log loss of FSRS's default parameters against parameters fitted by the FSRS optimizer, on the
// held-out later part of a review log: fit on the spaced reviews before a cut in time, score both
// on those after it. The log is an exported progress file (Export Quiz Progress) or, by default,
// simulated learners (test/fixtures/simulatedLearner.ts): no real learner's log ships here.
//
//   node --import tsx bench/fsrs-fit.ts                      # simulated learners
//   node --import tsx bench/fsrs-fit.ts --progress my.json   # your own export
//   node --import tsx bench/fsrs-fit.ts --held-out 0.3       # the share of reviews held out (default 0.25)
//   node --import tsx bench/fsrs-fit.ts --build wasm         # the WebAssembly optimizer (default: native where installed)
import { readFileSync } from 'node:fs';
import { checkedFit, evaluateLogLoss, fitParameters, type OptimizerBuild } from '../src/host/quiz/fsrsOptimizer';
import { type SpacedExample, spacedExamples } from '../src/shared/quiz/fsrsTraining';
import type { Progress } from '../src/shared/quiz/progress';
import { parseExport } from '../src/shared/quiz/progressFormat';
import { DEFAULT_W, Rating, recallChance, review, type SchedulerOptions, type StoredCard } from '../src/shared/quiz/scheduling';
import { FORGETFUL_LEARNER, simulateLearner } from '../test/fixtures/simulatedLearner';

const arg = (name: string) => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? process.argv[i + 1] : undefined;
};
const heldOut = Number(arg('held-out') ?? 0.25);
const build = arg('build') as OptimizerBuild | undefined;
const TZ = new Date().getTimezoneOffset();

/**
 * The same score as the extension's scheduler sees it: ts-fsrs replays the history before the
 * review with these parameters, and its forgetting curve gives the chance of a right answer.
 */
function tsFsrsLogLoss(xs: readonly SpacedExample[], options: SchedulerOptions): number {
  let sum = 0;
  for (const x of xs) {
    let card: StoredCard | undefined;
    for (let k = 0; k < x.history.length - 1; k++) card = review(card, x.history[k].rating as Rating.Good, x.times[k], options);
    const p = Math.min(1 - 1e-6, Math.max(1e-6, recallChance(card as StoredCard, x.times[x.times.length - 1], options)));
    const right = x.history[x.history.length - 1].rating !== Rating.Again;
    sum -= right ? Math.log(p) : Math.log(1 - p);
  }
  return sum / xs.length;
}

/** Per log: the held-out log loss of the defaults, of the plain fit, and of what the extension would use. */
const totals: [number, number, number][] = [];

async function measure(name: string, p: Progress, truth?: readonly number[]): Promise<void> {
  const all = spacedExamples(p, TZ);
  const cut = Math.floor(all.length * (1 - heldOut));
  const train = all.slice(0, cut);
  const test = all.slice(cut);
  const started = performance.now();
  const w = await fitParameters(
    train.map((x) => x.history),
    build,
  );
  const ms = performance.now() - started;
  const fitted = w.some((x, i) => Math.abs(x - DEFAULT_W[i]) > 1e-6);
  const [defaultLoss, fittedLoss] = [
    await evaluateLogLoss(
      test.map((x) => x.history),
      undefined,
      build,
    ),
    await evaluateLogLoss(
      test.map((x) => x.history),
      w,
      build,
    ),
  ];
  const ts = [tsFsrsLogLoss(test, { desiredRetention: 0.9 }), tsFsrsLogLoss(test, { desiredRetention: 0.9, w })];
  // what the extension would do with the training part: adopt a fit only when it passes its own held-out check
  const check = await checkedFit(
    train.map((x) => x.history),
    build,
  );
  const extension = check.adopted
    ? await evaluateLogLoss(
        test.map((x) => x.history),
        check.w,
        build,
      )
    : defaultLoss;
  totals.push([defaultLoss ?? NaN, fittedLoss ?? NaN, extension ?? NaN]);
  // a simulated learner's own parameters: the least log loss any fit could reach on this log
  const oracle = truth ? tsFsrsLogLoss(test, { desiredRetention: 0.9, w: truth }) : undefined;
  const f = (x: number | undefined) => (x === undefined ? '  –  ' : x.toFixed(4));
  console.log(
    `${name.padEnd(30)} ${String(train.length).padStart(6)} ${String(test.length).padStart(6)} ${f(defaultLoss)}  ${f(fittedLoss)}  ${f(ts[0])}  ${f(ts[1])}  ${f(oracle)}  ${ms.toFixed(0).padStart(6)}  ${check.adopted ? 'adopt' : check.why.padEnd(5)} ${f(extension)}${fitted ? '' : '  (optimizer kept the defaults)'}`,
  );
}

async function main(): Promise<void> {
  console.log(
    `Held out: the last ${Math.round(heldOut * 100)}% of spaced reviews in time. Log loss (lower is better) by the optimizer's evaluate and by ts-fsrs replay.`,
  );
  console.log(
    `${'log'.padEnd(30)} ${'train'.padStart(6)} ${'test'.padStart(6)} default fitted  ts:def  ts:fit  ts:true fit ms  check  ext`,
  );
  const file = arg('progress');
  if (file) {
    const loaded = parseExport(JSON.parse(readFileSync(file, 'utf8')));
    if (loaded.outcome === 'unreadable') throw new Error(`${file}: ${loaded.problems[0]}`);
    await measure(file, loaded.progress);
    return;
  }
  const start = Date.UTC(2025, 0, 6);
  const learners: [string, readonly number[]][] = [
    ['forgetful learner', FORGETFUL_LEARNER],
    ['faster-forgetting curve', DEFAULT_W.map((w, i) => (i === 20 ? 0.5 : w))],
    ['FSRS default learner', DEFAULT_W],
    ['strong learner', DEFAULT_W.map((w, i) => (i < 4 ? w * 3 : i === 8 ? w + 0.3 : w))],
  ];
  for (const [name, truth] of learners) {
    for (const seed of [1, 2, 3])
      await measure(
        `${name}, seed ${seed}`,
        simulateLearner({ items: Number(arg('items') ?? 150), days: Number(arg('days') ?? 120), seed, start, truth }),
        truth,
      );
  }
}

function summary(): void {
  if (totals.length < 2) return;
  const mean = (k: number) => totals.reduce((a, t) => a + t[k], 0) / totals.length;
  const fitWins = totals.filter((t) => t[1] < t[0]).length;
  console.log(
    `\nMean over ${totals.length} logs: defaults ${mean(0).toFixed(4)}, plain fit ${mean(1).toFixed(4)} (better on ${fitWins}), extension (checked fit) ${mean(2).toFixed(4)}`,
  );
}

main()
  .then(summary)
  .catch((err) => {
    console.error(err);
    process.exit(1);
  });
