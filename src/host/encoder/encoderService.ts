import * as vscode from 'vscode';
import { readConfig } from '../config';
import type { Log } from '../log';
import { EncoderCore, type ModelFiles } from './encoderCore';
import { loadRuntime, type LoadedRuntime } from './runtime';

/**
 * The one cached encoder: created on first use (with a progress notification), never at activation.
 * A bring-your-own model that fails to load gets a message saying what was expected, and the
 * bundled model takes over; the native runtime falls back to WASM with a one-time notice.
 */
export class EncoderService implements vscode.Disposable {
  private loading: Promise<EncoderCore> | undefined;
  private loaded = false;
  private runtime: Promise<LoadedRuntime> | undefined;
  private fallbackNoticeShown = false;
  private readonly resetEmitter = new vscode.EventEmitter<void>();
  /** the model settings changed and the old model was let go: the next get() loads the new one */
  readonly onDidReset = this.resetEmitter.event;
  private readonly disposables: vscode.Disposable[] = [];

  constructor(
    private readonly extensionUri: vscode.Uri,
    private readonly log: Log,
  ) {
    this.disposables.push(
      vscode.workspace.onDidChangeConfiguration((e) => {
        if (e.affectsConfiguration('transformerTutor.model') || e.affectsConfiguration('transformerTutor.runtime')) void this.reset();
      }),
    );
  }

  get bundledFiles(): ModelFiles {
    const dir = vscode.Uri.joinPath(this.extensionUri, 'models', 'tiny-bert').fsPath;
    return { name: 'tiny-bert (bundled)', modelPath: `${dir}/model.onnx`, tokenizerPath: `${dir}/tokenizer.json`, configPath: `${dir}/config.json` };
  }

  /** The loaded encoder, loading it (once) if needed. */
  get(): Promise<EncoderCore> {
    this.loading ??= this.load().then(
      (core) => {
        this.loaded = true;
        return core;
      },
      (err) => {
        this.loading = undefined; // a later call may succeed (e.g. after the file is fixed)
        throw err;
      },
    );
    return this.loading;
  }

  /** true once a model is ready (not while it is still loading) */
  get isLoaded(): boolean {
    return this.loaded;
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
          const files: ModelFiles = { name: cfg.customModelPath.split(/[\\/]/).pop() ?? 'custom', modelPath: cfg.customModelPath, tokenizerPath: cfg.customTokenizerPath };
          try {
            if (!cfg.customTokenizerPath) throw new Error(vscode.l10n.t('set transformerTutor.model.tokenizerPath to the model’s tokenizer.json as well'));
            const core = await EncoderCore.load(files, runtime);
            this.logLoaded(core);
            return core;
          } catch (err) {
            this.log.error(`Could not load the model ${cfg.customModelPath}`, err);
            void vscode.window.showErrorMessage(
              vscode.l10n.t('Transformer Tutor could not use your model: {0}. Expected a BERT-family ONNX export with an input_ids input and attention Softmax nodes (or attn_N outputs), and its tokenizer.json. Using the bundled model instead.', err instanceof Error ? err.message : String(err)),
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

  private noticeFallback(runtime: LoadedRuntime): void {
    this.log.warn(`Native onnxruntime-node unavailable (${runtime.fallbackReason}); using ${runtime.provider}`);
    if (this.fallbackNoticeShown) return;
    this.fallbackNoticeShown = true;
    void vscode.window.showInformationMessage(
      vscode.l10n.t('Transformer Tutor is running the encoder with WebAssembly because the native ONNX Runtime could not load here. It works the same, a little slower.'),
    );
  }

  async reset(): Promise<void> {
    const old = this.loading;
    this.loading = undefined;
    this.loaded = false;
    this.runtime = undefined;
    await old?.then((c) => c.release()).catch(() => undefined);
    this.resetEmitter.fire();
  }

  dispose(): void {
    void this.reset();
    this.resetEmitter.dispose();
    this.disposables.forEach((d) => d.dispose());
  }
}
