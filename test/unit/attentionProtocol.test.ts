import * as assert from 'node:assert';
import { parseWebviewMessage, ProtocolError } from '../../src/shared/protocol';

suite('attention webview protocol', () => {
  test('messages that fit come back typed, with nothing but their own fields', () => {
    assert.deepStrictEqual(
      parseWebviewMessage({ type: 'rendered', view: 'matrix', tokens: 12, millis: 3.5, theme: 'vscode-dark', extra: { a: 1 } }),
      {
        type: 'rendered',
        view: 'matrix',
        tokens: 12,
        millis: 3.5,
        theme: 'vscode-dark',
      },
    );
    assert.deepStrictEqual(parseWebviewMessage({ type: 'lockToken', index: null, layer: 2, heads: [0, 3] }), {
      type: 'lockToken',
      index: null,
      layer: 2,
      heads: [0, 3],
    });
    assert.deepStrictEqual(parseWebviewMessage({ type: 'viewShown', view: 'matrix', layer: 2 }), {
      type: 'viewShown',
      view: 'matrix',
      layer: 2,
    });
    assert.deepStrictEqual(parseWebviewMessage({ type: 'viewShown', view: 'model' }), { type: 'viewShown', view: 'model' });
    assert.deepStrictEqual(parseWebviewMessage({ type: 'needLayers', requestId: 7, layers: [1, 3], x: 1 }), {
      type: 'needLayers',
      requestId: 7,
      layers: [1, 3],
    });
    assert.deepStrictEqual(
      parseWebviewMessage({ type: 'rendered', view: 'head', tokens: 5, millis: 2, theme: 'vscode-light', requestId: 4, arrivedAt: 1.5e12 }),
      { type: 'rendered', view: 'head', tokens: 5, millis: 2, theme: 'vscode-light', requestId: 4, arrivedAt: 1.5e12 },
    );
    assert.deepStrictEqual(parseWebviewMessage({ type: 'runLab', requestId: 3, lab: 'scale-sqrt-dk', params: { layer: 1, junk: 'x' } }), {
      type: 'runLab',
      requestId: 3,
      lab: 'scale-sqrt-dk',
      params: { layer: 1 },
    });
  });

  test('messages that do not fit are a ProtocolError that says what was wrong', () => {
    const cases: [unknown, RegExp][] = [
      [null, /not an object/],
      [['ready'], /not an object/],
      [{ type: 'eval', code: '1' }, /unknown message type "eval"/],
      [{ type: 'rendered', view: 'head', tokens: 3, millis: 1 }, /theme/],
      [{ type: 'rendered', view: 'head', tokens: 3, millis: 1, theme: 'x'.repeat(65) }, /theme/],
      [{ type: 'rendered', view: 'chart', tokens: 3, millis: 1, theme: 'vscode-light' }, /view/],
      [{ type: 'lockToken', index: 'x', layer: 0, heads: [] }, /lockToken.index/],
      [{ type: 'lockToken', index: 1, layer: 0, heads: [-1] }, /lockToken.heads/],
      [{ type: 'moveWindow', delta: 2 }, /moveWindow.delta/],
      [{ type: 'openQuestion', id: '../../etc/passwd' }, /question id/],
      [{ type: 'runLab', requestId: 1, lab: 'rm-rf', params: {} }, /lab id/],
      [{ type: 'runLab', requestId: 1, lab: 'scale-sqrt-dk', params: { head: 1000 } }, /params.head/],
      [{ type: 'runLab', lab: 'scale-sqrt-dk', params: {} }, /runLab.requestId/],
      [{ type: 'runLab', requestId: 1, lab: 'which-heads', params: { off: [1, 'x'] } }, /params.off/],
      [{ type: 'runLab', requestId: 1, lab: 'compare', params: { swap: -3 } }, /params.swap/],
      [{ type: 'runLab', requestId: 1, lab: 'compare', params: { swapText: 'a\nb' } }, /params.swapText/],
      [{ type: 'runLab', requestId: 1, lab: 'compare', params: { swapText: 'x'.repeat(41) } }, /params.swapText/],
      [{ type: 'setModel', model: 'gpt-4' }, /setModel.model/],
      [{ type: 'setModel' }, /setModel.model/],
      [{ type: 'runLab', requestId: 1, lab: 'decoding', params: { temperature: 0 } }, /params.temperature/],
      [{ type: 'runLab', requestId: 1, lab: 'decoding', params: { temperature: 'hot' } }, /params.temperature/],
      [{ type: 'runLab', requestId: 1, lab: 'decoding', params: { topK: 2.5 } }, /params.topK/],
      [{ type: 'runLab', requestId: 1, lab: 'decoding', params: { topP: 1.5 } }, /params.topP/],
      [{ type: 'runLab', requestId: 1, lab: 'decoding', params: { topP: Number.NaN } }, /params.topP/],
      [{ type: 'lockToken', index: 1, layer: 0, heads: [], words: 'yes' }, /lockToken.words/],
      [{ type: 'viewShown', view: 'head', layer: -1 }, /viewShown.layer/],
      [{ type: 'needLayers', requestId: 1, layers: [0, 'all'] }, /needLayers.layers/],
      [{ type: 'needLayers', requestId: 1, layers: Array.from({ length: 65 }, (_, l) => l) }, /needLayers.layers/],
      [{ type: 'needLayers', layers: [1] }, /needLayers.requestId/],
      [{ type: 'viewShown', view: 'head', layer: '2' }, /viewShown.layer/],
      [{ type: 'rendered', view: 'head', tokens: 3, millis: 1, theme: 'x', requestId: 'one' }, /rendered.requestId/],
    ];
    for (const [raw, reason] of cases) {
      assert.throws(
        () => parseWebviewMessage(raw),
        (e: unknown) => e instanceof ProtocolError && reason.test(e.message),
        JSON.stringify(raw),
      );
    }
  });

  test('the new labs’ parameters and the words lock pass through when well formed', () => {
    assert.deepStrictEqual(
      parseWebviewMessage({ type: 'runLab', requestId: 2, lab: 'compare', params: { token: 4, swapText: '  motorway ' } }),
      {
        type: 'runLab',
        requestId: 2,
        lab: 'compare',
        params: { token: 4, swapText: 'motorway' },
      },
    );
    assert.deepStrictEqual(
      parseWebviewMessage({ type: 'runLab', requestId: 2, lab: 'which-heads', params: { off: [0, 5] } }).type,
      'runLab',
    );
    for (const model of ['encoder', 'decoder', 'both'] as const)
      assert.deepStrictEqual(parseWebviewMessage({ type: 'setModel', model, extra: 1 }), { type: 'setModel', model });
    assert.deepStrictEqual(
      parseWebviewMessage({ type: 'runLab', requestId: 4, lab: 'decoding', params: { temperature: 0.7, topK: 50, topP: 0.8, seed: 2 } }),
      { type: 'runLab', requestId: 4, lab: 'decoding', params: { seed: 2, temperature: 0.7, topK: 50, topP: 0.8 } },
    );
    assert.deepStrictEqual(parseWebviewMessage({ type: 'lockToken', index: 3, layer: 1, heads: [0], words: true }), {
      type: 'lockToken',
      index: 3,
      layer: 1,
      heads: [0],
      words: true,
    });
  });
});
