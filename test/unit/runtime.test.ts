import * as assert from 'node:assert';
import { EncoderCore } from '../../src/host/encoder/encoderCore';
import { loadRuntime } from '../../src/host/encoder/runtime';
import { BUNDLED } from './modelFiles';

function maxAbsDiff(a: Float32Array | undefined, b: Float32Array | undefined): number {
  assert.ok(a && b && a.length === b.length, 'both present, same length');
  let worst = 0;
  for (let i = 0; i < a.length; i++) worst = Math.max(worst, Math.abs(a[i] - b[i]));
  return worst;
}

suite('runtime: the WASM fallback (forced)', () => {
  let native: EncoderCore;
  let wasm: EncoderCore;
  suiteSetup(async () => {
    native = await EncoderCore.load(BUNDLED, await loadRuntime());
    wasm = await EncoderCore.load(BUNDLED, await loadRuntime(true));
  });
  suiteTeardown(async () => {
    await native?.release();
    await wasm?.release();
  });

  test('the runtimes say which they are, and why the fallback was used', async () => {
    assert.strictEqual(native.runtime.provider, 'onnxruntime-node (native CPU)');
    assert.strictEqual(native.runtime.fallbackReason, undefined);
    assert.strictEqual(wasm.runtime.provider, 'onnxruntime-web (WASM)');
    assert.match(wasm.runtime.fallbackReason ?? '', /forced/);
    // one WASM thread: no second session for long inputs, whose threads would sleep instead of spin
    assert.strictEqual(await wasm.viewSession('qkv', 512), await wasm.viewSession('qkv', 16));
  });

  test('onnxruntime-web runs the committed model and matches the native result (≤ 1e-4)', async () => {
    for (const text of [
      'The cat sat on the mat because it was tired.',
      'const total = items.reduce((s, x) => s + x, 0);\n\n多头注意力。',
    ]) {
      const [a, b] = [await native.encode({ text }), await wasm.encode({ text })];
      assert.deepStrictEqual(b.tokens, a.tokens);
      for (const key of ['attention', 'q', 'k', 'v'] as const) {
        const diff = maxAbsDiff(a[key], b[key]);
        assert.ok(diff <= 1e-4, `${key}: max abs diff ${diff}`);
      }
    }
  });

  test('the MLM head runs under WASM too', async () => {
    const seq = wasm.prepare({ text: 'The cat [MASK] on the mat.' });
    const feeds = (core: EncoderCore) =>
      core.feeds(
        seq.ids,
        seq.sequence.map((t) => t.segment),
      );
    const [a, b] = [await native.run(feeds(native), ['mlm_logits']), await wasm.run(feeds(wasm), ['mlm_logits'])];
    assert.deepStrictEqual([...b.mlm_logits.dims], [...a.mlm_logits.dims]);
    assert.ok(maxAbsDiff(a.mlm_logits.data, b.mlm_logits.data) <= 1e-3);
  });
});
