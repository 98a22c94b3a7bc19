import * as vscode from 'vscode';
import type { Log } from './log';

/**
 * Registers a command whose failures become a clear message (with a way to see the details)
 * instead of a silent rejection, so the extension keeps working after any of them.
 */
export function registerSafeCommand(log: Log, id: string, run: (...args: unknown[]) => unknown): vscode.Disposable {
  return vscode.commands.registerCommand(id, async (...args: unknown[]) => {
    try {
      return await run(...args);
    } catch (err) {
      log.error(`Command ${id} failed`, err);
      const details = vscode.l10n.t('Show Details');
      const message = err instanceof Error ? err.message : String(err);
      void vscode.window.showErrorMessage(vscode.l10n.t('Transformer Tutor: {0}', message), details).then((pick) => {
        if (pick === details) log.show();
      });
      return undefined;
    }
  });
}
