import * as vscode from 'vscode';
import type { ModelChoice, QuizFactsAnswer, QuizFactsRequest } from '../../shared/encoderProtocol';
import type { WirePayload } from '../../shared/attentionWire';
import type { LabParams, LabResult } from '../../shared/labs/labTypes';
import type { LabId } from '../../shared/questions/types';
import { readConfig } from '../config';
import type { Log } from '../log';
import { EncoderCore, type EncodeRequest, InputError, type ModelFiles } from './encoderCore';
import { EncodeFailure, type EncoderNotice, EncoderProcess } from './encoderProcess';
import { loadRuntime, type LoadedRuntime } from './runtime';
import { type ModelProblem, modelProblem, modelProblemEnglish } from '../../shared/modelProblem';
import { errorText, modelProblemText } from '../errorText';

/** A run longer than this is taken for a hang (the WASM fallback takes a few seconds at 512 tokens). */
const RUN_LIMIT_MS = 30_000;

/**
 * The encoder, never started at activation. The attention panel's texts go to the encoder process
 * (encode()), started on the first one, so the extension host's thread never waits on ONNX Runtime and
 * a native crash takes down only that process, which comes back with a notice. The labs (runLab()) and
 * the quizzes' model-grounded questions (quizFacts()) are computed there too. get() loads an encoder in this
 * process, for the integration tests' API only. Either way a
 * bring-your-own model that is refused gets a message saying why, once, and the bundled model takes
 * over; the native runtime falls back to WASM with a one-time notice.
 */
export class EncoderService implements vscode.Disposable {
  private loading: Promise<EncoderCore> | undefined;
  private process: EncoderProcess | undefined;
  /** the model choice the encoder process has loaded, once it has */
  private processModel: string | undefined;
  /** refusals already shown, by model path and reason: each is shown once */
  private readonly refusalsShown = new Set<string>();
  private runtime: Promise<LoadedRuntime> | undefined;
  private fallbackNoticeShown = false;
  private readonly resetEmitter = new vscode.EventEmitter<void>();
  /** the model settings changed and the old model was let go: the next get() loads the new one */
  readonly onDidReset = this.resetEmitter.event;
  private readonly disposables: vscode.Disposable[] = [];

  constructor(
    private readonly extensionUri: vscode.Uri,
    private readonly log: Log,
    /** the integration tests run the extension in test mode: they may crash and hang the encoder process */
    private readonly testHooks = false,
  ) {
    this.disposables.push(
      vscode.workspace.onDidChangeConfiguration((e) => {
        if (e.affectsConfiguration('transformerTutor.model') || e.affectsConfiguration('transformerTutor.runtime')) void this.reset();
      }),
    );
  }

  get bundledFiles(): ModelFiles {
    const dir = vscode.Uri.joinPath(this.extensionUri, 'models', 'tiny-bert').fsPath;
    return {
      name: 'tiny-bert (bundled)',
      modelPath: `${dir}/model.onnx`,
      tokenizerPath: `${dir}/tokenizer.json`,
      configPath: `${dir}/config.json`,
    };
  }

  get bundledDecoderFiles(): ModelFiles {
    const dir = vscode.Uri.joinPath(this.extensionUri, 'models', 'tiny-gpt').fsPath;
    return {
      name: 'tiny-gpt (bundled)',
      modelPath: `${dir}/model.onnx`,
      tokenizerPath: `${dir}/tokenizer.json`,
      configPath: `${dir}/config.json`,
    };
  }

  /** An encoder in this process (the integration tests tokenise and check with it), loading it (once) if needed. */
  get(): Promise<EncoderCore> {
    this.loading ??= this.load().catch((err) => {
      this.loading = undefined; // a later call may succeed (e.g. after the file is fixed)
      throw err;
    });
    return this.loading;
  }

  /** true once a model is ready for the panel (not while it is still loading) */
  get isLoaded(): boolean {
    return this.processModel !== undefined && this.processModel === JSON.stringify(this.modelChoice());
  }

  /**
   * The payload of one text, from the encoder process. Text the model cannot take is an InputError. Side by
   * side, the encoder's payload carries the decoder's as its partner (the process runs them one after the other).
   */
  async encode(request: EncodeRequest): Promise<WirePayload> {
    if (request.model !== 'both') return this.encodeOne(request);
    const [encoder, decoder] = await Promise.all([
      this.encodeOne({ ...request, model: 'encoder' }),
      this.encodeOne({ ...request, model: 'decoder' }),
    ]);
    return { ...encoder, partner: decoder };
  }

  /**
   * A lab, computed in the encoder process with the model the panel uses (the bundled decoder, or the bundled
   * encoder beside a bring-your-own one, where the lab needs them): its runs never hold this thread.
   */
  async runLab(lab: LabId, params: LabParams, text: string | undefined): Promise<LabResult> {
    const model = this.modelChoice();
    this.process ??= this.startProcess();
    const piecesPath = this.bundledFiles.tokenizerPath.replace(/tokenizer\.json$/, 'bpe_pieces.json');
    return this.process.runLab(model, { lab, params, ...(text === undefined ? {} : { text }), piecesPath, language: vscode.env.language });
  }

  /** The facts of a quiz's model items on the live text, computed in the encoder process (one request for all). */
  quizFacts(request: QuizFactsRequest): Promise<QuizFactsAnswer[]> {
    this.process ??= this.startProcess();
    return this.process.quizFacts(this.modelChoice(), request);
  }

  private async encodeOne(request: EncodeRequest): Promise<WirePayload> {
    const model = this.modelChoice();
    this.process ??= this.startProcess();
    try {
      const payload = await this.process.encode(model, request);
      this.processModel = JSON.stringify(model);
      return payload;
    } catch (err) {
      throw err instanceof EncodeFailure && err.kind === 'input'
        ? new InputError(err.problem ?? modelProblem('textRefused', err.message))
        : err;
    }
  }

  /** What the settings ask for: the user's model (when both paths are set), else the bundled one. */
  private modelChoice(): ModelChoice {
    const cfg = readConfig();
    const custom =
      cfg.customModelPath && cfg.customTokenizerPath
        ? {
            name: cfg.customModelPath.split(/[\\/]/).pop() ?? 'custom',
            modelPath: cfg.customModelPath,
            tokenizerPath: cfg.customTokenizerPath,
          }
        : undefined;
    if (cfg.customModelPath && !cfg.customTokenizerPath) this.showRefusal(cfg.customModelPath, modelProblem('tokenizerPathMissing'));
    return { bundled: this.bundledFiles, custom, decoder: this.bundledDecoderFiles, wasm: cfg.runtimeBackend === 'wasm' };
  }

  private startProcess(): EncoderProcess {
    const idleMinutes = readConfig().encoderIdleMinutes;
    return new EncoderProcess({
      entry: vscode.Uri.joinPath(this.extensionUri, 'dist', 'host', 'encoderProcess.js').fsPath,
      idleMs: idleMinutes * 60_000,
      runLimitMs: RUN_LIMIT_MS,
      // the editor's thread first: on two busy cores this took the host's event-loop delay p99 from
      // 41.8 to 24.6 ms during 512-token encodes (bench/event-loop.ts); on idle cores it costs nothing
      niceness: 10,
      testHooks: this.testHooks,
      onNotice: (n) => this.onProcessNotice(n),
      onOutput: (text) => this.log.info(`[encoder process] ${text.trimEnd()}`),
      l10nBundle: vscode.l10n.uri?.fsPath,
    });
  }

  private onProcessNotice(n: EncoderNotice): void {
    switch (n.kind) {
      case 'loaded':
        this.log.info(`Encoder process: loaded ${n.model} in ${n.loadMillis.toFixed(0)} ms with ${n.provider}`);
        if (n.runtimeFallback) this.noticeFallback({ provider: n.provider, fallbackReason: n.runtimeFallback });
        if (n.customRefused) this.showRefusal(readConfig().customModelPath, n.customRefused);
        break;
      case 'crashed':
        this.log.warn(`The encoder process stopped (${n.detail}); a new one runs the ${n.resent} text(s) that were waiting`);
        void vscode.window.showWarningMessage(
          vscode.l10n.t(
            'The Transformer Tutor encoder stopped unexpectedly ({0}) and was started again; the text it was working on runs again.',
            n.detail,
          ),
        );
        break;
      case 'hung':
        // a shortened limit (testEncoderHang) is for that one run
        if (this.process) this.process.runLimitMs = RUN_LIMIT_MS;
        this.log.warn(`The encoder process ran one text for more than ${n.limitMs} ms and was stopped`);
        void vscode.window.showWarningMessage(
          vscode.l10n.t(
            'The Transformer Tutor encoder took more than {0} seconds on one text and was started again.',
            Math.round(n.limitMs / 1000),
          ),
        );
        break;
      default: {
        const never: never = n;
        return never;
      }
    }
  }

  /** Tells the user once per model and reason that their model is not used, and why. */
  private showRefusal(modelPath: string, reason: ModelProblem): void {
    const key = `${modelPath}\n${JSON.stringify(reason)}`;
    if (this.refusalsShown.has(key)) return;
    this.refusalsShown.add(key);
    this.log.error(`Could not load the model ${modelPath}`, new Error(modelProblemEnglish(reason)));
    void vscode.window.showErrorMessage(
      vscode.l10n.t(
        'Transformer Tutor could not use your model: {0}. Expected a BERT-family ONNX export with an input_ids input and attention Softmax nodes (or attn_N outputs), and its tokenizer.json. Using the bundled model instead.',
        modelProblemText(reason),
      ),
    );
  }

  /** Test hooks, for the integration suites (honoured in test mode only): the encoder process aborts. */
  testEncoderCrash(): void {
    this.process?.testCrash();
  }

  /** The encoder process's next run blocks it for ms, against a time limit of limitMs for that run. */
  testEncoderHang(ms: number, limitMs: number): void {
    if (!this.process) return;
    this.process.runLimitMs = limitMs;
    this.process.testHang(ms);
  }

  /** How many encoder processes were started (a crash or hang starts another). */
  get encoderProcessStarts(): number {
    return this.process?.starts ?? 0;
  }

  private async load(): Promise<EncoderCore> {
    return vscode.window.withProgress(
      { location: vscode.ProgressLocation.Notification, title: vscode.l10n.t('Transformer Tutor: loading the encoder…') },
      async () => {
        const cfg = readConfig();
        this.runtime ??= loadRuntime(cfg.runtimeBackend === 'wasm');
        const runtime = await this.runtime;
        if (runtime.fallbackReason) this.noticeFallback(runtime);
        if (cfg.customModelPath) {
          const files: ModelFiles = {
            name: cfg.customModelPath.split(/[\\/]/).pop() ?? 'custom',
            modelPath: cfg.customModelPath,
            tokenizerPath: cfg.customTokenizerPath,
          };
          try {
            if (!cfg.customTokenizerPath)
              throw new Error(vscode.l10n.t('set transformerTutor.model.tokenizerPath to the model’s tokenizer.json as well'));
            const core = await EncoderCore.load(files, runtime);
            this.logLoaded(core);
            return core;
          } catch (err) {
            this.log.error(`Could not load the model ${cfg.customModelPath}`, err);
            void vscode.window.showErrorMessage(
              vscode.l10n.t(
                'Transformer Tutor could not use your model: {0}. Expected a BERT-family ONNX export with an input_ids input and attention Softmax nodes (or attn_N outputs), and its tokenizer.json. Using the bundled model instead.',
                errorText(err),
              ),
            );
          }
        }
        const core = await EncoderCore.load(this.bundledFiles, runtime);
        this.logLoaded(core);
        return core;
      },
    );
  }

  private logLoaded(core: EncoderCore): void {
    const c = core.capabilities;
    this.log.info(
      `Loaded ${core.files.name} in ${core.loadMillis.toFixed(0)} ms with ${core.runtime.provider}: ` +
        `${core.attentionOutputs.length} attention outputs; q/k/v ${c.qkv ? 'yes' : 'no'}, MLM ${c.mlm ? 'yes' : 'no'}, NSP ${c.nsp ? 'yes' : 'no'}`,
    );
  }

  private noticeFallback(runtime: { provider: string; fallbackReason?: string }): void {
    this.log.warn(`Native onnxruntime-node unavailable (${runtime.fallbackReason}); using ${runtime.provider}`);
    if (this.fallbackNoticeShown) return;
    this.fallbackNoticeShown = true;
    void vscode.window.showInformationMessage(
      vscode.l10n.t(
        'Transformer Tutor is running the encoder with WebAssembly because the native ONNX Runtime could not load here. It works the same, a little slower.',
      ),
    );
  }

  async reset(): Promise<void> {
    const old = this.loading;
    this.loading = undefined;
    this.runtime = undefined;
    // the encoder process loads the new choice with the next request; a refusal may be shown again
    this.processModel = undefined;
    this.refusalsShown.clear();
    await old?.then((c) => c.release()).catch(() => undefined);
    this.resetEmitter.fire();
  }

  dispose(): void {
    void this.reset();
    void this.process?.dispose();
    this.resetEmitter.dispose();
    this.disposables.forEach((d) => d.dispose());
  }
}
