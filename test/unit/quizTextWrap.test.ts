import * as assert from 'node:assert';
import { columns, wrapAtMost, wrapText } from '../../src/shared/quiz/textWrap';

suite('quiz text wrapping for quick-pick rows', () => {
  test('wraps at spaces, never past the width', () => {
    const text = 'Where exactly is the padding mask applied in self-attention, and in which order relative to the softmax?';
    const rows = wrapText(text, 30);
    assert.ok(
      rows.every((r) => columns(r) <= 30),
      rows.join('|'),
    );
    assert.strictEqual(rows.join(' '), text);
  });

  test('CJK counts two columns and may break anywhere', () => {
    const rows = wrapText('缩放点积注意力为什么要除以根号dk？因为点积的方差随维度增长。', 20);
    assert.ok(
      rows.every((r) => columns(r) <= 20),
      rows.join('|'),
    );
    assert.strictEqual(rows.join(''), '缩放点积注意力为什么要除以根号dk？因为点积的方差随维度增长。');
  });

  test('a word longer than a row is hard-broken; at most n rows with an ellipsis', () => {
    assert.deepStrictEqual(wrapText('abcdefghij', 4), ['abcd', 'efgh', 'ij']);
    const rows = wrapAtMost('one two three four five six seven', 9, 2);
    assert.strictEqual(rows.length, 2);
    assert.ok(rows[1].endsWith('…'));
    assert.deepStrictEqual(wrapText('', 10), []);
  });
});
