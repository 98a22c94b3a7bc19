import * as assert from 'node:assert';
import { readFileSync } from 'node:fs';
import { Tokenizer } from '@huggingface/tokenizers';
import { alignTokens, preTokenize } from '../../src/shared/tokenAlignment';
import { BUNDLED } from './modelFiles';

const tokenizer = new Tokenizer(JSON.parse(readFileSync(BUNDLED.tokenizerPath, 'utf8')), {});

/** Each token's span, read back from the text, must spell the token (## stripped) or be a whole [UNK] word. */
function check(text: string) {
  const enc = tokenizer.encode(text, { add_special_tokens: false });
  const spans = alignTokens(text, enc.tokens);
  assert.strictEqual(spans.length, enc.tokens.length);
  enc.tokens.forEach((tok, i) => {
    const piece = text.slice(spans[i].start, spans[i].end);
    if (tok === '[UNK]') assert.ok(piece.length > 0, 'UNK covers its word');
    else
      assert.strictEqual(
        [...piece].filter((c) => !/[\p{Cf}\p{Cc}]/u.test(c) || c === '\t').join(''),
        tok.replace(/^##/, ''),
        `token ${i} "${tok}"`,
      );
    if (i > 0) assert.ok(spans[i].start >= spans[i - 1].end, 'spans are ordered and disjoint');
  });
  return { tokens: enc.tokens, spans };
}

suite('token alignment', () => {
  test('prose', () => {
    const { tokens, spans } = check('The attention weights sum to one.');
    assert.deepStrictEqual(spans[0], { start: 0, end: 3 });
    assert.strictEqual(tokens[tokens.length - 1], '.');
  });

  test('code with identifiers, brackets and indentation', () => {
    const text = 'def forward(self, x):\n\tscores = q @ k.transpose(-2, -1) / math.sqrt(d_k)';
    const { tokens, spans } = check(text);
    const i = tokens.indexOf('forward');
    assert.strictEqual(text.slice(spans[i].start, spans[i].end), 'forward');
  });

  test('Chinese: one token per character, with the right offsets', () => {
    const text = '多头注意力，让模型关注不同位置。';
    const { tokens, spans } = check(text);
    assert.strictEqual(tokens[0], '多');
    assert.deepStrictEqual(spans[2], { start: 2, end: 3 });
  });

  test('emoji (surrogate pairs, ZWJ sequences) keep UTF-16 offsets', () => {
    const text = 'ok 👍🏽 then 👨‍👩‍👧 done';
    const { tokens, spans } = check(text);
    const last = tokens.length - 1;
    assert.strictEqual(text.slice(spans[last].start, spans[last].end), 'done');
  });

  test('CRLF, tabs, right-to-left text and accents', () => {
    const text = 'line one\r\n\tcafé naïve\r\nمرحبا بالعالم שלום';
    const { spans } = check(text);
    assert.strictEqual(text.slice(spans[spans.length - 1].start, spans[spans.length - 1].end).length > 0, true);
  });

  test('special tokens typed in the text are matched literally', () => {
    const text = 'The [MASK] sat on the mat.';
    const { tokens, spans } = check(text.replace('[MASK]', 'cat')); // baseline
    assert.ok(tokens.length > 3 && spans.length === tokens.length);
    const enc = tokenizer.encode(text, { add_special_tokens: false });
    const s = alignTokens(text, enc.tokens);
    const m = enc.tokens.indexOf('[MASK]');
    assert.ok(m > 0, 'tokenizer keeps [MASK] whole');
    assert.strictEqual(text.slice(s[m].start, s[m].end), '[MASK]');
  });

  test('every ASCII character, between two words, splits, joins or is dropped as the tokenizer does', () => {
    // ASCII is classified from a table rather than by the regexes used for the rest: check it all
    for (let cp = 0; cp < 128; cp++) {
      const text = `ab${String.fromCharCode(cp)}cd ef`;
      const { spans } = check(text);
      assert.strictEqual(spans[spans.length - 1].end, text.length, `with U+${cp.toString(16).padStart(4, '0')}`);
    }
  });

  test('pre-tokenisation drops control characters without splitting words', () => {
    const words = preTokenize('ab\u200bcd e');
    assert.strictEqual(words.length, 2);
    assert.deepStrictEqual([words[0].start, words[0].end], [0, 5]);
  });
});
