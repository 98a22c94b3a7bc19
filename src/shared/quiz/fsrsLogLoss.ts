/**
 * The log loss of FSRS parameters on training items, computed with ts-fsrs's own memory model: each
 * item's earlier reviews give its memory state, the forgetting curve gives the chance of recall at
 * the last review, and the last review's rating says whether it was recalled (Again = forgotten).
 * This is what the optimizer's `evaluate` reports; the WebAssembly build of the optimizer, used
 * where no native binary exists for the platform, has no `evaluate`, so this stands in for it.
 */
import { fsrs, generatorParameters } from 'ts-fsrs';
import type { TrainingReview } from './fsrsTraining';

// recall probabilities are kept off 0 and 1 so that one confident miss cannot make the loss infinite
const EPS = 1e-6;

/** Mean binary cross-entropy over the items' last reviews; undefined when no item has one to score. */
export function logLoss(items: readonly TrainingReview[][], w: readonly number[]): number | undefined {
  const f = fsrs(generatorParameters({ w: [...w], enable_short_term: true }));
  let sum = 0;
  let n = 0;
  for (const h of items) {
    if (h.length < 2) continue;
    let state = null;
    for (const r of h.slice(0, -1)) state = f.next_state(state, r.deltaT, r.rating);
    const last = h[h.length - 1];
    if (!state || last.deltaT < 1) continue;
    const r = Math.min(1 - EPS, Math.max(EPS, f.forgetting_curve(last.deltaT, state.stability)));
    sum -= last.rating > 1 ? Math.log(r) : Math.log(1 - r);
    n++;
  }
  return n ? sum / n : undefined;
}
