import * as vscode from 'vscode';
import { AttentionController } from './attention/attentionController';
import { AttentionPanel } from './attention/attentionPanel';
import { Command } from './commandIds';
import { EncoderService } from './encoder/encoderService';
import { Log } from './log';
import { registerSafeCommand } from './safeCommand';
import { QuestionsFeature } from './questions/questionsFeature';
import { QuizFeature } from './quiz/quizFeature';
import { PROGRESS_KEY } from './quiz/progressStore';
import { SeenQuestions } from './questions/seenQuestions';
import { DEMO_IDS, type DemoId, LAB_IDS } from '../shared/questions/types';
import { labTitle } from './labs/labRunner';

/** What the integration tests reach through the extension's exports. */
export interface TutorTestApi {
  readonly panel: AttentionPanel;
  readonly attention: AttentionController;
  readonly encoder: EncoderService;
  readonly questions: QuestionsFeature;
  readonly quiz: QuizFeature;
}

/** Owns every feature of the extension and their disposables. */
export class TransformerTutor implements vscode.Disposable, TutorTestApi {
  private readonly disposables: vscode.Disposable[] = [];
  readonly log = new Log();
  readonly panel: AttentionPanel;
  readonly encoder: EncoderService;
  readonly attention: AttentionController;
  readonly questions: QuestionsFeature;
  readonly quiz: QuizFeature;

  constructor(context: vscode.ExtensionContext) {
    this.encoder = new EncoderService(context.extensionUri, this.log, context.extensionMode === vscode.ExtensionMode.Test);
    this.panel = new AttentionPanel(context.extensionUri, this.log, {
      onWebviewMessage: (msg) => this.attention.onWebviewMessage(msg),
      onPanelRestored: (state) => this.attention.onPanelRestored(state),
      onPanelClosed: () => this.attention.onPanelClosed(),
    });
    this.attention = new AttentionController(this.panel, this.encoder, this.log);
    this.disposables.push(
      this.log,
      this.encoder,
      this.panel,
      this.attention,
      registerSafeCommand(this.log, Command.ShowAttention, () => this.attention.showForActiveEditor()),
      registerSafeCommand(this.log, Command.TogglePin, () => this.attention.setPinned(!this.attention.isPinned)),
      registerSafeCommand(this.log, Command.ShowLog, () => this.log.show()),
    );
    this.questions = new QuestionsFeature(context, this.log);
    this.disposables.push(this.questions);
    this.quiz = new QuizFeature(context, this.log, { bank: () => this.questions.bank(), encoder: this.encoder });
    this.questions.setProgressProvider((id) => this.quiz.progressFor(id), this.quiz.onDidChangeProgress);
    // Settings Sync carries the learner's progress: quiz scheduling and which questions were read
    context.globalState.setKeysForSync([PROGRESS_KEY, SeenQuestions.KEY]);
    this.disposables.push(
      this.quiz,
      registerSafeCommand(this.log, Command.ShowInPanel, (arg) => this.showInPanel(arg)),
    );
  }

  /** "Try it" / "Show in attention panel": a question id (its demonstration) or a lab id; none → a pick. */
  private async showInPanel(arg: unknown): Promise<void> {
    let lab: DemoId | undefined;
    if (typeof arg === 'string' && DEMO_IDS.includes(arg as DemoId)) lab = arg as DemoId;
    else if (typeof arg === 'string') {
      const q = (await this.questions.bank()).questions.get(arg);
      if (!q) throw new Error(vscode.l10n.t('There is no question “{0}”.', arg));
      lab = (q.texts.en ?? q.texts['zh-cn'])?.demo;
    } else {
      const pick = await vscode.window.showQuickPick(
        LAB_IDS.map((id) => ({ label: labTitle(id), id })),
        { placeHolder: vscode.l10n.t('Which concept lab?') },
      );
      lab = pick?.id;
    }
    if (lab === 'through-the-layers') this.attention.showDemo({ view: 'rollout' });
    else if (lab) this.attention.showLab(lab);
  }

  dispose(): void {
    this.disposables.forEach((d) => d.dispose());
  }
}
