import { type ChildProcess, fork } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { open, rm } from 'node:fs/promises';
import { setPriority, tmpdir } from 'node:os';
import * as path from 'node:path';
import {
  type EncodeFailureKind,
  type EncodeInput,
  type LabRequest,
  type QuizFactsAnswer,
  type QuizFactsRequest,
  type FromEncoder,
  type ModelChoice,
  parseFromEncoder,
  type ToEncoder,
} from '../../shared/encoderProtocol';
import type { WirePayload } from '../../shared/attentionWire';
import type { LabResult } from '../../shared/labs/labTypes';
import type { ModelProblem } from '../../shared/modelProblem';

export interface EncoderProcessOptions {
  /** the script the process runs (dist/host/encoderProcess.js; the TypeScript source under tsx in tests) */
  entry: string;
  execArgv?: string[];
  /** the process exits after this long without a request, and comes back on the next */
  idleMs: number;
  /** a run that takes longer is taken for a hang: the process is ended and started again */
  runLimitMs: number;
  /**
   * The longest a request may wait for its run to start once it is the process's next: starting the
   * process and loading the model (a large bring-your-own export takes seconds). Longer is a hang.
   */
  startLimitMs?: number;
  /** let the testCrash and testHang hooks through */
  testHooks?: boolean;
  /** what the user should hear about: the process died or hung, a model was loaded or refused */
  onNotice?: (notice: EncoderNotice) => void;
  /** what the process writes to stdout and stderr (ONNX Runtime's warnings, a crash's report), for the log */
  onOutput?: (text: string) => void;
  /**
   * Payloads of this many bytes and more come through a file that is read off the extension host's
   * thread, instead of inline over IPC, whose structured clone is deserialised on it (bench/event-loop.ts
   * measures both). Infinity: always inline.
   */
  spillBytes?: number;
  /** how much lower than the extension host the process is scheduled (a nice increment, 0 to 19) */
  niceness?: number;
  /** the display language's l10n bundle (vscode.l10n.uri), which the labs' text comes from; none: English */
  l10nBundle?: string;
}

/** How long a request may wait for the process to start and load its model, by default. */
export const START_LIMIT_MS = 120_000;

/** Payloads from this size on come through a file by default (a 128-token payload's attention is 1 MB). */
export const SPILL_BYTES = 1 << 20;

export type EncoderNotice =
  | { kind: 'crashed'; detail: string; resent: number }
  | { kind: 'hung'; limitMs: number }
  | { kind: 'loaded'; model: string; provider: string; loadMillis: number; runtimeFallback?: string; customRefused?: ModelProblem };

/** A request the encoder process could not answer, with why: the text, the model, or the process itself. */
export class EncodeFailure extends Error {
  constructor(
    readonly kind: EncodeFailureKind | 'crashed' | 'hung' | 'stopped',
    message: string,
    /** what was wrong with the model, for the host to say in the user's language */
    readonly problem?: ModelProblem,
  ) {
    super(message);
  }
}

interface Pending {
  id: number;
  model: ModelChoice;
  job: { type: 'encode'; input: EncodeInput } | { type: 'lab'; request: LabRequest } | { type: 'quizFacts'; request: QuizFactsRequest };
  /** with the payload of an encode, the result of a lab */
  resolve(answer: unknown): void;
  reject(err: Error): void;
  /** how many processes died while this request was sent to them */
  crashes: number;
  /** the process it was last sent to */
  sentTo?: ChildProcess;
}

/**
 * The extension host's side of the encoder process: starts it on the first request (as VS Code starts a
 * language server), sends each request over one typed protocol, and keeps every request until it is
 * answered. If the process dies, a new one is started and every request still waiting is sent to it; a
 * request that two processes died on is answered with an error instead, so one text cannot crash the
 * encoder forever. A run over the time limit ends the process the same way, failing only that request.
 * After idleMs without requests the process exits, to give its memory back.
 */
export class EncoderProcess {
  private child: ChildProcess | undefined;
  private readonly pending = new Map<number, Pending>();
  private nextId = 1;
  private idleTimer: NodeJS.Timeout | undefined;
  private runTimer: { id: number; timer: NodeJS.Timeout } | undefined;
  /** processes this side ended on purpose (idle, hang, dispose): their exit is not a crash */
  private readonly ended = new WeakSet<ChildProcess>();
  private disposed = false;
  private startCount = 0;
  /** where the process writes large payloads (in memory where the system has /dev/shm), made on first start */
  private spillDir: string | undefined;

  /** the time limit of one run (options.runLimitMs at first; a test may shorten it) */
  runLimitMs: number;
  /** the time limit for a request to start (options.startLimitMs at first; a test may shorten it) */
  startLimitMs: number;

  constructor(private readonly options: EncoderProcessOptions) {
    this.runLimitMs = options.runLimitMs;
    this.startLimitMs = options.startLimitMs ?? START_LIMIT_MS;
  }

  /** The payload of one text, from the encoder process (started if it is not running). */
  encode(model: ModelChoice, input: EncodeInput): Promise<WirePayload> {
    return this.submit(model, { type: 'encode', input }) as Promise<WirePayload>;
  }

  /** A lab computed in the process (its runs would otherwise hold the extension host's thread for seconds). */
  runLab(model: ModelChoice, request: LabRequest): Promise<LabResult> {
    return this.submit(model, { type: 'lab', request }) as Promise<LabResult>;
  }

  /** The facts of a quiz's model items, computed in the process. */
  quizFacts(model: ModelChoice, request: QuizFactsRequest): Promise<QuizFactsAnswer[]> {
    return this.submit(model, { type: 'quizFacts', request }) as Promise<QuizFactsAnswer[]>;
  }

  private submit(model: ModelChoice, job: Pending['job']): Promise<unknown> {
    if (this.disposed) return Promise.reject(new EncodeFailure('stopped', 'the encoder has been shut down'));
    return new Promise((resolve, reject) => {
      const p: Pending = { id: this.nextId++, model, job, resolve, reject, crashes: 0 };
      this.pending.set(p.id, p);
      this.send(p);
    });
  }

  /** Whether a process is running now (for tests and the idle measurements). */
  get running(): boolean {
    return this.child !== undefined;
  }

  /** The process id, while one runs. */
  get pid(): number | undefined {
    return this.child?.pid;
  }

  /** How many processes were started so far. */
  get starts(): number {
    return this.startCount;
  }

  /** Test hook: the process aborts as on a native crash. */
  testCrash(): void {
    this.post({ type: 'testCrash' });
  }

  /** Test hook: the next run (or, phase 'load', the next request before it starts) blocks the process's thread for ms. */
  testHang(ms: number, phase: 'load' | 'run' = 'run'): void {
    this.post({ type: 'testHang', ms, phase });
  }

  /** Ends the process; requests still waiting fail. The next encode() starts a new one. */
  async restart(): Promise<void> {
    await this.stop();
    for (const p of this.takePending()) p.reject(new EncodeFailure('stopped', 'the encoder was restarted'));
  }

  async dispose(): Promise<void> {
    this.disposed = true;
    await this.restart();
    if (this.spillDir) rmSync(this.spillDir, { recursive: true, force: true });
  }

  private send(p: Pending): void {
    clearTimeout(this.idleTimer);
    const { id, model, job } = p;
    p.sentTo = this.post(toEncoder(id, model, job));
    if (!this.runTimer) this.armStartLimit();
  }

  private post(message: ToEncoder): ChildProcess {
    const child = this.child ?? this.start();
    child.send(message);
    return child;
  }

  private start(): ChildProcess {
    const { testHooks, entry, execArgv } = this.options;
    const spillBytes = this.options.spillBytes ?? SPILL_BYTES;
    if (Number.isFinite(spillBytes)) this.spillDir ??= makeSpillDir();
    const env = {
      ...process.env,
      // in desktop VS Code the extension host's executable is Electron: run it as plain Node, as language servers are
      ELECTRON_RUN_AS_NODE: '1',
      TUTOR_ENCODER_TEST_HOOKS: testHooks ? '1' : '0',
      ...(this.options.l10nBundle ? { TUTOR_L10N_BUNDLE: this.options.l10nBundle } : {}),
      ...(this.spillDir ? { TUTOR_ENCODER_SPILL_DIR: this.spillDir, TUTOR_ENCODER_SPILL_BYTES: String(spillBytes) } : {}),
    };
    // 'advanced' serialisation: typed arrays cross as typed arrays (the structured clone algorithm), not as JSON
    const child = fork(entry, [], { serialization: 'advanced', execArgv: execArgv ?? [], env, stdio: ['ignore', 'pipe', 'pipe', 'ipc'] });
    const output = (chunk: Buffer) => this.options.onOutput?.(chunk.toString('utf8'));
    child.stdout?.on('data', output);
    child.stderr?.on('data', output);
    this.startCount++;
    // below the extension host in the scheduler: where cores are few, its ORT threads would otherwise
    // take turns from the thread every extension runs on
    if (child.pid !== undefined && this.options.niceness) {
      try {
        setPriority(child.pid, this.options.niceness);
      } catch {
        // not permitted here: the process runs at the host's priority
      }
    }
    this.child = child;
    child.on('message', (raw) => this.onMessage(child, raw));
    child.on('exit', (code, signal) => this.onExit(child, code, signal));
    // a failed spawn is followed by 'exit' (or never started): the exit handler answers the requests
    child.on('error', () => undefined);
    return child;
  }

  private onMessage(child: ChildProcess, raw: unknown): void {
    if (child !== this.child) return;
    let m: FromEncoder;
    try {
      m = parseFromEncoder(raw);
    } catch {
      return; // not ours to answer; the requests stay pending until an answer or the process's end
    }
    switch (m.type) {
      case 'started':
        this.armRunLimit(m.id, this.runLimitMs, 'run');
        break;
      case 'encoded':
        this.settle(m.id, (p) => p.resolve(m.payload));
        break;
      case 'labDone':
        this.settle(m.id, (p) => p.resolve(m.result));
        break;
      case 'quizFactsDone':
        this.settle(m.id, (p) => p.resolve(m.answers));
        break;
      case 'encodedInFile': {
        // answered: taken out of the requests a crash would resend while the file is read
        const p = this.pending.get(m.id);
        this.settle(m.id, () => undefined);
        const file = m.file;
        if (path.dirname(file) !== this.spillDir) {
          p?.reject(new EncodeFailure('other', `the encoder process answered through a file outside its folder (${file})`));
          break;
        }
        readPayloadFile(m).then(
          (payload) => p?.resolve(payload),
          (err: Error) => p?.reject(new EncodeFailure('other', `the encoder's answer could not be read: ${err.message}`)),
        );
        break;
      }
      case 'failed':
        this.settle(m.id, (p) => p.reject(new EncodeFailure(m.kind, m.message, m.problem)));
        break;
      case 'loaded':
        this.options.onNotice?.({
          kind: 'loaded',
          model: m.model,
          provider: m.provider,
          loadMillis: m.loadMillis,
          runtimeFallback: m.runtimeFallback,
          customRefused: m.customRefused,
        });
        break;
    }
  }

  private settle(id: number, answer: (p: Pending) => void): void {
    if (this.runTimer?.id === id) this.clearRunLimit();
    const p = this.pending.get(id);
    if (p) {
      this.pending.delete(id);
      answer(p);
    }
    // the next request waiting is the process's next: it must start within the start limit
    if (!this.runTimer) this.armStartLimit();
    this.armIdle();
  }

  /** The oldest request waiting must start (the process up, its model loaded) within startLimitMs. */
  private armStartLimit(): void {
    const next = [...this.pending.keys()].sort((a, b) => a - b)[0];
    if (next !== undefined && this.child) this.armRunLimit(next, this.startLimitMs, 'start');
  }

  private armRunLimit(id: number, limitMs: number, phase: 'start' | 'run'): void {
    this.clearRunLimit();
    const child = this.child;
    const timer = setTimeout(() => {
      if (this.child !== child) return;
      const p = this.pending.get(id);
      this.pending.delete(id);
      p?.reject(
        new EncodeFailure(
          'hung',
          phase === 'run'
            ? `the encoder took more than ${Math.round(limitMs / 1000)} s on this text and was stopped`
            : `the encoder did not start on this text within ${Math.round(limitMs / 1000)} s (loading the model?) and was stopped`,
        ),
      );
      this.options.onNotice?.({ kind: 'hung', limitMs });
      void this.stop('kill').then(() => this.resendPending());
    }, limitMs);
    this.runTimer = { id, timer };
  }

  private clearRunLimit(): void {
    if (this.runTimer) clearTimeout(this.runTimer.timer);
    this.runTimer = undefined;
  }

  private armIdle(): void {
    clearTimeout(this.idleTimer);
    if (this.pending.size || !this.child) return;
    this.idleTimer = setTimeout(() => void this.stop('idle'), this.options.idleMs);
  }

  private onExit(child: ChildProcess, code: number | null, signal: NodeJS.Signals | null): void {
    if (this.child === child) {
      this.child = undefined;
      this.clearRunLimit();
    }
    if (this.ended.has(child) || this.disposed) return;
    // a crash: every request sent to that process goes to a new one, except those that crashed one before
    const detail = signal ? `signal ${signal}` : `exit code ${code}`;
    const waiting = this.takePending();
    const again = waiting.filter((p) => ++p.crashes < 2);
    for (const p of waiting) {
      if (p.crashes >= 2) p.reject(new EncodeFailure('crashed', `the encoder process stopped (${detail}) twice while running this text`));
    }
    this.options.onNotice?.({ kind: 'crashed', detail, resent: again.length });
    for (const p of again) this.pending.set(p.id, p);
    this.resendPending();
  }

  /** Sends the requests still waiting that the running process has not been sent (none is sent twice to one process). */
  private resendPending(): void {
    if (this.disposed) return;
    for (const p of [...this.pending.values()].sort((a, b) => a.id - b.id)) if (!this.child || p.sentTo !== this.child) this.send(p);
  }

  private takePending(): Pending[] {
    const all = [...this.pending.values()];
    this.pending.clear();
    return all;
  }

  /**
   * Ends the process on purpose and waits for it to exit: 'idle' closes its channel, on which it
   * exits by itself; 'kill' ends a process that may be stuck in native code.
   */
  private stop(how: 'idle' | 'kill' = 'kill'): Promise<void> {
    clearTimeout(this.idleTimer);
    this.clearRunLimit();
    const child = this.child;
    if (!child) return Promise.resolve();
    this.child = undefined;
    this.ended.add(child);
    return new Promise((resolve) => {
      if (child.exitCode !== null || child.signalCode !== null) return resolve();
      child.once('exit', () => resolve());
      if (how === 'idle' && child.connected) child.disconnect();
      else child.kill('SIGKILL');
    });
  }
}

/** Where payload files go: in memory where the system has /dev/shm. */
export function spillBase(): string {
  return existsSync('/dev/shm') ? '/dev/shm' : tmpdir();
}

/**
 * A folder of this extension host's own for payload files, named after its process id. Folders left by
 * extension hosts that are gone (killed before they could remove theirs) are removed first.
 */
function makeSpillDir(): string {
  const base = spillBase();
  for (const name of readdirSafe(base)) {
    const owner = /^tutor-encoder-(\d+)-/.exec(name)?.[1];
    if (owner && !isAlive(Number(owner))) rmSync(path.join(base, name), { recursive: true, force: true });
  }
  return mkdtempSync(path.join(base, `tutor-encoder-${process.pid}-`));
}

function readdirSafe(dir: string): string[] {
  try {
    return readdirSync(dir);
  } catch {
    return [];
  }
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    // EPERM: it exists, under another user
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** The payload of an encodedInFile answer: each array read into a buffer of its own, off this thread; the file is removed. */
async function readPayloadFile(m: Extract<FromEncoder, { type: 'encodedInFile' }>): Promise<WirePayload> {
  const fh = await open(m.file, 'r');
  try {
    const payload = { ...m.payload } as WirePayload;
    for (const a of m.arrays) {
      const array = a.name === 'attention16' ? new Uint16Array(a.length) : new Float32Array(a.length);
      const bytes = new Uint8Array(array.buffer);
      for (let done = 0; done < bytes.length;) {
        const { bytesRead } = await fh.read(bytes, done, bytes.length - done, a.offset + done);
        if (!bytesRead) throw new Error(`${a.name} ends after ${done} of ${bytes.length} bytes`);
        done += bytesRead;
      }
      if (array instanceof Uint16Array) payload.attention16 = array;
      else if (a.name !== 'attention16') payload[a.name] = array;
    }
    return payload;
  } finally {
    await fh.close();
    await rm(m.file, { force: true });
  }
}

/** The message that asks the process for a job. */
function toEncoder(id: number, model: ModelChoice, job: Pending['job']): ToEncoder {
  switch (job.type) {
    case 'encode':
      return { type: 'encode', id, model, input: job.input };
    case 'lab':
      return { type: 'lab', id, model, request: job.request };
    case 'quizFacts':
      return { type: 'quizFacts', id, model, request: job.request };
  }
}
