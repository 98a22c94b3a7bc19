import * as assert from 'node:assert';
import { EncoderCore } from '../../src/host/encoder/encoderCore';
import { loadRuntime } from '../../src/host/encoder/runtime';
import {
  addLayers,
  firstOfWire,
  fromWire,
  layerOfWire,
  layersFirst,
  layersOfWire,
  toWire,
  WIRE_TOLERANCE,
} from '../../src/shared/attentionWire';
import type { EncodingPayload } from '../../src/shared/encoding';
import { BUNDLED } from './modelFiles';

const worstDiff = (a: Float32Array, b: Float32Array) => a.reduce((m, x, i) => Math.max(m, Math.abs(x - b[i])), 0);

suite('attention on its way into the webview', () => {
  let core: EncoderCore;
  suiteSetup(async () => {
    core = await EncoderCore.load(BUNDLED, await loadRuntime());
  });

  test('the bundled model at 512 tokens: every weight back within 1/131070, every row summing to 1, in half the bytes', async () => {
    const text = Array.from({ length: 60 }, (_, i) => `On day ${i} my mother made coffee before the rain.`).join(' ');
    const p = await core.encode({ text });
    assert.ok(p.tokens.length >= 500, `only ${p.tokens.length} tokens`);
    const wire = toWire(p);
    assert.strictEqual(wire.attention16.byteLength * 2, p.attention.byteLength);
    const back = fromWire(wire).payload;
    assert.ok(worstDiff(back.attention, p.attention) <= WIRE_TOLERANCE + 1e-7);
    const t = p.tokens.length;
    for (let row = 0; row < p.attention.length / t; row += 97) {
      let sum = 0;
      for (let j = 0; j < t; j++) sum += back.attention[row * t + j];
      assert.ok(Math.abs(sum - 1) < t * WIRE_TOLERANCE + 1e-5, `row ${row} sums to ${sum}`);
    }
  });

  test('q/k/v, logits and the rest arrive as they were; the partner goes the same way', () => {
    const small = (n: number, f: (i: number) => number) => Float32Array.from({ length: n }, (_, i) => f(i));
    const shape = {
      text: 'ab',
      textOffset: 3,
      source: 'selection' as const,
      tokens: [
        { text: '[CLS]', start: 0, end: 0, segment: 0 as const, special: true },
        { text: 'ab', start: 0, end: 2, segment: 0 as const, special: false },
      ],
      numLayers: 1,
      numHeads: 1,
      headDim: 2,
    };
    const p: EncodingPayload = {
      ...shape,
      attention: Float32Array.from([0.25, 0.75, 1.0000001, -1e-8]),
      q: small(4, (i) => i - 1.5),
      k: small(4, (i) => i * 3.25),
      v: small(4, (i) => -i),
      modelName: 'tiny-bert',
      partner: {
        ...shape,
        attention: Float32Array.from([1, 0, 0.5, 0.5]),
        modelName: 'tiny-gpt',
        causal: true,
        next: { logits: small(3, (i) => i * 0.1), top: [{ id: 2, text: 'c' }] },
      },
    };
    const back = fromWire(toWire(p)).payload;
    // a softmax's rounding past 0 or 1 is clamped, not wrapped round 16 bits
    assert.deepStrictEqual(Array.from(back.attention), [0.25, 0.75, 1, 0].map((x) => Math.round(x * 65535) / 65535).map(Math.fround));
    assert.deepStrictEqual(back.q, p.q);
    assert.deepStrictEqual(back.k, p.k);
    assert.deepStrictEqual(back.v, p.v);
    assert.deepStrictEqual({ ...back, attention: 0, q: 0, k: 0, v: 0, partner: 0 }, { ...p, attention: 0, q: 0, k: 0, v: 0, partner: 0 });
    assert.strictEqual(back.partner?.causal, true);
    assert.deepStrictEqual(back.partner?.next, p.partner?.next);
    assert.deepStrictEqual(
      Array.from(back.partner!.attention),
      [1, 0, 0.5, 0.5].map((x) => Math.fround(Math.round(x * 65535) / 65535)),
    );
  });

  test('the layer on show comes alone, others follow when asked for and fold in: the same attention as all at once', async () => {
    const enc = await core.encode({ text: 'She said that her brother would bring the cake.' });
    const p = { ...enc, partner: { ...enc, modelName: 'other', attention: enc.attention.map((x) => x / 2) } };
    const wire = toWire(p);
    assert.strictEqual(firstOfWire(wire), wire, 'every layer: the encoding as it is');
    const first = firstOfWire(wire, [2]);
    assert.deepStrictEqual(first.layers, [2]);
    assert.deepStrictEqual(first.partner?.layers, [2]);
    const size = p.numHeads * p.tokens.length ** 2;
    assert.strictEqual(first.attention16.length, size, 'one layer posted');
    const { payload, missing } = fromWire(first);
    assert.deepStrictEqual(missing, [0, 1, 3]);
    assert.ok(
      payload.attention.subarray(0, size).every((x) => x === 0),
      'a layer not yet sent is zeros',
    );
    assert.ok(worstDiff(payload.attention.subarray(2 * size, 3 * size), p.attention.subarray(2 * size, 3 * size)) <= WIRE_TOLERANCE + 1e-7);
    assert.strictEqual(
      first.attention16.buffer.byteLength,
      first.attention16.byteLength,
      'a buffer of its own: a view posts its whole buffer',
    );
    const rest = layersOfWire(wire, [0, 1, 3, 7])!;
    assert.deepStrictEqual(rest.layers, [0, 1, 3]);
    addLayers(payload, rest);
    const whole = fromWire(toWire(p)).payload;
    assert.deepStrictEqual(payload.attention, whole.attention);
    assert.deepStrictEqual(payload.partner?.attention, whole.partner?.attention);
    assert.strictEqual(layersOfWire(first, [0, 1]), undefined, 'none of the layers asked for is in it');
    // the host's editor shading: one layer back in float32
    const one = layerOfWire(wire, 3);
    assert.strictEqual(one.numLayers, 1);
    assert.deepStrictEqual(one.attention, whole.attention.subarray(3 * size, 4 * size));
    assert.throws(() => layerOfWire(first, 0), /layer 1 is not in this encoding|layer 0 is not in this encoding/);
    assert.throws(() => addLayers(payload, { layers: [5], attention16: rest.attention16.subarray(0, size) }), /do not fit/);
    assert.throws(() => addLayers(payload, { layers: [0], attention16: new Uint16Array(3) }), /do not fit/);
  });

  test('the views of one layer ask for it first; the model view, rollout and labs need every layer', () => {
    assert.deepStrictEqual(layersFirst('head', 2, 4), [2]);
    assert.deepStrictEqual(layersFirst('matrix', 0, 4), [0]);
    assert.deepStrictEqual(layersFirst('step', 9, 4), [3], 'a layer past the model (another model was shown) is its last');
    assert.strictEqual(layersFirst('model', 1, 4), undefined);
    assert.strictEqual(layersFirst('rollout', 1, 4), undefined);
    assert.strictEqual(layersFirst('labs', 1, 4), undefined);
  });
});
