import * as assert from 'node:assert';
import { readFileSync } from 'node:fs';
import { onnx } from 'onnx-proto';
import type * as Ort from 'onnxruntime-node';
import { EncoderCore, SESSION_OPTIONS } from '../../src/host/encoder/encoderCore';
import { ModelFormatError, restrictOutputs } from '../../src/host/encoder/onnxGraph';
import { loadRuntime } from '../../src/host/encoder/runtime';
import { BUNDLED } from './modelFiles';

const VIEW = [0, 1, 2, 3].flatMap((l) => [`attn_${l}`, `q_${l}`, `k_${l}`, `v_${l}`]);

suite('the view graph: the bundled model pruned to what the views draw', () => {
  const full = readFileSync(BUNDLED.modelPath);
  let pruned: Uint8Array;
  let ort: typeof Ort;
  suiteSetup(async () => {
    pruned = await restrictOutputs(full, VIEW);
    ort = (await loadRuntime()).ort as typeof Ort;
  });

  test('keeps exactly the named outputs, and drops the MLM and NSP heads with their weights', () => {
    const before = onnx.ModelProto.decode(full).graph!;
    const after = onnx.ModelProto.decode(pruned).graph!;
    assert.deepStrictEqual((after.output ?? []).map((o) => o.name).sort(), [...VIEW].sort());
    assert.ok(after.node!.length < before.node!.length, `${after.node!.length} nodes of ${before.node!.length}`);
    const produced = new Set(after.node!.flatMap((n) => n.output ?? []));
    for (const gone of ['mlm_logits', 'nsp_logits', 'hidden_4']) assert.ok(!produced.has(gone), `${gone} is no longer computed`);
    const weights = new Set((after.initializer ?? []).map((t) => t.name));
    assert.ok(
      ![...weights].some((w) => /mlm|nsp|pool/.test(w ?? '')),
      `no head weights left: ${[...weights].filter((w) => /mlm|nsp|pool/.test(w ?? ''))}`,
    );
    // every declared input stays, so callers feed the same tensors to either graph
    assert.deepStrictEqual(
      after.input!.map((i) => i.name),
      before.input!.map((i) => i.name),
    );
  });

  test('gives the same numbers as the whole graph', async () => {
    const [a, b] = await Promise.all([
      ort.InferenceSession.create(full, SESSION_OPTIONS),
      ort.InferenceSession.create(pruned, SESSION_OPTIONS),
    ]);
    try {
      const T = 9;
      const ids = BigInt64Array.from([2, 120, 340, 560, 780, 900, 1100, 1300, 3].map(BigInt));
      const feeds = {
        input_ids: new ort.Tensor('int64', ids, [1, T]),
        token_type_ids: new ort.Tensor('int64', new BigInt64Array(T), [1, T]),
        attention_mask: new ort.Tensor('int64', BigInt64Array.from([1, 1, 1, 1, 1, 1, 1, 0, 0].map(BigInt)), [1, T]),
        pos_scale: new ort.Tensor('float32', Float32Array.of(1), [1]),
        ...maskAndLens(ort),
      };
      const [ra, rb] = [await a.run(feeds, VIEW), await b.run(feeds, VIEW)];
      for (const name of VIEW) {
        const [x, y] = [ra[name].data as Float32Array, rb[name].data as Float32Array];
        assert.deepStrictEqual(rb[name].dims, ra[name].dims, name);
        let worst = 0;
        for (let i = 0; i < x.length; i++) worst = Math.max(worst, Math.abs(x[i] - y[i]));
        assert.ok(worst <= 1e-6, `${name}: max abs diff ${worst}`);
      }
    } finally {
      await Promise.all([a.release(), b.release()]);
    }
  });

  test('stacks: per-layer outputs joined along the first axis into one output, layer after layer', async () => {
    const attn = [0, 1, 2, 3].map((l) => `attn_${l}`);
    const stacked = await restrictOutputs(full, attn, [{ name: 'all_attn', parts: attn }]);
    assert.deepStrictEqual(
      onnx.ModelProto.decode(stacked).graph!.output!.map((o) => o.name),
      ['all_attn'],
    );
    const [a, b] = [
      await ort.InferenceSession.create(pruned, SESSION_OPTIONS),
      await ort.InferenceSession.create(stacked, SESSION_OPTIONS),
    ];
    try {
      const T = 5;
      const feeds = {
        input_ids: new ort.Tensor('int64', BigInt64Array.from([2, 120, 340, 560, 3].map(BigInt)), [1, T]),
        token_type_ids: new ort.Tensor('int64', new BigInt64Array(T), [1, T]),
        attention_mask: new ort.Tensor('int64', BigInt64Array.from([1, 1, 1, 1, 1].map(BigInt)), [1, T]),
        pos_scale: new ort.Tensor('float32', Float32Array.of(1), [1]),
        ...maskAndLens(ort),
      };
      const [ra, rb] = [await a.run(feeds, attn), await b.run(feeds, ['all_attn'])];
      assert.deepStrictEqual(rb.all_attn.dims, [4, ra.attn_0.dims[1], T, T]);
      const size = ra.attn_0.data.length;
      attn.forEach((name, l) =>
        assert.deepStrictEqual((rb.all_attn.data as Float32Array).subarray(l * size, (l + 1) * size), ra[name].data, name),
      );
    } finally {
      await Promise.all([a.release(), b.release()]);
    }
    // a stack of an output that is not kept, or under a name the model already uses, is refused
    await assert.rejects(restrictOutputs(full, ['attn_0'], [{ name: 'x', parts: ['attn_0', 'attn_1'] }]), ModelFormatError);
    await assert.rejects(
      restrictOutputs(full, attn, [{ name: 'q_0', parts: attn }]),
      (e: unknown) => e instanceof ModelFormatError && /q_0/.test(e.message),
    );
  });

  test('an output the model does not have is a ModelFormatError naming it', async () => {
    await assert.rejects(
      restrictOutputs(full, ['attn_0', 'attn_9']),
      (e: unknown) => e instanceof ModelFormatError && /attn_9/.test(e.message),
    );
  });

  test('EncoderCore still answers for outputs outside the view graph (MLM, NSP, hidden states), alone or mixed with attention', async () => {
    const core = await EncoderCore.load(BUNDLED, await loadRuntime());
    try {
      const p = core.prepare({ text: 'The cat sat on the mat.' });
      const feeds = core.feeds(
        p.ids,
        p.sequence.map((t) => t.segment),
      );
      const T = p.ids.length;
      const mixed = await core.run(feeds, ['attn_0', 'mlm_logits', 'nsp_logits', 'hidden_4']);
      assert.deepStrictEqual(mixed.mlm_logits.dims, [1, T, core.config.vocab_size]);
      assert.deepStrictEqual(mixed.nsp_logits.dims, [1, 2]);
      const viewOnly = await core.run(feeds, ['attn_0']);
      assert.deepStrictEqual([...viewOnly.attn_0.data], [...mixed.attn_0.data], 'the same attention from either graph');
    } finally {
      await core.release();
    }
  });
});

/** The bundled graph's head_mask (every head kept) and lens_position inputs, which every run feeds. */
function maskAndLens(ort: typeof Ort): Record<string, Ort.Tensor> {
  const config = JSON.parse(readFileSync(BUNDLED.configPath!, 'utf8'));
  return {
    head_mask: new ort.Tensor('float32', Float32Array.from(config.input_defaults.head_mask.flat()), [config.num_layers, config.num_heads]),
    lens_position: new ort.Tensor('int64', BigInt64Array.of(0n), [1]),
  };
}
