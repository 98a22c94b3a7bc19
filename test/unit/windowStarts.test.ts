import * as assert from 'node:assert';
import { backtrackLimit, startQuality, type WindowToken, windowStarts } from '../../src/shared/windowStarts';

/**
 * Tokens of a text written as words separated by spaces, each word as its pieces joined by '|'
 * ("un|##do it" is three tokens over "undo it").
 */
function tokens(spec: string): { text: string; tokens: WindowToken[] } {
  let text = '';
  const out: WindowToken[] = [];
  spec.split(' ').forEach((word, w) => {
    if (w > 0) text += ' ';
    for (const piece of word.split('|')) {
      const surface = piece.replace(/^##/, '');
      out.push({ span: { start: text.length, end: text.length + surface.length }, segment: 0, text: piece });
      text += surface;
    }
  });
  return { text, tokens: out };
}

/** The windows' token lists, for assertions that read like the text. */
function windows(spec: string, cap: number): string[][] {
  const { text, tokens: all } = tokens(spec);
  const starts = windowStarts(all, text, cap);
  return starts.map((s, i) => all.slice(s, starts[i + 1] ?? all.length).map((t) => t.text));
}

suite('windowStarts: where the windows of a long text begin', () => {
  test('a text that fits is one window', () => {
    assert.deepStrictEqual(windowStarts(tokens('a b c').tokens, 'a b c', 3), [0]);
  });

  test('a window that would end inside a word ends before it, and the next starts with the word', () => {
    assert.deepStrictEqual(windows('a b c d e f un|##do|##ne g h', 8), [
      ['a', 'b', 'c', 'd', 'e', 'f'],
      ['un', '##do', '##ne', 'g', 'h'],
    ]);
  });

  test('a full window that ends at a word is kept whole', () => {
    assert.deepStrictEqual(windows('a b c d e f g', 3), [['a', 'b', 'c'], ['d', 'e', 'f'], ['g']]);
  });

  test('a run without spaces starts at punctuation rather than inside a word', () => {
    // "x.foo_bar(" as pieces: no white space anywhere within reach of the cut
    const spec = 'x|.|fo|##o|_|ba|##r|(|y|)';
    const { text, tokens: all } = tokens(spec);
    assert.strictEqual(text, 'x.foo_bar(y)');
    const starts = windowStarts(all, text, 6);
    assert.strictEqual(all[starts[1]].text, 'ba', 'the piece that starts "bar", not its "##r"');
  });

  test('a word longer than a window is cut where the window is full', () => {
    const spec = ['lo', ...Array.from({ length: 20 }, () => '##ng')].join('|');
    assert.deepStrictEqual(windowStarts(tokens(spec).tokens, tokens(spec).text, 8), [0, 8, 16]);
  });

  test('a window never gives up more than backtrackLimit(cap) tokens to start at a word', () => {
    // one space early on, then a long run of pieces: the space is out of reach
    const spec = `a ${['b', ...Array.from({ length: 300 }, () => '##c')].join('|')}`;
    const { text, tokens: all } = tokens(spec);
    const starts = windowStarts(all, text, 200);
    assert.strictEqual(backtrackLimit(200), 50);
    assert.deepStrictEqual(starts, [0, 200], 'cut where the window is full');
  });

  test('every token is in exactly one window, none over the cap, in order', () => {
    const words = Array.from({ length: 400 }, (_, i) => (i % 3 === 0 ? 'pre|##fix|##ed' : i % 5 === 0 ? 'x|.|y' : 'w'));
    const { text, tokens: all } = tokens(words.join(' '));
    for (const cap of [16, 64, 510]) {
      const starts = windowStarts(all, text, cap);
      assert.strictEqual(starts[0], 0);
      starts.forEach((s, i) => {
        const end = starts[i + 1] ?? all.length;
        assert.ok(end > s && end - s <= cap, `cap ${cap}: window ${i} is [${s}, ${end})`);
        if (i > 0) assert.ok(!all[s].text.startsWith('##'), `cap ${cap}: window ${i} starts inside a word`);
      });
    }
  });

  test('the start of sentence B is a word start, even with no space before it', () => {
    const all: WindowToken[] = [
      { span: { start: 0, end: 1 }, segment: 0, text: 'a' },
      { span: { start: 1, end: 2 }, segment: 1, text: '##b' },
    ];
    assert.strictEqual(startQuality(all, 1, 'ab'), 2);
    assert.strictEqual(startQuality([all[0], { ...all[1], segment: 0 }], 1, 'ab'), 0);
  });

  test('a cap below one token is refused', () => {
    assert.throws(() => windowStarts(tokens('a').tokens, 'a', 0), RangeError);
  });
});
