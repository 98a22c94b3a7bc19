import * as assert from 'node:assert';
import { scopeForCursor } from '../../src/shared/selectionScope';
import { findSegmentBoundary } from '../../src/shared/sentencePair';

suite('empty selection: the line or paragraph around the cursor', () => {
  const lines = [
    'First paragraph, line one.',
    'Line two.',
    '',
    'Second paragraph alone.',
    '   ',
    'Third, line one.',
    'Third, line two.',
    'Third, line three.',
  ];

  test('the paragraph, bounded by blank (or whitespace-only) lines', () => {
    assert.deepStrictEqual(scopeForCursor(lines, 1), { startLine: 0, endLine: 1, source: 'paragraph' });
    assert.deepStrictEqual(scopeForCursor(lines, 6), { startLine: 5, endLine: 7, source: 'paragraph' });
  });

  test('a one-line paragraph is a line', () => {
    assert.deepStrictEqual(scopeForCursor(lines, 3), { startLine: 3, endLine: 3, source: 'line' });
  });

  test('a blank line, or a cursor outside the document, gives nothing', () => {
    assert.strictEqual(scopeForCursor(lines, 2), null);
    assert.strictEqual(scopeForCursor(lines, 4), null);
    assert.strictEqual(scopeForCursor(lines, -1), null);
    assert.strictEqual(scopeForCursor(lines, lines.length), null);
  });

  test('a paragraph longer than the limit gives only the cursor line', () => {
    const long = Array.from({ length: 40 }, (_, i) => `line ${i}`);
    assert.deepStrictEqual(scopeForCursor(long, 17), { startLine: 17, endLine: 17, source: 'line' });
    assert.deepStrictEqual(scopeForCursor(long, 17, 50), { startLine: 0, endLine: 39, source: 'paragraph' });
  });
});

suite('sentence A and sentence B', () => {
  const split = (text: string) => {
    const b = findSegmentBoundary(text);
    return b && [text.slice(0, b.endA), text.slice(b.startB)];
  };

  test('a blank line splits (LF, CRLF, spaces or tabs on the blank line)', () => {
    assert.deepStrictEqual(split('One.\n\nTwo.'), ['One.', 'Two.']);
    assert.deepStrictEqual(split('One.\r\n\r\nTwo.'), ['One.', 'Two.']);
    assert.deepStrictEqual(split('One.\n \t\nTwo.'), ['One.', 'Two.']);
  });

  test('a [SEP] marker splits', () => {
    assert.deepStrictEqual(split('One. [SEP] Two.'), ['One. ', ' Two.']);
  });

  test('the first separator wins; B keeps the rest', () => {
    assert.deepStrictEqual(split('One. [SEP] Two.\n\nThree.'), ['One. ', ' Two.\n\nThree.']);
    assert.deepStrictEqual(split('One.\n\nTwo. [SEP] Three.'), ['One.', 'Two. [SEP] Three.']);
  });

  test('no separator, or nothing on one side, is one segment', () => {
    assert.strictEqual(split('One.\nTwo.'), null);
    assert.strictEqual(split('One.\n\n'), null);
    assert.strictEqual(split('[SEP] Two.'), null);
    assert.strictEqual(split('One. [SEP]  \n'), null);
  });

  test('blank lines before the first words frame the text; a later one still splits', () => {
    assert.deepStrictEqual(split('\n\nOne.\n\nTwo.'), ['\n\nOne.', 'Two.']);
    assert.deepStrictEqual(split('  [SEP] One. [SEP] Two.'), ['  [SEP] One. ', ' Two.']);
  });
});
