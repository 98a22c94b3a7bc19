import * as assert from 'node:assert';
import { EncoderCore } from '../../src/host/encoder/encoderCore';
import { loadRuntime } from '../../src/host/encoder/runtime';
import { LatestOnly } from '../../src/shared/latestOnly';
import { BUNDLED } from './modelFiles';

/** A promise settled from outside, to decide in the test which request finishes when. */
function deferred<T>() {
  let resolve!: (v: T) => void;
  let reject!: (e: unknown) => void;
  const promise = new Promise<T>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return { promise, resolve, reject };
}

const tick = () => new Promise((r) => setImmediate(r));

/** A LatestOnly whose work waits for the test to settle each request by name. */
function harness() {
  const gates = new Map<string, ReturnType<typeof deferred<string>>>();
  const started: string[] = [];
  const delivered: string[] = [];
  const failed: string[] = [];
  const queue = new LatestOnly<string, string>(
    (req) => {
      started.push(req);
      const d = deferred<string>();
      gates.set(req, d);
      return d.promise;
    },
    (res) => delivered.push(res),
    (err) => failed.push(String(err instanceof Error ? err.message : err)),
  );
  return { queue, gates, started, delivered, failed };
}

suite('LatestOnly: newest request wins', () => {
  test('a slow request superseded by a fast one never delivers', async () => {
    const h = harness();
    h.queue.submit('slow');
    h.queue.submit('fast');
    await tick();
    assert.deepStrictEqual(h.started, ['slow'], 'one request runs at a time');
    h.gates.get('slow')!.resolve('slow result');
    await tick();
    assert.deepStrictEqual(h.started, ['slow', 'fast']);
    h.gates.get('fast')!.resolve('fast result');
    await tick();
    assert.deepStrictEqual(h.delivered, ['fast result']);
    assert.strictEqual(h.queue.busy, false);
  });

  test('requests in between are skipped, not run', async () => {
    const h = harness();
    for (const r of ['a', 'b', 'c', 'd']) h.queue.submit(r);
    await tick();
    h.gates.get('a')!.resolve('A');
    await tick();
    h.gates.get('d')!.resolve('D');
    await tick();
    assert.deepStrictEqual(h.started, ['a', 'd']);
    assert.deepStrictEqual(h.delivered, ['D']);
  });

  test('an error of a superseded request is not reported; the newest one is', async () => {
    const h = harness();
    h.queue.submit('old');
    h.queue.submit('new');
    await tick();
    h.gates.get('old')!.reject(new Error('old failed'));
    await tick();
    assert.deepStrictEqual(h.failed, []);
    h.gates.get('new')!.reject(new Error('new failed'));
    await tick();
    assert.deepStrictEqual(h.failed, ['new failed']);
    assert.deepStrictEqual(h.delivered, []);
  });

  test('cancel() drops the running request, and a later one still runs', async () => {
    const h = harness();
    h.queue.submit('before');
    await tick();
    h.queue.cancel();
    h.gates.get('before')!.resolve('stale');
    await tick();
    assert.deepStrictEqual(h.delivered, []);
    h.queue.submit('after');
    await tick();
    h.gates.get('after')!.resolve('fresh');
    await tick();
    assert.deepStrictEqual(h.delivered, ['fresh']);
  });

  test('a callback that throws does not stop later requests', async () => {
    let delivered = 0;
    const errors: unknown[] = [];
    const queue = new LatestOnly<number, number>(
      async (n) => n,
      (n) => {
        delivered++;
        if (n === 1) throw new Error('drawing failed');
      },
      (e) => errors.push(e),
    );
    queue.submit(1);
    await tick();
    queue.submit(2);
    await tick();
    assert.strictEqual(delivered, 2);
    assert.strictEqual(errors.length, 1, 'the throw is reported once');
  });

  test('thousands of submits while one runs keep one pending request: only the first and the last run', async () => {
    const h = harness();
    for (let i = 0; i < 5000; i++) h.queue.submit(`r${i}`);
    await tick();
    h.gates.get('r0')!.resolve('r0');
    await tick();
    assert.deepStrictEqual(h.started, ['r0', 'r4999']);
    h.gates.get('r4999')!.resolve('r4999');
    await tick();
    assert.deepStrictEqual(h.delivered, ['r4999']);
  });

  test('thousands of rounds deliver every newest result, in order, and leave nothing running', async () => {
    const delivered: number[] = [];
    const queue = new LatestOnly<number, number>(
      async (n) => n,
      (n) => delivered.push(n),
      () => assert.fail('no errors'),
    );
    for (let i = 0; i < 3000; i++) {
      queue.submit(i);
      if (i % 3 === 2) await tick();
    }
    await tick();
    assert.strictEqual(queue.busy, false);
    assert.ok(
      delivered.every((n, i) => i === 0 || n > delivered[i - 1]),
      'never an older result after a newer one',
    );
    assert.strictEqual(delivered.at(-1), 2999);
  });

  test('with the real encoder: a slow 512-token request superseded by a short one never wins', async () => {
    const core = await EncoderCore.load(BUNDLED, await loadRuntime());
    try {
      const long = Array.from({ length: 120 }, (_, i) => `Line ${i} of a long selection.`).join('\n');
      const short = 'The cat sat.';
      const delivered: string[] = [];
      const done = deferred<void>();
      const queue = new LatestOnly(
        (text: string) => core.encode({ text }),
        (p) => {
          delivered.push(p.text);
          done.resolve();
        },
        (e) => done.reject(e),
      );
      queue.submit(long);
      queue.submit(short);
      await done.promise;
      while (queue.busy) await tick();
      assert.deepStrictEqual(delivered, [short]);
    } finally {
      await core.release();
    }
  });
});
