/**
 * The FSRS project's own optimizer (fsrs-rs, through `@open-spaced-repetition/binding`), loaded on
 * first use: fitting is rare, and its native binary need not load at activation. Free of `vscode`,
 * so the fit bench runs the very same calls.
 */
import type { TrainingReview } from '../../shared/quiz/fsrsTraining';

type Binding = typeof import('@open-spaced-repetition/binding');

let loading: Promise<Binding> | undefined;

/** The optimizer; rejects with the loader's reason where its binary is missing for this platform. */
export function loadOptimizer(): Promise<Binding> {
  loading ??= import('@open-spaced-repetition/binding').then((b) => {
    // touching an export makes a missing or broken binary fail here, not in the middle of a fit
    if (typeof b.computeParameters !== 'function') throw new Error('the FSRS optimizer package has no computeParameters');
    return b;
  });
  // a failed load is tried again next time (the person may have fixed the install)
  loading.catch(() => (loading = undefined));
  return loading;
}

function toItems(b: Binding, items: readonly TrainingReview[][]) {
  return items.map((h) => new b.FSRSBindingItem(h.map((r) => new b.FSRSBindingReview(r.rating, r.deltaT))));
}

/** FSRS-6 parameters fitted to the training items (FSRS's defaults when they tell the optimizer too little). */
export async function fitParameters(items: readonly TrainingReview[][]): Promise<number[]> {
  const b = await loadOptimizer();
  // timeout 0: hand back the result at once (the binding otherwise waits 500 ms to batch progress reports)
  return b.computeParameters(toItems(b, items), { enableShortTerm: true, timeout: 0 });
}

/**
 * The log loss of parameters (FSRS's defaults when `w` is undefined) on items, by the optimizer's
 * own evaluation; undefined when the items hold no review it can score.
 */
export async function evaluateLogLoss(items: readonly TrainingReview[][], w?: readonly number[]): Promise<number | undefined> {
  const b = await loadOptimizer();
  try {
    return new b.FSRSBinding(w ? [...w] : undefined).evaluate(toItems(b, items)).logLoss;
  } catch {
    return undefined;
  }
}
