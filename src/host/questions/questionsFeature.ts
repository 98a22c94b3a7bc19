import * as vscode from 'vscode';
import { bankTerms } from '../../shared/questions/bank';
import type { ProgressProvider, QuestionProgress } from '../../shared/questions/progressSummary';
import { TermMatcher } from '../../shared/questions/termMatcher';
import type { BankProblem, QuestionBank } from '../../shared/questions/types';
import { Command } from '../commandIds';
import { readConfig } from '../config';
import type { Log } from '../log';
import { registerSafeCommand } from '../safeCommand';
import type { QuestionFolder } from './bankLoader';
import { ConceptHover, HOVER_SELECTOR } from './conceptHover';
import { displayLanguage } from './language';
import { QuestionPanel, type QuestionRequest } from './questionPanel';
import { pickQuestion } from './questionPicker';
import { type QuestionNode, QuestionTree, QUESTIONS_VIEW_ID } from './questionTree';
import { questionView } from './questionView';
import { SeenQuestions } from './seenQuestions';

interface LoadedBank {
  bank: QuestionBank;
  matcher: TermMatcher;
}

/**
 * The question bank and everything built on it: concept hovers in any file, the questions view,
 * the question panel and the Open Question command. The bank loads on first use (a hover, the view
 * becoming visible, a command), never during activation, and is cached until its files change.
 */
export class QuestionsFeature implements vscode.Disposable {
  readonly tree: QuestionTree;
  readonly panel: QuestionPanel;
  private readonly seen: SeenQuestions;
  private readonly disposables: vscode.Disposable[] = [];
  private loaded: Promise<LoadedBank> | undefined;
  private watchers: vscode.Disposable[] = [];
  private reloadTimer: ReturnType<typeof setTimeout> | undefined;
  private shownProblems = '';
  private progressProvider: ProgressProvider | undefined;
  private progressSubscription: vscode.Disposable | undefined;

  constructor(
    private readonly context: vscode.ExtensionContext,
    private readonly log: Log,
  ) {
    this.seen = new SeenQuestions(context.globalState);
    this.tree = new QuestionTree({ bank: () => this.bank(), progress: (id) => this.progress(id) });
    this.panel = new QuestionPanel(context.extensionUri, log, {
      view: async (id) => questionView(await this.bank(), id, displayLanguage(), this.progress(id)),
      onWebviewMessage: (msg) => void this.onPanelMessage(msg),
    });
    this.disposables.push(
      this.seen,
      this.tree,
      this.panel,
      vscode.window.createTreeView(QUESTIONS_VIEW_ID, { treeDataProvider: this.tree, showCollapseAll: true }),
      vscode.languages.registerHoverProvider(HOVER_SELECTOR, new ConceptHover({ terms: () => this.load() })),
      registerSafeCommand(log, Command.OpenQuestion, (arg) => this.openFromCommand(arg)),
      registerSafeCommand(log, Command.ReloadQuestions, () => this.reload()),
      this.seen.onDidChange(() => this.refreshViews()),
      vscode.workspace.onDidChangeConfiguration((e) => {
        if (e.affectsConfiguration('transformerTutor.questions.extraFolders')) this.reload();
      }),
    );
  }

  bank(): Promise<QuestionBank> {
    return this.load().then((loaded) => loaded.bank);
  }

  /** Whether anything has asked for the bank yet (activation must not). */
  get bankRequested(): boolean {
    return this.loaded !== undefined;
  }

  /**
   * Lets the quiz feature supply scores and review dates. Whether a question was opened is still
   * recorded here, so `seen` is true when either side says so.
   */
  setProgressProvider(provider: ProgressProvider, onDidChange: vscode.Event<unknown>): void {
    this.progressSubscription?.dispose();
    this.progressProvider = provider;
    this.progressSubscription = onDidChange(() => this.refreshViews());
    this.refreshViews();
  }

  progress(id: string): QuestionProgress {
    const reported = this.progressProvider?.(id) ?? { seen: false };
    return { ...reported, seen: reported.seen || this.seen.has(id) };
  }

  /** Opens a question in the panel; an unknown id is an error the user sees. */
  async open(id: string): Promise<void> {
    const bank = await this.bank();
    if (!bank.questions.has(id)) throw new Error(vscode.l10n.t('There is no question with the id "{0}".', id));
    await this.seen.add(id);
    const view = questionView(bank, id, displayLanguage(), this.progress(id));
    if (view) this.panel.show(view);
  }

  /** The command's argument: an id (links, tree clicks), a tree node (context menu), or nothing (palette). */
  private async openFromCommand(arg: unknown): Promise<void> {
    const node = arg as QuestionNode | undefined;
    const id =
      typeof arg === 'string' ? arg : node?.kind === 'question' ? node.question.id : await pickQuestion(await this.bank(), (q) => this.progress(q));
    if (id) await this.open(id);
  }

  private async onPanelMessage(msg: QuestionRequest): Promise<void> {
    switch (msg.type) {
      case 'openQuestion':
        await vscode.commands.executeCommand(Command.OpenQuestion, msg.id);
        return;
      case 'quiz':
        await this.runOtherFeature(Command.QuizQuestion, msg.id, vscode.l10n.t('Quizzes are not available in this version yet.'));
        return;
      case 'tryDemo':
        await this.runOtherFeature(Command.ShowInPanel, msg.id, vscode.l10n.t('Demonstrations are not available in this version yet.'));
        return;
      default: {
        const never: never = msg;
        void never;
      }
    }
  }

  /** Runs a command another feature owns, with a clear message instead of "command not found". */
  private async runOtherFeature(command: Command, id: string, unavailable: string): Promise<void> {
    if (!(await vscode.commands.getCommands(true)).includes(command)) {
      this.log.warn(`${command} is not registered; asked for question ${id}`);
      void vscode.window.showInformationMessage(unavailable);
      return;
    }
    await vscode.commands.executeCommand(command, id);
  }

  private load(): Promise<LoadedBank> {
    this.loaded ??= this.loadNow().catch((err: unknown) => {
      this.loaded = undefined; // the next use tries again
      throw err;
    });
    return this.loaded;
  }

  private async loadNow(): Promise<LoadedBank> {
    const started = Date.now();
    // imported here so the YAML parser loads with the bank, not during activation
    const { loadBank, readBundledModelFacts, resolveExtraFolders } = await import('./bankLoader');
    const extra = resolveExtraFolders(readConfig().extraQuestionFolders);
    const folders: QuestionFolder[] = [{ uri: vscode.Uri.joinPath(this.context.extensionUri, 'questions'), builtIn: true }, ...extra.folders];
    const bank = await loadBank(folders, await readBundledModelFacts(this.context.extensionUri), extra.problems);
    this.log.info(`Question bank: ${bank.questions.size} questions from ${folders.length} folder(s) in ${Date.now() - started} ms`);
    this.reportProblems(bank.problems);
    this.watch(folders);
    return { bank, matcher: new TermMatcher(bankTerms(bank)) };
  }

  /** Every problem goes to the log; the warning appears once for each different set of problems. */
  private reportProblems(problems: readonly BankProblem[]): void {
    const lines = problems.map((p) => `${p.path}${p.line ? `:${p.line}` : ''}: ${p.message}`);
    lines.forEach((line) => this.log.warn(line));
    const signature = lines.join('\n');
    if (!problems.length || signature === this.shownProblems) return;
    this.shownProblems = signature;
    const details = vscode.l10n.t('Show Details');
    const message = vscode.l10n.t('Transformer Tutor: {0} problem(s) in the question files; the other questions loaded.', problems.length);
    void vscode.window.showWarningMessage(message, details).then((pick) => {
      if (pick === details) this.log.show();
    });
  }

  /** Extra folders are watched so edits show at once; the built-in one only changes while developing. */
  private watch(folders: readonly QuestionFolder[]): void {
    this.watchers.forEach((w) => w.dispose());
    const developing = this.context.extensionMode === vscode.ExtensionMode.Development;
    this.watchers = folders
      .filter((f) => !f.builtIn || developing)
      .map((f) => {
        const watcher = vscode.workspace.createFileSystemWatcher(new vscode.RelativePattern(f.uri, '{en,zh-cn}/*.md'));
        const later = () => this.scheduleReload();
        watcher.onDidChange(later);
        watcher.onDidCreate(later);
        watcher.onDidDelete(later);
        return watcher;
      });
  }

  private scheduleReload(): void {
    clearTimeout(this.reloadTimer);
    this.reloadTimer = setTimeout(() => this.reload(), 300);
  }

  private reload(): void {
    this.loaded = undefined;
    this.refreshViews();
  }

  private refreshViews(): void {
    this.tree.refresh();
    const id = this.panel.currentId;
    if (!id) return;
    this.bank().then(
      (bank) => {
        const view = questionView(bank, id, displayLanguage(), this.progress(id));
        if (view) this.panel.update(view);
      },
      (err: unknown) => this.log.error('Reloading the question bank failed', err),
    );
  }

  dispose(): void {
    clearTimeout(this.reloadTimer);
    this.progressSubscription?.dispose();
    this.watchers.forEach((w) => w.dispose());
    this.disposables.forEach((d) => d.dispose());
  }
}
