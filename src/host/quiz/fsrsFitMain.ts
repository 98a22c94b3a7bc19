/** The fit process (see fsrsFitProcess): fits once, answers, and exits. It imports no `vscode`. */
import type { FromFit, ToFit } from './fsrsFitProcess';
import { evaluateLogLoss, fitParameters } from './fsrsOptimizer';

process.once('message', (m: ToFit) => {
  void (async (): Promise<FromFit> => {
    try {
      const w = await fitParameters(m.items);
      const [before, after] = [await evaluateLogLoss(m.items), await evaluateLogLoss(m.items, w)];
      return { type: 'fitted', w, ...(before !== undefined && after !== undefined ? { logLoss: { default: before, fitted: after } } : {}) };
    } catch (err) {
      return { type: 'failed', message: err instanceof Error ? err.message : String(err) };
    }
  })().then((answer) => process.send?.(answer, () => process.exit(0)));
});
