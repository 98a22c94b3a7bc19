import * as assert from 'node:assert';
import { toWire } from '../../src/shared/attentionWire';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { EncoderCore } from '../../src/host/encoder/encoderCore';
import {
  EncodeFailure,
  type EncoderNotice,
  EncoderProcess,
  type EncoderProcessOptions,
  spillBase,
} from '../../src/host/encoder/encoderProcess';
import { loadRuntime } from '../../src/host/encoder/runtime';
import type { ModelChoice } from '../../src/shared/encoderProtocol';
import { BUNDLED, DECODER } from './modelFiles';
import { runLab } from '../../src/host/labs/labRunner';
import { DecoderCore } from '../../src/host/decoder/decoderCore';
import { LiveItemSource } from '../../src/host/quiz/liveItems';
import type { ModelTemplate } from '../../src/shared/questions/types';
import { seededRandom } from '../../src/shared/quiz/rng';
import { modelProblemEnglish } from '../../src/shared/modelProblem';

/** The process runs the TypeScript source under tsx, as the built extension runs dist/host/encoderProcess.js. */
const ENTRY = path.resolve(__dirname, '../../src/host/encoder/encoderProcessMain.ts');
const MODEL: ModelChoice = { bundled: BUNDLED, wasm: false };
const TEXT = 'The cat sat on the mat because it was tired.';

/** Waits for a condition the process reaches on its own (an exit), checking every 20 ms, failing after 10 s. */
async function until(condition: () => boolean, what: string): Promise<void> {
  const deadline = Date.now() + 10_000;
  while (!condition()) {
    if (Date.now() > deadline) assert.fail(`timed out waiting until ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

function encoderProcess(options: Partial<EncoderProcessOptions> = {}): { proc: EncoderProcess; notices: EncoderNotice[] } {
  const notices: EncoderNotice[] = [];
  const proc = new EncoderProcess({
    entry: ENTRY,
    execArgv: ['--import', 'tsx'],
    idleMs: 60_000,
    runLimitMs: 20_000,
    testHooks: true,
    onNotice: (n) => notices.push(n),
    ...options,
  });
  return { proc, notices };
}

async function rejectsWith(p: Promise<unknown>, kind: EncodeFailure['kind'], message: RegExp): Promise<void> {
  await assert.rejects(p, (e: unknown) => {
    assert.ok(e instanceof EncodeFailure, `an EncodeFailure, not ${String(e)}`);
    assert.strictEqual(e.kind, kind);
    assert.match(e.message, message);
    return true;
  });
}

suite('the encoder process', function () {
  // each test starts one or more processes that load the model
  this.timeout(60_000);
  const live: EncoderProcess[] = [];
  const started = (options?: Partial<EncoderProcessOptions>) => {
    const made = encoderProcess(options);
    live.push(made.proc);
    return made;
  };
  teardown(async () => {
    await Promise.all(live.splice(0).map((p) => p.dispose()));
  });

  test('starts on the first request, not before, and answers with the payload the in-process encoder gives', async () => {
    const { proc, notices } = started();
    assert.strictEqual(proc.starts, 0);
    assert.strictEqual(proc.running, false);
    const remote = await proc.encode(MODEL, { text: TEXT, qkv: false });
    assert.strictEqual(proc.starts, 1);
    assert.notStrictEqual(proc.pid, process.pid, 'another process');
    const core = await EncoderCore.load(BUNDLED, await loadRuntime());
    try {
      const local = await core.encode({ text: TEXT, qkv: false });
      assert.ok(remote.attention16 instanceof Uint16Array, 'attention arrives in 16 bits, packed in the process');
      assert.deepStrictEqual(remote, toWire(local));
    } finally {
      await core.release();
    }
    assert.deepStrictEqual(
      notices.map((n) => n.kind),
      ['loaded'],
    );
    const q = await proc.encode(MODEL, { text: TEXT });
    assert.ok(q.q instanceof Float32Array && q.q.length > 0, 'q/k/v when asked for');
    assert.strictEqual(proc.starts, 1, 'one process for every request');
  });

  test('a large payload comes through a file, each array read into a buffer of its own, and the file is removed', async () => {
    const { proc } = started({ spillBytes: 1 });
    const core = await EncoderCore.load(BUNDLED, await loadRuntime());
    try {
      for (const input of [{ text: TEXT }, { text: TEXT, qkv: false }]) {
        const remote = await proc.encode(MODEL, input);
        assert.deepStrictEqual(remote, toWire(await core.encode(input)));
        for (const a of [remote.attention16, remote.q, remote.k, remote.v])
          if (a) assert.strictEqual(a.byteLength, a.buffer.byteLength, 'nothing else rides along when posted');
      }
    } finally {
      await core.release();
    }
    const folder = (proc as unknown as { spillDir: string }).spillDir;
    assert.deepStrictEqual(readdirSync(folder), [], 'no payload file is left behind');
    await proc.dispose();
    assert.ok(!existsSync(folder), 'the folder goes with the encoder');
  });

  test("a payload folder left by an extension host that is gone is removed; a live one's is kept", async () => {
    // a process id that has just ended, and this process's own
    const gone = spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))'], { encoding: 'utf8' }).stdout;
    const stale = mkdtempSync(path.join(spillBase(), `tutor-encoder-${gone}-`));
    writeFileSync(path.join(stale, '7.f32'), 'left over');
    const live = mkdtempSync(path.join(spillBase(), `tutor-encoder-${process.pid}-`));
    try {
      const { proc } = started();
      await proc.encode(MODEL, { text: TEXT, qkv: false });
      assert.ok(!existsSync(stale), 'the folder of a host that is gone');
      assert.ok(existsSync(live), 'a running host keeps its folder');
    } finally {
      rmSync(stale, { recursive: true, force: true });
      rmSync(live, { recursive: true, force: true });
    }
  });

  test('a text that cannot be encoded fails with its reason; the process goes on', async () => {
    const { proc } = started();
    await rejectsWith(proc.encode(MODEL, { text: ' \n ' }), 'input', /the text is empty/);
    assert.strictEqual((await proc.encode(MODEL, { text: TEXT })).tokens[0].text, '[CLS]');
    assert.strictEqual(proc.starts, 1);
  });

  test('a crash while requests wait: a new process answers every one of them, with a notice', async () => {
    const { proc, notices } = started();
    const texts = ['First text.', 'Second text.', 'Third text.'];
    const answers = texts.map((text) => proc.encode(MODEL, { text }));
    proc.testCrash();
    const payloads = await Promise.all(answers);
    assert.deepStrictEqual(
      payloads.map((p) => p.text),
      texts,
      'each request got its own answer',
    );
    assert.strictEqual(proc.starts, 2);
    const crash = notices.find((n) => n.kind === 'crashed');
    assert.deepStrictEqual(crash, { kind: 'crashed', detail: 'signal SIGABRT', resent: 3 });
  });

  test('a text two processes died on fails with a crash error, instead of crashing them for ever', async () => {
    const notices: EncoderNotice[] = [];
    const { proc } = started({
      onNotice: (n) => {
        notices.push(n);
        // the process that gets the request again dies too
        if (n.kind === 'crashed' && notices.filter((x) => x.kind === 'crashed').length === 1) proc.testCrash();
      },
    });
    const answer = proc.encode(MODEL, { text: TEXT });
    proc.testCrash();
    await rejectsWith(answer, 'crashed', /stopped \(signal SIGABRT\) twice while running this text/);
    assert.strictEqual((await proc.encode(MODEL, { text: 'Next.' })).text, 'Next.', 'the next request works');
  });

  test('a run over the time limit is stopped: that request fails as hung, the others and the next are answered', async () => {
    const { proc, notices } = started({ runLimitMs: 1500 });
    await proc.encode(MODEL, { text: 'Warm up.' }); // the model loads before the limit counts
    proc.testHang(30_000);
    const stuck = proc.encode(MODEL, { text: 'This one hangs.' });
    const after = proc.encode(MODEL, { text: 'This one waits behind it.' });
    await rejectsWith(stuck, 'hung', /took more than 2 s on this text and was stopped/);
    assert.strictEqual((await after).text, 'This one waits behind it.');
    assert.strictEqual((await proc.encode(MODEL, { text: 'And the next.' })).text, 'And the next.');
    assert.ok(notices.some((n) => n.kind === 'hung' && n.limitMs === 1500));
    assert.ok(!notices.some((n) => n.kind === 'crashed'), 'a hang stopped on purpose is not reported as a crash');
    assert.strictEqual(proc.starts, 2);
  });

  test('a request that does not start within the start limit (a model load that hangs) fails as hung; the next is answered', async () => {
    const { proc, notices } = started();
    await proc.encode(MODEL, { text: 'Warm up.' }); // starting the process under tsx takes seconds
    proc.startLimitMs = 1500;
    proc.testHang(30_000, 'load');
    const stuck = proc.encode(MODEL, { text: 'This one never starts.' });
    await rejectsWith(stuck, 'hung', /did not start on this text within 2 s \(loading the model\?\) and was stopped/);
    proc.startLimitMs = 20_000; // the new process starts and loads its model again
    assert.strictEqual((await proc.encode(MODEL, { text: 'And the next.' })).text, 'And the next.');
    assert.ok(notices.some((n) => n.kind === 'hung' && n.limitMs === 1500));
    assert.strictEqual(proc.starts, 2);
  });

  test('without requests for idleMs the process exits; the next request starts another', async () => {
    const { proc, notices } = started({ idleMs: 300 });
    await proc.encode(MODEL, { text: TEXT });
    const pid = proc.pid;
    await until(() => !proc.running, 'the idle process has exited');
    assert.ok(!notices.some((n) => n.kind === 'crashed'), 'an idle exit is not a crash');
    assert.strictEqual((await proc.encode(MODEL, { text: 'Back again.' })).text, 'Back again.');
    assert.strictEqual(proc.starts, 2);
    assert.notStrictEqual(proc.pid, pid);
  });

  test('a model that is refused falls back to the bundled one, and the notice says why', async () => {
    const { proc, notices } = started();
    const fused = path.resolve(__dirname, '../fixtures/byo-models/fused-attention/model.onnx');
    const payload = await proc.encode(
      { ...MODEL, custom: { name: 'fused', modelPath: fused, tokenizerPath: BUNDLED.tokenizerPath } },
      { text: TEXT },
    );
    assert.strictEqual(payload.modelName, BUNDLED.name);
    const loaded = notices.find((n) => n.kind === 'loaded');
    assert.ok(
      loaded?.kind === 'loaded' &&
        /fused into 2 com\.microsoft Attention nodes/.test(loaded.customRefused ? modelProblemEnglish(loaded.customRefused) : ''),
      JSON.stringify(loaded),
    );
  });

  test('after dispose, requests fail at once and no process is left', async () => {
    const { proc } = started();
    await proc.encode(MODEL, { text: TEXT });
    await proc.dispose();
    assert.strictEqual(proc.running, false);
    await rejectsWith(proc.encode(MODEL, { text: TEXT }), 'stopped', /shut down/);
  });

  test('a lab is computed in the process, as it would be in the extension host, and in the display language', async () => {
    const model: ModelChoice = { ...MODEL, decoder: DECODER };
    const piecesPath = path.join(path.dirname(BUNDLED.tokenizerPath), 'bpe_pieces.json');
    const request = { lab: 'which-heads' as const, params: { token: 3 }, text: TEXT, piecesPath, language: 'en' };
    const { proc } = started();
    const remote = await proc.runLab(model, request);
    const runtime = await loadRuntime();
    const core = await EncoderCore.load(BUNDLED, runtime);
    try {
      const local = await runLab(core, request.lab, request.params, request.text, piecesPath, {
        language: 'en',
        decoder: () => Promise.reject(new Error('not needed')),
        bundled: () => Promise.resolve(core),
        isBundled: true,
      });
      assert.deepStrictEqual(remote, local, 'the same blocks, numbers and words');
    } finally {
      await core.release();
    }
    // the decoder's labs load the bundled decoder beside the encoder; the text is the bundle's Chinese
    const zh = started({ l10nBundle: path.resolve(__dirname, '../../l10n/bundle.l10n.zh-cn.json') }).proc;
    const induction = await zh.runLab(model, { ...request, lab: 'induction', params: {}, language: 'zh-cn' });
    assert.match(induction.title, /[\u4e00-\u9fff]/, `a Chinese title: ${induction.title}`);
    assert.ok(
      induction.blocks.some((b) => b.kind === 'heatmaps'),
      'the strongest induction head’s map',
    );
    assert.strictEqual(proc.starts + zh.starts, 2, 'one process each, for encodes and labs alike');
  });

  test('a quiz’s model items are computed in the process: the facts the in-process source gives for the same seed, in order', async () => {
    const model: ModelChoice = { ...MODEL, decoder: DECODER };
    const live = { text: TEXT, source: 'selection' as const, cut: false };
    const templates: ModelTemplate[] = ['most-attended', 'next-token', 'mlm-top1', 'causal-sees'];
    const { proc } = started();
    const remote = await proc.quizFacts(model, { live, seed: 7, templates });
    const runtime = await loadRuntime();
    const [core, decoder] = [await EncoderCore.load(BUNDLED, runtime), await DecoderCore.load(DECODER, runtime)];
    try {
      const source = new LiveItemSource(core, live, seededRandom(7), () => Promise.resolve(decoder));
      for (const [i, template] of templates.entries()) {
        const local = await source.facts(template);
        assert.deepStrictEqual(remote[i], { ok: true, facts: local.facts, tokens: [...local.tokens] }, template);
      }
    } finally {
      await core.release();
      await decoder.release();
    }
    // a template the text cannot carry says so, and the others are still answered
    const short = await proc.quizFacts(model, { live: { ...live, text: 'Hi.' }, seed: 1, templates: ['causal-sees', 'most-attended'] });
    assert.strictEqual(short.length, 2);
    assert.deepStrictEqual(
      short.map((a) => a.ok),
      [false, true],
    );
    assert.strictEqual(short[0].ok === false && short[0].notApplicable, true);
  });
});
