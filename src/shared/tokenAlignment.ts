/**
 * Maps WordPiece tokens back onto the characters they came from.
 *
 * `@huggingface/tokenizers` returns tokens but no offsets, so this re-walks BERT's pipeline with
 * offsets kept: clean_text drops NUL, U+FFFD and control/format characters (they join, not split, the
 * characters around them), whitespace and punctuation split words, each BMP CJK ideograph is a word
 * of its own. Each word's pieces (`##` stripped) then cover its kept characters in order; an `[UNK]`
 * covers the whole word. Offsets are UTF-16 indices, as VS Code positions are.
 */

export interface Word {
  /** UTF-16 offsets into the text */
  start: number;
  end: number;
  /** code points the tokenizer sees (dropped characters removed), each with its UTF-16 offset */
  chars: { cp: number; at: number }[];
}

export interface TokenSpan {
  start: number;
  end: number;
}

const PUNCT = /[\p{P}\u0021-\u002F\u003A-\u0040\u005B-\u0060\u007B-\u007E]/u;
const SPACE = /\s/u;
const DROPPED = /[\p{Cc}\p{Cf}\p{Co}\p{Cs}]/u;

export function isChineseChar(cp: number): boolean {
  return (
    (cp >= 0x4e00 && cp <= 0x9fff) ||
    (cp >= 0x3400 && cp <= 0x4dbf) ||
    (cp >= 0xf900 && cp <= 0xfaff)
  );
}

function isDropped(ch: string, cp: number): boolean {
  if (ch === '\t' || ch === '\n' || ch === '\r') return false;
  return cp === 0 || cp === 0xfffd || DROPPED.test(ch);
}

/** BERT's basic tokenization (as BertNormalizer + BertPreTokenizer do it), with offsets. */
export function preTokenize(text: string): Word[] {
  const words: Word[] = [];
  let cur: Word | undefined;
  const close = () => {
    if (cur) words.push(cur);
    cur = undefined;
  };
  for (let i = 0; i < text.length; ) {
    const cp = text.codePointAt(i) as number;
    const ch = String.fromCodePoint(cp);
    const at = i;
    i += ch.length;
    if (isDropped(ch, cp)) continue;
    if (SPACE.test(ch)) {
      close();
    } else if (PUNCT.test(ch) || (ch.length === 1 && isChineseChar(cp))) {
      close();
      words.push({ start: at, end: i, chars: [{ cp, at }] });
    } else {
      if (!cur) cur = { start: at, end: i, chars: [] };
      cur.chars.push({ cp, at });
      cur.end = i;
    }
  }
  close();
  return words;
}

export class AlignmentError extends Error {}

/**
 * Aligns the tokenizer's tokens (no special tokens) with the text. Throws AlignmentError when the
 * tokens do not cover the text word by word, which would mean the tokenizer is not BERT-like.
 */
export function alignTokens(
  text: string,
  tokens: readonly string[],
  { unkToken = '[UNK]', prefix = '##', specials = ['[CLS]', '[SEP]', '[MASK]', '[PAD]'] } = {},
): TokenSpan[] {
  const words = preTokenize(text);
  const spans: TokenSpan[] = [];
  let t = 0;
  let skipUntil = -1;
  for (const w of words) {
    if (w.start < skipUntil) continue;
    if (t >= tokens.length) throw new AlignmentError(`ran out of tokens at character ${w.start}`);
    // special tokens typed in the text (e.g. "[MASK]") are matched literally before normalisation
    const literal = specials.find((s) => s === tokens[t] && text.startsWith(s, w.start));
    if (literal) {
      spans.push({ start: w.start, end: w.start + literal.length });
      skipUntil = w.start + literal.length;
      t++;
      continue;
    }
    if (tokens[t] === unkToken) {
      spans.push({ start: w.start, end: w.end });
      t++;
      continue;
    }
    let c = 0; // code points of the word covered so far
    while (c < w.chars.length) {
      const tok = tokens[t];
      if (tok === undefined) throw new AlignmentError(`ran out of tokens inside the word at ${w.start}`);
      const piece = c > 0 && tok.startsWith(prefix) ? tok.slice(prefix.length) : tok;
      const n = [...piece].length;
      if (n === 0 || c + n > w.chars.length) throw new AlignmentError(`token "${tok}" does not fit the word at ${w.start}`);
      const last = w.chars[c + n - 1];
      spans.push({ start: w.chars[c].at, end: last.at + String.fromCodePoint(last.cp).length });
      c += n;
      t++;
    }
  }
  if (t !== tokens.length) throw new AlignmentError(`${tokens.length - t} token(s) left after the last word`);
  return spans;
}
