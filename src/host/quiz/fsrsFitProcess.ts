/**
 * Runs the FSRS optimizer in a process of its own. The binding is native code: a panic inside it
 * aborts the process it runs in (binding 0.5.0 did so on one shape of input), and the extension
 * host must not be that process. One short-lived process per fit; it exits when done.
 */
import { fork } from 'node:child_process';
import type { TrainingReview } from '../../shared/quiz/fsrsTraining';
import type { CheckedFit } from './fsrsOptimizer';

/** `items` in the time order of the reviews they predict (see checkedFit). */
export type ToFit = { type: 'fit'; items: TrainingReview[][] };
export type FromFit = { type: 'fitted'; fit: CheckedFit } | { type: 'failed'; message: string };

/** A fit of a few thousand reviews takes well under a second; this only ends a process that hangs. */
const FIT_LIMIT_MS = 120_000;

/** `execArgv` lets the tests start the TypeScript entry through tsx. */
export function fitInChildProcess(entry: string, items: TrainingReview[][], execArgv: string[] = []): Promise<CheckedFit> {
  return new Promise((resolve, reject) => {
    let output = '';
    let settled = false;
    const child = fork(entry, [], { serialization: 'advanced', execArgv, stdio: ['ignore', 'pipe', 'pipe', 'ipc'] });
    const settle = (f: () => void) => {
      if (settled) return;
      settled = true;
      clearTimeout(limit);
      f();
      if (child.exitCode === null) child.kill();
    };
    const limit = setTimeout(
      () => settle(() => reject(new Error(`the FSRS optimizer did not finish within ${FIT_LIMIT_MS / 1000} s`))),
      FIT_LIMIT_MS,
    );
    const keep = (chunk: Buffer) => (output = (output + chunk.toString('utf8')).slice(-2000));
    child.stdout?.on('data', keep);
    child.stderr?.on('data', keep);
    child.on('message', (m: FromFit) => settle(() => (m.type === 'fitted' ? resolve(m.fit) : reject(new Error(m.message)))));
    child.on('error', (err) => settle(() => reject(err)));
    child.on('exit', (code, signal) =>
      settle(() =>
        reject(
          new Error(
            `the FSRS optimizer stopped (${signal ?? `exit code ${code}`})${output.trim() ? `: ${output.trim().split('\n').slice(-3).join(' ')}` : ''}`,
          ),
        ),
      ),
    );
    child.send({ type: 'fit', items } satisfies ToFit);
  });
}
