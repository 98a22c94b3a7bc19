import * as vscode from 'vscode';
import type { QuestionProgress } from '../../shared/questions/progressSummary';
import type { QuestionBank } from '../../shared/questions/types';
import { dueKeys, nextDueAfter, questionProgress } from '../../shared/quiz/progress';
import { itemSeed } from '../../shared/quiz/choiceOrder';
import { fitStatus, REFIT_AFTER, shouldFitNow } from '../../shared/quiz/fsrsTraining';
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
import { type FitOutcome, fitMessage, fitSchedule, tzOffset } from './personalSchedule';
import { ProgressStore } from './progressStore';
import { showStatistics } from './quizStatistics';
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
  private fitting: Promise<FitOutcome> | undefined;
  /** spaced reviews at the last fit tried after a quiz, this session */
  private autoFitTriedAt: number | undefined;
  /** why the last fit failed (the optimizer's binary missing on this platform, say), until one succeeds */
  private lastFitError: string | undefined;

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
      registerSafeCommand(log, Command.ExportProgress, (uri) =>
        exportProgressCommand(this.store, uri instanceof vscode.Uri ? uri : undefined),
      ),
      registerSafeCommand(log, Command.ImportProgress, (uri, mode) =>
        importProgressCommand(
          this.store,
          uri instanceof vscode.Uri ? uri : undefined,
          mode === 'merge' || mode === 'replace' ? mode : undefined,
        ),
      ),
      registerSafeCommand(log, Command.ResetProgress, () => resetProgressCommand(this.store)),
      registerSafeCommand(log, Command.QuizStatistics, () => this.statistics()),
      registerSafeCommand(log, Command.FitSchedule, () => this.fitCommand()),
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

  /** Whose parameters schedule the reviews, or how many more spaced reviews the learner's own need. */
  scheduleNote(): string {
    const t = vscode.l10n.t;
    const s = fitStatus(this.store.progress, tzOffset());
    if (s.fitted) return t('Reviews are scheduled with your own parameters, fitted from {0} spaced reviews.', s.fitted.reviews);
    if (s.needed > 0)
      return t('Your own review schedule needs {0} more spaced reviews (answers a day or more after the previous one).', s.needed);
    return t('You have enough spaced reviews for your own review schedule: it is fitted after this quiz.');
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
        next === undefined
          ? vscode.l10n.t('No quiz reviews are due.')
          : vscode.l10n.t('No quiz reviews are due; the next one is due {0}.', new Date(next).toLocaleString(vscode.env.language)),
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
    const score = await runQuizFlow(entries, {
      store: this.store,
      knownKeys: this.knownKeys ?? new Set(keys),
      observe: (e) => this.stepShown.fire(e),
      openQuestion: (id) => vscode.commands.executeCommand(Command.OpenQuestion, id),
      openDemo: (id) => this.openDemo(id),
      openStatistics: () => vscode.commands.executeCommand(Command.QuizStatistics),
      seed,
      shuffle: readConfig().shuffleChoices,
      scheduler: () => this.schedulerOptions(),
      scheduleNote: () => this.scheduleNote(),
    });
    void this.fitWhenDue();
    return score;
  }

  /**
   * After a run: the first fit once there are enough spaced reviews, then again every REFIT_AFTER
   * more. Runs in the background; a failure is logged, not shown (the statistics say why).
   */
  private async fitWhenDue(): Promise<void> {
    const status = fitStatus(this.store.progress, tzOffset());
    if (this.fitting || !shouldFitNow(status)) return;
    // a fit that kept the defaults is not tried again on its own until REFIT_AFTER more reviews
    if (this.autoFitTriedAt !== undefined && status.spaced - this.autoFitTriedAt < REFIT_AFTER) return;
    this.autoFitTriedAt = status.spaced;
    try {
      const outcome = await this.fit();
      if (outcome.type !== 'fitted') return;
      const show = vscode.l10n.t('Show Statistics');
      if ((await vscode.window.showInformationMessage(fitMessage(outcome), show)) === show) await this.statistics();
    } catch (err) {
      this.log.warn(`Fitting the scheduling parameters after a quiz failed: ${err instanceof Error ? err.message : String(err)}`);
    }
  }

  /** One fit at a time; every caller of a fit in flight gets its outcome. */
  private fit(): Promise<FitOutcome> {
    this.fitting ??= fitSchedule(this.store, readConfig().desiredRetention)
      .then(
        (outcome) => {
          this.lastFitError = undefined;
          return outcome;
        },
        (err: unknown) => {
          this.lastFitError = err instanceof Error ? err.message : String(err);
          throw err;
        },
      )
      .finally(() => (this.fitting = undefined));
    return this.fitting;
  }

  /** Fit My Review Schedule: fits now (when there are enough reviews) and says what changed. */
  async fitCommand(): Promise<FitOutcome> {
    const outcome = await vscode.window.withProgress(
      { location: vscode.ProgressLocation.Notification, title: vscode.l10n.t('Fitting your review schedule…') },
      () => this.fit(),
    );
    this.log.info(
      `Fit: ${outcome.type}${outcome.type === 'fitted' ? ` from ${outcome.fitted.reviews} spaced reviews, log loss ${JSON.stringify(outcome.fitted.logLoss)}` : ''}`,
    );
    void vscode.window.showInformationMessage(fitMessage(outcome));
    return outcome;
  }

  /** Quiz Statistics; its buttons fit now or open the desired-retention setting. */
  async statistics(): Promise<void> {
    const now = Date.now();
    const action = await showStatistics({
      progress: this.store.progress,
      status: fitStatus(this.store.progress, tzOffset(now)),
      scheduler: this.schedulerOptions(),
      unavailable: this.lastFitError,
      now,
      tzOffset: tzOffset(now),
      observe: (e) => this.stepShown.fire(e),
    });
    if (action === 'fit') await this.fitCommand();
    if (action === 'settings')
      await vscode.commands.executeCommand('workbench.action.openSettings', 'transformerTutor.quiz.desiredRetention');
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
