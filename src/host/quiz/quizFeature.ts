import * as vscode from 'vscode';
import type { QuestionProgress } from '../../shared/questions/progressSummary';
import type { QuestionBank } from '../../shared/questions/types';
import { dueKeys, nextDueAfter, questionProgress } from '../../shared/quiz/progress';
import { itemSeed } from '../../shared/quiz/choiceOrder';
import { planReview, planRun } from '../../shared/quiz/quizPlan';
import { seededRandom } from '../../shared/quiz/rng';
import type { SchedulerOptions } from '../../shared/quiz/scheduling';
import type { RunScore } from '../../shared/quiz/quizRun';
import { Command } from '../commandIds';
import { readConfig } from '../config';
import type { EncoderService } from '../encoder/encoderService';
import type { Log } from '../log';
import { displayLanguage } from '../questions/language';
import { registerSafeCommand } from '../safeCommand';
import { DueStatusBar } from './dueStatusBar';
import { exportProgressCommand, importProgressCommand, resetProgressCommand } from './progressCommands';
import { ProgressStore } from './progressStore';
import { bankKeys, prepareEntries } from './quizEntries';
import { type QuizStepEvent, runQuizFlow } from './quizFlow';
import { pickScope, scopeKeys } from './quizScope';

export interface QuizDeps {
  bank: () => Promise<QuestionBank>;
  encoder: EncoderService;
}

/** A due time further away than this is re-checked anyway (timers drift across sleep). */
const MAX_TIMER_MS = 3_600_000;

/**
 * Quizzes: Start Quiz, Review Due, Quiz Me on one question, progress export/import/reset, and the
 * due count in the status bar. Also the progress the questions tree shows (`progressFor`).
 */
export class QuizFeature implements vscode.Disposable {
  readonly store: ProgressStore;
  private readonly statusBar = new DueStatusBar();
  private readonly stepShown = new vscode.EventEmitter<QuizStepEvent>();
  /** every quiz input as it is shown (the integration tests answer through this) */
  readonly onDidShowStep = this.stepShown.event;
  /** fires when any progress changes: answers, import, reset, repair */
  readonly onDidChangeProgress: vscode.Event<void>;
  private readonly disposables: vscode.Disposable[] = [];
  private timer: ReturnType<typeof setTimeout> | undefined;
  /** item keys in the bank, once it has been loaded for a quiz; until then every stored item counts */
  private knownKeys: ReadonlySet<string> | undefined;
  private fixedSeed: number | undefined;

  constructor(
    context: vscode.ExtensionContext,
    private readonly log: Log,
    private readonly deps: QuizDeps,
  ) {
    this.store = new ProgressStore(context, log);
    this.onDidChangeProgress = this.store.onDidChange;
    this.disposables.push(
      this.store,
      this.statusBar,
      this.stepShown,
      this.store.onDidChange(() => this.refreshDue()),
      vscode.workspace.onDidChangeConfiguration((e) => {
        if (e.affectsConfiguration('transformerTutor.quiz.showDueInStatusBar')) this.refreshDue();
      }),
      registerSafeCommand(log, Command.StartQuiz, () => this.startQuiz()),
      registerSafeCommand(log, Command.ReviewDue, () => this.reviewDue()),
      registerSafeCommand(log, Command.QuizQuestion, (arg) => this.quizQuestion(arg)),
      registerSafeCommand(log, Command.ExportProgress, (uri) => exportProgressCommand(this.store, uri instanceof vscode.Uri ? uri : undefined)),
      registerSafeCommand(log, Command.ImportProgress, (uri, mode) =>
        importProgressCommand(this.store, uri instanceof vscode.Uri ? uri : undefined, mode === 'merge' || mode === 'replace' ? mode : undefined),
      ),
      registerSafeCommand(log, Command.ResetProgress, () => resetProgressCommand(this.store)),
    );
    this.refreshDue();
  }

  /** For the questions tree: seen, the share right on the latest answers (0..1), and the next due time. */
  progressFor(questionId: string): QuestionProgress {
    return questionProgress(this.store.progress, questionId);
  }

  dueCount(now = Date.now()): number {
    return dueKeys(this.store.progress, now, this.knownKeys).length;
  }

  /**
   * Makes every following run draw its choice order, item mix and live items from this seed, so a
   * test sees the same run every time; undefined goes back to a new seed per run.
   */
  useSeed(seed: number | undefined): void {
    this.fixedSeed = seed;
  }

  private runSeed(): number {
    return this.fixedSeed ?? (Date.now() ^ Math.floor(Math.random() * 2 ** 31)) >>> 0;
  }

  /** The desired retention from the settings and the learner's own parameters, once fitted. */
  schedulerOptions(): SchedulerOptions {
    const w = this.store.progress.fitted?.w;
    return { desiredRetention: readConfig().desiredRetention, ...(w ? { w } : {}) };
  }

  /** The status-bar text, undefined while it is hidden. */
  get statusBarText(): string | undefined {
    return this.statusBar.shown;
  }

  async startQuiz(): Promise<RunScore | undefined> {
    const bank = await this.bank();
    const scope = await pickScope(bank, this.store.progress, Date.now(), (e) => this.stepShown.fire(e));
    if (!scope) return undefined;
    const seed = this.runSeed();
    const spread = { topicOf: (id: string) => bank.questions.get(id)?.topic ?? '', random: seededRandom(itemSeed(seed, 'plan')) };
    return this.run(planRun(scopeKeys(bank, scope), this.store.progress, Date.now(), readConfig().itemsPerRun, spread), bank, seed);
  }

  async reviewDue(): Promise<RunScore | undefined> {
    const bank = await this.bank();
    const now = Date.now();
    const keys = planReview(bankKeys(bank), this.store.progress, now);
    if (!keys.length) {
      const next = nextDueAfter(this.store.progress, now, this.knownKeys);
      const start = vscode.l10n.t('Start Quiz');
      const pick = await vscode.window.showInformationMessage(
        next === undefined ? vscode.l10n.t('No quiz reviews are due.') : vscode.l10n.t('No quiz reviews are due; the next one is due {0}.', new Date(next).toLocaleString(vscode.env.language)),
        start,
      );
      return pick === start ? this.startQuiz() : undefined;
    }
    return this.run(keys, bank, this.runSeed());
  }

  /** Quiz Me: every item of one question. */
  async quizQuestion(arg: unknown): Promise<RunScore | undefined> {
    const id = questionIdOf(arg);
    if (!id) throw new Error(vscode.l10n.t('Quiz Me needs the id of a question.'));
    const bank = await this.bank();
    if (!bank.questions.has(id)) throw new Error(vscode.l10n.t('There is no question with the id “{0}” in the question bank.', id));
    const keys = bankKeys(bank, new Set([id]));
    return this.run(planRun(keys, this.store.progress, Date.now(), keys.length), bank, this.runSeed());
  }

  private async bank(): Promise<QuestionBank> {
    const bank = await this.deps.bank();
    this.knownKeys = new Set(bankKeys(bank));
    this.refreshDue();
    return bank;
  }

  private async run(keys: string[], bank: QuestionBank, seed: number): Promise<RunScore | undefined> {
    const entries = await vscode.window.withProgress(
      { location: vscode.ProgressLocation.Window, title: vscode.l10n.t('Preparing the quiz…') },
      () => prepareEntries(keys, bank, displayLanguage(), this.deps.encoder, this.log, seed),
    );
    if (!entries.length) {
      void vscode.window.showInformationMessage(vscode.l10n.t('There are no quiz items to ask here.'));
      return undefined;
    }
    return runQuizFlow(entries, {
      store: this.store,
      knownKeys: this.knownKeys ?? new Set(keys),
      observe: (e) => this.stepShown.fire(e),
      openQuestion: (id) => vscode.commands.executeCommand(Command.OpenQuestion, id),
      openDemo: (id) => this.openDemo(id),
      seed,
      shuffle: readConfig().shuffleChoices,
      scheduler: () => this.schedulerOptions(),
    });
  }

  /** The question's live demonstration, through the command the hovers and the question panel use too. */
  private async openDemo(id: string): Promise<unknown> {
    if (!(await vscode.commands.getCommands(true)).includes(Command.ShowInPanel)) {
      this.log.warn(`${Command.ShowInPanel} is not registered; asked for the demonstration of ${id}`);
      return vscode.window.showInformationMessage(vscode.l10n.t('Demonstrations are not available in this version yet.'));
    }
    return vscode.commands.executeCommand(Command.ShowInPanel, id);
  }

  private refreshDue(): void {
    const now = Date.now();
    this.statusBar.update(this.dueCount(now), readConfig().statusBarDue);
    // wake up when the next item falls due, so the count grows without any other event
    if (this.timer) clearTimeout(this.timer);
    const next = nextDueAfter(this.store.progress, now, this.knownKeys);
    if (next !== undefined) this.timer = setTimeout(() => this.refreshDue(), Math.min(MAX_TIMER_MS, next - now + 500));
  }

  dispose(): void {
    if (this.timer) clearTimeout(this.timer);
    this.disposables.forEach((d) => d.dispose());
  }
}

/** The question id in a command argument: an id (hover and panel links), `{ id }`, or a questions-tree node. */
function questionIdOf(arg: unknown): string | undefined {
  if (typeof arg === 'string') return arg;
  if (typeof arg !== 'object' || arg === null) return undefined;
  const o = arg as { id?: unknown; question?: { id?: unknown } };
  if (typeof o.id === 'string') return o.id;
  return typeof o.question?.id === 'string' ? o.question.id : undefined;
}
