/**
 * The encoder process: started by the extension host (EncoderProcess) with an IPC channel, it loads
 * the model on its first request and then tokenises, windows, runs and packs every text it is sent, and
 * computes every lab it is asked for, one at a time, in order. It imports no `vscode`: the labs' text is
 * localised with @vscode/l10n from the bundle the host names.
 */
import * as l10n from '@vscode/l10n';
import { closeSync, openSync, writeSync } from 'node:fs';
import * as path from 'node:path';
import {
  type EncodeFailureKind,
  type FileArray,
  type FromEncoder,
  type ModelChoice,
  PAYLOAD_ARRAYS,
  type PayloadArray,
  type QuizFactsAnswer,
  type ToEncoder,
} from '../../shared/encoderProtocol';
import { toWire, type WirePayload } from '../../shared/attentionWire';
import { ModelFormatError } from './attentionTap';
import { EncoderCore, InputError } from './encoderCore';
import { DecoderCore } from '../decoder/decoderCore';
import { loadRuntime } from './runtime';
import { runLab } from '../labs/labRunner';
import { LiveItemSource } from '../quiz/liveItems';
import { NotApplicable } from '../../shared/quiz/modelItems/facts';
import { seededRandom } from '../../shared/quiz/rng';
import { type ModelProblem, problemOf } from '../../shared/modelProblem';

/** Set by the host for tests only: lets testCrash and testHang through. */
const TEST_HOOKS = process.env.TUTOR_ENCODER_TEST_HOOKS === '1';
/** Where payloads of SPILL_BYTES and more go as files (see EncoderProcessOptions.spillBytes); unset: always inline. */
const SPILL_DIR = process.env.TUTOR_ENCODER_SPILL_DIR;
const SPILL_BYTES = Number(process.env.TUTOR_ENCODER_SPILL_BYTES ?? Infinity);

if (process.env.TUTOR_L10N_BUNDLE) l10n.config({ fsPath: process.env.TUTOR_L10N_BUNDLE });

const queue: Extract<ToEncoder, { type: 'encode' | 'lab' | 'quizFacts' }>[] = [];
let running = false;
let hangNextRun = 0;
/** test hook: milliseconds the next request blocks before it starts (as a load that hangs) */
let hangNextLoad = 0;

function send(message: FromEncoder): void {
  process.send?.(message);
}

/**
 * One model kept loaded under a key: the same key gives the same load; another releases the old model first
 * and loads anew. A load that failed is tried again by the next request.
 */
class LoadedSlot<T extends { release(): Promise<void> }> {
  private held: { key: string; model: Promise<T> } | undefined;

  get(key: string, load: () => Promise<T>): Promise<T> {
    if (this.held?.key === key) return this.held.model;
    const previous = this.held?.model;
    const model = (async () => {
      await previous?.then((m) => m.release()).catch(() => undefined);
      return load();
    })();
    this.held = { key, model };
    model.catch(() => {
      if (this.held?.model === model) this.held = undefined;
    });
    return model;
  }
}

const encoders = new LoadedSlot<EncoderCore>();
const decoders = new LoadedSlot<DecoderCore>();
/** the bundled encoder beside a bring-your-own one (the compare lab) */
const besides = new LoadedSlot<EncoderCore>();

/** The bundled encoder: the loaded one when that is it, else one loaded beside it. */
function bundledFor(model: ModelChoice, core: EncoderCore): Promise<EncoderCore> {
  if (core.files.modelPath === model.bundled.modelPath) return Promise.resolve(core);
  return besides.get(JSON.stringify([model.bundled, model.wasm]), async () =>
    EncoderCore.load(model.bundled, await loadRuntime(model.wasm)),
  );
}

/** The model for this choice: loaded once, the user's first, the bundled one when the user's is refused. */
function coreFor(model: ModelChoice): Promise<EncoderCore> {
  return encoders.get(JSON.stringify(model), async () => {
    const runtime = await loadRuntime(model.wasm);
    let customRefused: ModelProblem | undefined;
    let core: EncoderCore | undefined;
    if (model.custom) {
      try {
        core = await EncoderCore.load(model.custom, runtime);
      } catch (err) {
        customRefused = problemOf(err);
      }
    }
    core ??= await EncoderCore.load(model.bundled, runtime);
    send({
      type: 'loaded',
      model: core.files.name,
      provider: runtime.provider,
      loadMillis: core.loadMillis,
      runtimeFallback: runtime.fallbackReason,
      customRefused,
    });
    return core;
  });
}

/** The bundled decoder (the panel's model switch), loaded on first use and kept beside the encoder. */
function decoderFor(model: ModelChoice): Promise<DecoderCore> {
  const files = model.decoder;
  if (!files) return Promise.reject(new Error('the host named no decoder'));
  return decoders.get(JSON.stringify([files, model.wasm]), async () => {
    const runtime = await loadRuntime(model.wasm);
    const core = await DecoderCore.load(files, runtime);
    send({
      type: 'loaded',
      model: core.files.name,
      provider: runtime.provider,
      loadMillis: core.loadMillis,
      runtimeFallback: runtime.fallbackReason,
    });
    return core;
  });
}

/** The payload inline, or, when large, its arrays written to a file in the host's spill folder. */
function answer(id: number, payload: WirePayload): FromEncoder {
  const present = PAYLOAD_ARRAYS.filter((name) => payload[name] !== undefined);
  const bytes = present.reduce((n, name) => n + payload[name]!.byteLength, 0);
  if (!SPILL_DIR || bytes < SPILL_BYTES) return { type: 'encoded', id, payload };
  const file = path.join(SPILL_DIR, `${id}.bin`);
  const arrays: FileArray[] = [];
  const fd = openSync(file, 'w');
  try {
    let offset = 0;
    for (const name of present) {
      const a = payload[name]!;
      writeSync(fd, new Uint8Array(a.buffer, a.byteOffset, a.byteLength));
      arrays.push({ name, offset, length: a.length });
      offset += a.byteLength;
    }
  } finally {
    closeSync(fd);
  }
  // the arrays' keys stay, undefined, so the host's payload has the keys the in-process one has
  const rest: Partial<WirePayload> = { ...payload };
  for (const name of present) rest[name] = undefined;
  return { type: 'encodedInFile', id, payload: rest as Omit<WirePayload, PayloadArray>, file, arrays };
}

function failureKind(err: unknown): EncodeFailureKind {
  if (err instanceof InputError) return 'input';
  if (err instanceof ModelFormatError) return 'model';
  return 'other';
}

async function drain(): Promise<void> {
  if (running) return;
  running = true;
  try {
    for (let next = queue.shift(); next; next = queue.shift()) {
      const { id, model } = next;
      try {
        if (hangNextLoad) {
          // a model load stuck in native code (or on a slow disk) blocks this thread before the run starts
          const until = Date.now() + hangNextLoad;
          hangNextLoad = 0;
          while (Date.now() < until);
        }
        if (next.type === 'lab') {
          const { lab, params, text, piecesPath, language } = next.request;
          const core = await coreFor(model);
          send({ type: 'started', id });
          const result = await runLab(core, lab, params, text, piecesPath, {
            language,
            decoder: () => decoderFor(model),
            bundled: () => bundledFor(model, core),
            isBundled: core.files.modelPath === model.bundled.modelPath,
          });
          send({ type: 'labDone', id, result });
          continue;
        }
        if (next.type === 'quizFacts') {
          const { live, seed, templates } = next.request;
          const core = await coreFor(model);
          send({ type: 'started', id });
          // in order, from one seeded stream: the quiz asks the same items for the same seed
          const source = new LiveItemSource(core, live, seededRandom(seed), () => decoderFor(model));
          const answers: QuizFactsAnswer[] = [];
          for (const template of templates) {
            try {
              const { facts, tokens } = await source.facts(template);
              answers.push({ ok: true, facts, tokens: [...tokens] });
            } catch (err) {
              answers.push({
                ok: false,
                notApplicable: err instanceof NotApplicable,
                message: err instanceof Error ? err.message : String(err),
              });
            }
          }
          send({ type: 'quizFactsDone', id, answers });
          continue;
        }
        const { input } = next;
        const core = input.model === 'decoder' ? await decoderFor(model) : await coreFor(model);
        send({ type: 'started', id });
        if (hangNextRun) {
          // a run stuck in native code blocks this thread the same way
          const until = Date.now() + hangNextRun;
          hangNextRun = 0;
          while (Date.now() < until);
        }
        // packed here, not on the extension host's thread: attention in 16 bits, as the panel receives it
        send(answer(id, toWire(await core.encode(input))));
      } catch (err) {
        const problem = err instanceof ModelFormatError || err instanceof InputError ? err.problem : undefined;
        send({ type: 'failed', id, kind: failureKind(err), message: err instanceof Error ? err.message : String(err), problem });
      }
    }
  } finally {
    running = false;
  }
}

process.on('message', (message: ToEncoder) => {
  switch (message.type) {
    case 'encode':
    case 'lab':
    case 'quizFacts':
      queue.push(message);
      void drain();
      break;
    case 'testCrash':
      // SIGABRT, as a native crash inside ONNX Runtime ends a process
      if (TEST_HOOKS) process.abort();
      break;
    case 'testHang':
      if (TEST_HOOKS && message.phase === 'load') hangNextLoad = message.ms;
      else if (TEST_HOOKS) hangNextRun = message.ms;
      break;
  }
});

// the extension host went away (closed window, crashed host): nothing is left to answer
process.on('disconnect', () => process.exit(0));
