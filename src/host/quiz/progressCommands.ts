import * as os from 'node:os';
import * as vscode from 'vscode';
import { mergeProgress } from '../../shared/quiz/progress';
import { importDecision } from '../../shared/quiz/progressFormat';
import { progressProblemText } from '../errorText';
import type { ProgressStore } from './progressStore';

const JSON_FILTER = { JSON: ['json'] };

/** Export Quiz Progress: to the file given (tests, scripts) or one the person picks. */
export async function exportProgressCommand(store: ProgressStore, target?: vscode.Uri): Promise<vscode.Uri | undefined> {
  target ??= await vscode.window.showSaveDialog({
    defaultUri: vscode.Uri.file(`${os.homedir()}/transformer-tutor-progress.json`),
    filters: JSON_FILTER,
    title: vscode.l10n.t('Export Quiz Progress'),
  });
  if (!target) return undefined;
  await store.exportTo(target);
  void vscode.window.showInformationMessage(
    vscode.l10n.t('Quiz progress ({0} items) exported to {1}.', Object.keys(store.progress.items).length, target.fsPath),
  );
  return target;
}

/**
 * Import Quiz Progress: merges by default (for each item the later answer wins) or replaces; the
 * progress before the import is backed up either way.
 */
export async function importProgressCommand(
  store: ProgressStore,
  source?: vscode.Uri,
  mode?: 'merge' | 'replace',
): Promise<number | undefined> {
  const t = vscode.l10n.t;
  source ??= (await vscode.window.showOpenDialog({ canSelectMany: false, filters: JSON_FILTER, title: t('Import Quiz Progress') }))?.[0];
  if (!source) return undefined;
  const loaded = await store.readExport(source);
  const decision = importDecision(loaded);
  const listed = loaded.problems.slice(0, 3).map(progressProblemText).join('; ') + (loaded.problems.length > 3 ? '; …' : '');
  if (decision.type === 'refuse') {
    // thrown, so it reaches the person as an error with Show Details, and nothing is changed
    throw new Error(
      decision.why === 'empty'
        ? t('{0} holds no quiz items, so there is nothing to import. Your progress is unchanged.', source.fsPath)
        : t(
            '{0} has no quiz item that can be imported: {1} damaged ({2}). Your progress is unchanged.',
            source.fsPath,
            loaded.problems.length,
            listed,
          ),
    );
  }
  if (!mode) {
    const merge = t('Merge');
    const replace = t('Replace');
    const pick = await vscode.window.showInformationMessage(
      t('Import {0} quiz items from {1}?', decision.count, source.fsPath),
      {
        modal: true,
        detail: `${loaded.problems.length ? `${t('{0} damaged item(s) in the file will be left out: {1}', loaded.problems.length, listed)}\n\n` : ''}${t('Merge keeps, for each item, whichever answer is newer. Replace forgets the current progress. Either way a backup of the current progress is kept.')}`,
      },
      merge,
      replace,
    );
    if (!pick) return undefined;
    mode = pick === replace ? 'replace' : 'merge';
  }
  await store.backup(store.progress, 'before-import');
  const next =
    mode === 'replace'
      ? { progress: loaded.progress, taken: Object.keys(loaded.progress.items).length }
      : mergeProgress(store.progress, loaded.progress);
  await store.save(next.progress);
  const skipped = loaded.problems.length
    ? ` ${t('{0} damaged item(s) in the file were left out: {1}', loaded.problems.length, listed)}`
    : '';
  void vscode.window.showInformationMessage(t('Imported {0} quiz item(s) from {1}.', next.taken, source.fsPath) + skipped);
  return next.taken;
}

/** Reset Quiz Progress, after a modal confirmation; a backup is kept. */
export async function resetProgressCommand(store: ProgressStore): Promise<boolean> {
  const t = vscode.l10n.t;
  const count = Object.keys(store.progress.items).length;
  const reset = t('Reset');
  const pick = await vscode.window.showWarningMessage(
    t('Reset your quiz progress?'),
    {
      modal: true,
      detail: t('The schedule and scores of {0} quiz items will be forgotten. A backup is kept in the extension’s storage folder.', count),
    },
    reset,
  );
  if (pick !== reset) return false;
  const backup = await store.reset();
  void vscode.window.showInformationMessage(t('Quiz progress reset. The previous progress is saved in {0}.', backup.fsPath));
  return true;
}
