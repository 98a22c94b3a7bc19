import * as assert from 'node:assert';
import { EncoderProtocolError, parseFromEncoder } from '../../src/shared/encoderProtocol';

suite('encoder process protocol: messages from the process are checked at the boundary', () => {
  test('messages that fit come back typed', () => {
    assert.deepStrictEqual(parseFromEncoder({ type: 'started', id: 3 }), { type: 'started', id: 3 });
    assert.deepStrictEqual(parseFromEncoder({ type: 'failed', id: 4, kind: 'input', message: 'the text is empty' }), {
      type: 'failed',
      id: 4,
      kind: 'input',
      message: 'the text is empty',
    });
    const payload = { attention16: new Uint16Array(4), layers: [0], tokens: [] };
    assert.strictEqual((parseFromEncoder({ type: 'encoded', id: 5, payload }) as { payload: unknown }).payload, payload);
    const why = { code: 'modelEmpty', args: ['/m.onnx'] };
    assert.deepStrictEqual(parseFromEncoder({ type: 'loaded', model: 'm', provider: 'p', loadMillis: 12, customRefused: why }), {
      type: 'loaded',
      model: 'm',
      provider: 'p',
      loadMillis: 12,
      runtimeFallback: undefined,
      customRefused: why,
    });
    assert.deepStrictEqual(
      parseFromEncoder({
        type: 'failed',
        id: 6,
        kind: 'model',
        message: 'the ONNX file has no graph',
        problem: { code: 'noGraph', args: [] },
      }),
      {
        type: 'failed',
        id: 6,
        kind: 'model',
        message: 'the ONNX file has no graph',
        problem: { code: 'noGraph', args: [] },
      },
    );
  });

  test('a model problem the host cannot name (an unknown code, arguments that are not strings) is left out, the English message kept', () => {
    assert.deepStrictEqual(
      parseFromEncoder({ type: 'failed', id: 2, kind: 'model', message: 'm', problem: { code: 'noSuchCode', args: [] } }),
      { type: 'failed', id: 2, kind: 'model', message: 'm' },
    );
    const loaded = parseFromEncoder({
      type: 'loaded',
      model: 'm',
      provider: 'p',
      loadMillis: 1,
      customRefused: { code: 'modelEmpty', args: [3] },
    });
    assert.strictEqual(loaded.type === 'loaded' && loaded.customRefused, undefined);
  });

  test('a failure of an unknown kind is kept as "other", with its message', () => {
    assert.deepStrictEqual(parseFromEncoder({ type: 'failed', id: 1, kind: 'weird', message: 'x' }), {
      type: 'failed',
      id: 1,
      kind: 'other',
      message: 'x',
    });
  });

  test('messages that do not fit are an EncoderProtocolError that says what was wrong', () => {
    const cases: [unknown, RegExp][] = [
      [null, /not an object/],
      [{ type: 'started' }, /started without a request id/],
      [{ type: 'encoded', id: 1, payload: { attention16: [0.5] } }, /attention is a Uint16Array/],
      [{ type: 'encoded', id: 1, payload: { attention: new Float32Array(1) } }, /attention is a Uint16Array/],
      [{ type: 'loaded', model: 'm' }, /loaded without model, provider and load time/],
      [{ type: 'exploded', id: 1 }, /unknown message type "exploded"/],
    ];
    for (const [raw, message] of cases)
      assert.throws(
        () => parseFromEncoder(raw),
        (e: unknown) => e instanceof EncoderProtocolError && message.test(e.message),
      );
  });
});
