/** The fit process (see fsrsFitProcess): fits once, answers, and exits. It imports no `vscode`. */
import type { FromFit, ToFit } from './fsrsFitProcess';
import { checkedFit, type OptimizerBuild } from './fsrsOptimizer';

// the VSIX test fits once with each build; otherwise the native one is used where it is installed
const forced =
  process.env.TUTOR_FSRS_BUILD === 'wasm' || process.env.TUTOR_FSRS_BUILD === 'native'
    ? (process.env.TUTOR_FSRS_BUILD as OptimizerBuild)
    : undefined;

process.once('message', (m: ToFit) => {
  checkedFit(m.items, forced)
    .then(
      (fit): FromFit => ({ type: 'fitted', fit }),
      (err: unknown): FromFit => ({ type: 'failed', message: err instanceof Error ? err.message : String(err) }),
    )
    .then((answer) => process.send?.(answer, () => process.exit(0)));
});
