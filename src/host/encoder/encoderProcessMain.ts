/**
 * The encoder process: started by the extension host (EncoderProcess) with an IPC channel, it loads
 * the model on its first request and then tokenises, windows, runs and packs every text it is sent,
 * one at a time, in order. It imports no `vscode`.
 */
import type { EncodeFailureKind, FromEncoder, ModelChoice, ToEncoder } from '../../shared/encoderProtocol';
import { ModelFormatError } from './attentionTap';
import { EncoderCore, InputError } from './encoderCore';
import { loadRuntime } from './runtime';

/** Set by the host for tests only: lets testCrash and testHang through. */
const TEST_HOOKS = process.env.TUTOR_ENCODER_TEST_HOOKS === '1';

let loaded: { key: string; core: Promise<EncoderCore> } | undefined;
const queue: Extract<ToEncoder, { type: 'encode' }>[] = [];
let running = false;
let hangNextRun = 0;

function send(message: FromEncoder): void {
  process.send?.(message);
}

/** The model for this choice: loaded once, the user's first, the bundled one when the user's is refused. */
function coreFor(model: ModelChoice): Promise<EncoderCore> {
  const key = JSON.stringify(model);
  if (loaded?.key === key) return loaded.core;
  const previous = loaded?.core;
  const core = (async () => {
    await previous?.then((c) => c.release()).catch(() => undefined);
    const runtime = await loadRuntime(model.wasm);
    let customRefused: string | undefined;
    let core: EncoderCore | undefined;
    if (model.custom) {
      try {
        core = await EncoderCore.load(model.custom, runtime);
      } catch (err) {
        customRefused = err instanceof Error ? err.message : String(err);
      }
    }
    core ??= await EncoderCore.load(model.bundled, runtime);
    send({ type: 'loaded', model: core.files.name, provider: runtime.provider, loadMillis: core.loadMillis, runtimeFallback: runtime.fallbackReason, customRefused });
    return core;
  })();
  loaded = { key, core };
  // a load that failed is tried again by the next request
  core.catch(() => {
    if (loaded?.core === core) loaded = undefined;
  });
  return core;
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
      const { id, model, input } = next;
      try {
        const core = await coreFor(model);
        send({ type: 'started', id });
        if (hangNextRun) {
          // a run stuck in native code blocks this thread the same way
          const until = Date.now() + hangNextRun;
          hangNextRun = 0;
          while (Date.now() < until);
        }
        send({ type: 'encoded', id, payload: await core.encode(input) });
      } catch (err) {
        send({ type: 'failed', id, kind: failureKind(err), message: err instanceof Error ? err.message : String(err) });
      }
    }
  } finally {
    running = false;
  }
}

process.on('message', (message: ToEncoder) => {
  switch (message.type) {
    case 'encode':
      queue.push(message);
      void drain();
      break;
    case 'testCrash':
      // SIGABRT, as a native crash inside ONNX Runtime ends a process
      if (TEST_HOOKS) process.abort();
      break;
    case 'testHang':
      if (TEST_HOOKS) hangNextRun = message.ms;
      break;
  }
});

// the extension host went away (closed window, crashed host): nothing is left to answer
process.on('disconnect', () => process.exit(0));
