import * as assert from 'node:assert';
import { exportTitle } from '../../src/shared/exportTitle';
import { headLines, levelAlpha, lineLevel, strongest } from '../../src/shared/headLines';

const S = {
  exportTitle: '“{0}” · {1} · {2}',
  exportTitleLayer: '{0} · Layer {1} · {2}',
  exportAllHeads: 'all heads',
  exportHeads: 'heads {0}',
};

suite('exports', () => {
  test('the title names the text, model, view, and the layer and heads as the panel numbers them', () => {
    const base = { text: 'The cat  sat\non the mat.', modelName: 'tiny-bert', view: 'Head view', numHeads: 4 };
    assert.strictEqual(
      exportTitle({ ...base, layer: 0, heads: [] }, S),
      '“The cat sat on the mat.” · tiny-bert · Head view · Layer 1 · all heads',
    );
    assert.strictEqual(
      exportTitle({ ...base, layer: 3, heads: [0, 2] }, S),
      '“The cat sat on the mat.” · tiny-bert · Head view · Layer 4 · heads 1, 3',
    );
    assert.strictEqual(
      exportTitle({ ...base, view: 'Model view', heads: [] }, S),
      '“The cat sat on the mat.” · tiny-bert · Model view',
      'every layer shown: none named',
    );
  });

  test('a long text is shortened with an ellipsis', () => {
    const title = exportTitle({ text: 'word '.repeat(40), modelName: 'm', view: 'v', layer: 0, heads: [], numHeads: 1 }, S);
    const quoted = title.slice(1, title.indexOf('”'));
    assert.strictEqual(quoted.length, 60);
    assert.ok(quoted.endsWith('…'));
  });

  test('head lines: a locked query draws its whole row in each head, the strongest line fully', () => {
    const t = 3;
    const attention = new Float32Array(2 * t * t);
    attention.set([0.7, 0.2, 0.1], 1 * t); // head 0, query 1
    attention.set([0.1, 0.1, 0.8], t * t + 1 * t); // head 1, query 1
    const p = { attention, numHeads: 2, tokens: Array.from({ length: t }) as never[] };
    const lines = headLines(p, 0, [0, 1], { side: 'q', index: 1 });
    assert.strictEqual(lines.length, 2 * t);
    const top = strongest(lines);
    assert.ok(Math.abs(top - 0.8) < 1e-6);
    assert.strictEqual(levelAlpha(lineLevel(top, top)), 0.9);
    assert.strictEqual(lineLevel(0.01, top), 0, 'a faint line is not drawn');
  });
});
