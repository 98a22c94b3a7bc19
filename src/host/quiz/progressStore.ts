import * as vscode from 'vscode';
import { emptyProgress, type Progress } from '../../shared/quiz/progress';
import { exportProgress, type LoadedProgress, parseExport, parseProgress, progressProblemEnglish } from '../../shared/quiz/progressFormat';
import { progressProblemText } from '../errorText';
import type { Log } from '../log';

/** The globalState key; synced with Settings Sync so progress follows the person between machines. */
export const PROGRESS_KEY = 'transformerTutor.quiz.progress';

/**
 * Quiz progress in globalState. Reading never throws: anything that is not clean (corrupt items,
 * an older or newer format) is copied to a backup file under globalStorageUri before the cleaned
 * version replaces it, and the person is told what happened and where the original is.
 */
export class ProgressStore implements vscode.Disposable {
  private readonly changed = new vscode.EventEmitter<void>();
  readonly onDidChange = this.changed.event;
  private cache: { raw: unknown; progress: Progress } | undefined;
  private repairing: string | undefined;

  constructor(
    private readonly context: vscode.ExtensionContext,
    private readonly log: Log,
  ) {}

  /**
   * The current progress. Re-read when globalState holds a different object (Settings Sync may
   * have replaced it); a problem found on the way is repaired and reported once.
   */
  get progress(): Progress {
    const raw = this.context.globalState.get<unknown>(PROGRESS_KEY);
    if (this.cache && this.cache.raw === raw) return this.cache.progress;
    const loaded = parseProgress(raw);
    this.cache = { raw, progress: loaded.progress };
    if (loaded.outcome !== 'ok' && loaded.outcome !== 'empty') {
      // once per distinct bad value: a repair in flight, or one that could not write, is not repeated
      const text = typeof raw === 'string' ? raw : JSON.stringify(raw);
      if (text !== this.repairing) {
        this.repairing = text;
        void this.repair(raw, loaded);
      }
    }
    return loaded.progress;
  }

  async save(p: Progress): Promise<void> {
    await this.context.globalState.update(PROGRESS_KEY, p);
    this.cache = { raw: this.context.globalState.get(PROGRESS_KEY), progress: p };
    this.changed.fire();
  }

  /** Puts data in globalState as it is, unchecked: how the tests stage damaged or older progress. */
  async storeRaw(raw: unknown): Promise<void> {
    await this.context.globalState.update(PROGRESS_KEY, raw);
  }

  get backupFolder(): vscode.Uri {
    return vscode.Uri.joinPath(this.context.globalStorageUri, 'progress-backups');
  }

  /** Writes a copy of some data next to the extension's storage; returns where it went. */
  async backup(raw: unknown, why: string): Promise<vscode.Uri> {
    const dir = this.backupFolder;
    await vscode.workspace.fs.createDirectory(dir);
    const stamp = new Date().toISOString().replace(/[:.]/g, '-');
    const file = vscode.Uri.joinPath(dir, `progress-${stamp}-${why}.json`);
    const text = typeof raw === 'string' ? raw : (JSON.stringify(raw, null, 2) ?? String(raw));
    await vscode.workspace.fs.writeFile(file, new TextEncoder().encode(text));
    return file;
  }

  private async repair(raw: unknown, loaded: LoadedProgress): Promise<void> {
    let file: vscode.Uri | undefined;
    try {
      file = await this.backup(raw, loaded.outcome);
    } catch (err) {
      // without a backup the original stays in globalState untouched; the cleaned copy is used in memory
      this.log.error('Could not back up the quiz progress; leaving the stored copy as it is', err);
    }
    this.log.warn(
      `Quiz progress ${loaded.outcome}: ${loaded.problems.map(progressProblemEnglish).join('; ') || 'older format'}${file ? `; original saved to ${file.fsPath}` : ''}`,
    );
    // only what was repaired is replaced: progress saved while the backup was being written (an answer,
    // an import, a reset) is newer, and stays
    if (file && this.context.globalState.get(PROGRESS_KEY) === raw) {
      await this.context.globalState.update(PROGRESS_KEY, loaded.progress);
      this.cache = { raw: this.context.globalState.get(PROGRESS_KEY), progress: loaded.progress };
      this.changed.fire();
    }
    if (loaded.outcome === 'migrated') return; // an upgrade is not news
    const where = file
      ? vscode.l10n.t('The original is saved in {0}.', file.fsPath)
      : vscode.l10n.t('It could not be backed up, so the stored copy was left unchanged.');
    const message =
      loaded.outcome === 'unreadable'
        ? vscode.l10n.t(
            'Transformer Tutor could not read your quiz progress ({0}) and starts afresh. {1}',
            loaded.problems[0] ? progressProblemText(loaded.problems[0]) : '',
            where,
          )
        : vscode.l10n.t(
            'Transformer Tutor left out {0} quiz item(s) whose progress was damaged; the rest is kept. {1}',
            loaded.problems.length,
            where,
          );
    const open = vscode.l10n.t('Open Backup');
    const details = vscode.l10n.t('Show Details');
    const pick = await vscode.window.showWarningMessage(message, ...(file ? [open] : []), details);
    if (pick === open && file) await vscode.window.showTextDocument(file);
    if (pick === details) this.log.show();
  }

  async exportTo(target: vscode.Uri): Promise<void> {
    const json = JSON.stringify(exportProgress(this.progress, Date.now()), null, 2);
    await vscode.workspace.fs.writeFile(target, new TextEncoder().encode(json));
  }

  /** Reads an export file; throws a message a person can act on when it is not one. */
  async readExport(source: vscode.Uri): Promise<LoadedProgress> {
    const text = new TextDecoder().decode(await vscode.workspace.fs.readFile(source));
    let raw: unknown;
    try {
      raw = JSON.parse(text);
    } catch (err) {
      throw new Error(
        vscode.l10n.t('{0} is not JSON ({1}); choose a file written by Export Quiz Progress.', source.fsPath, (err as Error).message),
      );
    }
    const loaded = parseExport(raw);
    if (loaded.outcome === 'unreadable')
      throw new Error(vscode.l10n.t('{0} cannot be imported: {1}.', source.fsPath, progressProblemText(loaded.problems[0])));
    return loaded;
  }

  /** Empties the progress after keeping a backup of it; returns the backup. */
  async reset(): Promise<vscode.Uri> {
    const file = await this.backup(this.context.globalState.get(PROGRESS_KEY) ?? emptyProgress(), 'before-reset');
    await this.save(emptyProgress());
    return file;
  }

  dispose(): void {
    this.changed.dispose();
  }
}
