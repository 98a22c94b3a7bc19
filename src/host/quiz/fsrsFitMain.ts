/** The fit process (see fsrsFitProcess): fits once, answers, and exits. It imports no `vscode`. */
import type { FromFit, ToFit } from './fsrsFitProcess';
import { checkedFit } from './fsrsOptimizer';

process.once('message', (m: ToFit) => {
  checkedFit(m.items)
    .then(
      (fit): FromFit => ({ type: 'fitted', fit }),
      (err: unknown): FromFit => ({ type: 'failed', message: err instanceof Error ? err.message : String(err) }),
    )
    .then((answer) => process.send?.(answer, () => process.exit(0)));
});
