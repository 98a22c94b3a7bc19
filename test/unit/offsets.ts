import * as assert from 'node:assert';
import type { EncodingPayload } from '../../src/shared/encoding';

/** Every content token's range, read back from the request's text, spells the token (or is a whole [UNK] word). */
export function assertOffsets(text: string, p: EncodingPayload): void {
  let prevEnd = 0;
  p.tokens.forEach((t, i) => {
    assert.ok(t.start >= 0 && t.end <= text.length && t.start <= t.end, `token ${i} "${t.text}" has range ${t.start}..${t.end}`);
    if (t.special) return;
    const piece = text.slice(t.start, t.end);
    if (t.text === '[UNK]') assert.ok(piece.trim().length > 0, `[UNK] ${i} covers a word`);
    else
      assert.strictEqual(
        [...piece].filter((c) => !/[\p{Cc}\p{Cf}]/u.test(c) || c === '\t').join(''),
        t.text.replace(/^##/, ''),
        `token ${i} "${t.text}"`,
      );
    assert.ok(t.start >= prevEnd, `token ${i} starts after the previous one ends`);
    prevEnd = t.end;
  });
}
