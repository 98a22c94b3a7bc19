/**
 * Maps WordPiece tokens back onto the characters they came from.
 *
 * `@huggingface/tokenizers` returns tokens but no offsets, so this re-walks BERT's pipeline with
 * offsets kept: clean_text drops NUL, U+FFFD and control/format characters (they join, not split, the
 * characters around them), whitespace and punctuation split words, each BMP CJK ideograph is a word
 * of its own. Each word's pieces (`##` stripped) then cover its kept characters in order; an `[UNK]`
 * covers the whole word. Offsets are UTF-16 indices, as VS Code positions are.
 *
 * An uncased tokenizer (bert-base-uncased: lowercase, NFD, accents stripped) can change how many
 * code points a character becomes ("가" → two jamo, "é" → "e", a lone combining accent → nothing),
 * so each character is normalised the same way and every code point it yields points back to it.
 */

export interface Word {
  /** UTF-16 offsets into the text */
  start: number;
  end: number;
  /** code points the tokenizer sees (dropped characters removed, the rest normalised), each with
   * the UTF-16 range of the character it came from */
  chars: { cp: number; at: number; end: number }[];
}

/** How the tokenizer normalises one character before splitting (identity for a cased BERT). */
export type CharNormalizer = (ch: string) => string;

export interface TokenSpan {
  start: number;
  end: number;
}

const PUNCT = /[\p{P}\u0021-\u002F\u003A-\u0040\u005B-\u0060\u007B-\u007E]/u;
const SPACE = /\s/u;
const DROPPED = /[\p{Cc}\p{Cf}\p{Co}\p{Cs}]/u;

export function isChineseChar(cp: number): boolean {
  return (cp >= 0x4e00 && cp <= 0x9fff) || (cp >= 0x3400 && cp <= 0x4dbf) || (cp >= 0xf900 && cp <= 0xfaff);
}

function isDropped(ch: string, cp: number): boolean {
  if (ch === '\t' || ch === '\n' || ch === '\r') return false;
  return cp === 0 || cp === 0xfffd || DROPPED.test(ch);
}

/**
 * The per-character normaliser a tokenizer.json's `normalizer` implies: BertNormalizer's lowercase
 * and strip_accents (which follows lowercase when unset), and the same steps in a Sequence.
 * Undefined when it changes nothing.
 */
export function charNormalizer(config: unknown): CharNormalizer | undefined {
  const steps: ((s: string) => string)[] = [];
  const add = (n: unknown): void => {
    if (typeof n !== 'object' || n === null) return;
    const c = n as { type?: string; lowercase?: boolean; strip_accents?: boolean | null; normalizers?: unknown[] };
    switch (c.type) {
      case 'BertNormalizer':
        if (c.lowercase) steps.push((s) => s.toLowerCase());
        if (c.strip_accents ?? c.lowercase) steps.push((s) => s.normalize('NFD').replace(/\p{Mn}/gu, ''));
        break;
      case 'Lowercase':
        steps.push((s) => s.toLowerCase());
        break;
      case 'StripAccents':
        steps.push((s) => s.replace(/\p{M}/gu, ''));
        break;
      case 'NFD':
      case 'NFKD':
      case 'NFC':
      case 'NFKC':
        steps.push((s) => s.normalize(c.type as 'NFD' | 'NFKD' | 'NFC' | 'NFKC'));
        break;
      case 'Sequence':
        (c.normalizers ?? []).forEach(add);
        break;
      default:
        break;
    }
  };
  add(config);
  return steps.length ? (ch) => steps.reduce((s, f) => f(s), ch) : undefined;
}

/** How preTokenize treats one character. */
const enum Kind {
  Other,
  Space,
  Punct,
  Dropped,
}

// ASCII is most of what people select (code above all): its kinds come from a table, not from three
// Unicode regular expressions per character. The table is filled by the same tests as the rest.
const ASCII_KIND: Kind[] = Array.from({ length: 128 }, (_, cp) => kindOf(String.fromCharCode(cp), cp));

function kindOf(ch: string, cp: number): Kind {
  if (isDropped(ch, cp)) return Kind.Dropped;
  if (SPACE.test(ch)) return Kind.Space;
  if (PUNCT.test(ch) || (ch.length === 1 && isChineseChar(cp))) return Kind.Punct;
  return Kind.Other;
}

/** BERT's basic tokenization (as BertNormalizer + BertPreTokenizer do it), with offsets. */
export function preTokenize(text: string, normalize?: CharNormalizer): Word[] {
  const words: Word[] = [];
  let cur: Word | undefined;
  for (let i = 0; i < text.length;) {
    const cp = text.codePointAt(i) as number;
    const at = i;
    i += cp > 0xffff ? 2 : 1;
    const ch = cp < 128 && !normalize ? '' : String.fromCodePoint(cp);
    const kind = cp < 128 ? ASCII_KIND[cp] : kindOf(ch, cp);
    if (kind === Kind.Dropped) continue;
    let cps: Word['chars'];
    if (normalize) {
      const norm = normalize(ch);
      if (!norm) continue; // e.g. a combining accent an uncased tokenizer strips: it joins, like a dropped character
      cps = [...norm].map((c) => ({ cp: c.codePointAt(0) as number, at, end: i }));
    } else {
      cps = [{ cp, at, end: i }];
    }
    if (kind === Kind.Space) {
      if (cur) words.push(cur);
      cur = undefined;
    } else if (kind === Kind.Punct) {
      if (cur) words.push(cur);
      cur = undefined;
      words.push({ start: at, end: i, chars: cps });
    } else {
      if (!cur) cur = { start: at, end: i, chars: [] };
      for (const c of cps) cur.chars.push(c);
      cur.end = i;
    }
  }
  if (cur) words.push(cur);
  return words;
}

/** Code points in a string, without making an array of them. */
function codePoints(s: string): number {
  let n = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    // a high surrogate followed by a low one is one code point
    if (c >= 0xd800 && c <= 0xdbff && i + 1 < s.length && (s.charCodeAt(i + 1) & 0xfc00) === 0xdc00) i++;
    n++;
  }
  return n;
}

export class AlignmentError extends Error {}

/**
 * Aligns the tokenizer's tokens (no special tokens) with the text. Throws AlignmentError when the
 * tokens do not cover the text word by word, which would mean the tokenizer is not BERT-like.
 */
export function alignTokens(
  text: string,
  tokens: readonly string[],
  {
    unkToken = '[UNK]',
    prefix = '##',
    specials = ['[CLS]', '[SEP]', '[MASK]', '[PAD]'],
    normalize,
  }: { unkToken?: string; prefix?: string; specials?: string[]; normalize?: CharNormalizer } = {},
): TokenSpan[] {
  const words = preTokenize(text, normalize);
  const literals = [...specials, unkToken];
  const spans: TokenSpan[] = [];
  let t = 0;
  let skipUntil = -1;
  for (const w of words) {
    if (w.start < skipUntil) continue;
    if (t >= tokens.length) throw new AlignmentError(`ran out of tokens at character ${w.start}`);
    // special tokens typed in the text (e.g. "[MASK]", or "[UNK]" itself) are matched literally
    // before normalisation; "[UNK]" must be tried here before it is taken as a whole unknown word
    const literal = literals.find((s) => s === tokens[t] && text.startsWith(s, w.start));
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
      const n = codePoints(piece);
      if (n === 0 || c + n > w.chars.length) throw new AlignmentError(`token "${tok}" does not fit the word at ${w.start}`);
      spans.push({ start: w.chars[c].at, end: w.chars[c + n - 1].end });
      c += n;
      t++;
    }
  }
  if (t !== tokens.length) throw new AlignmentError(`${tokens.length - t} token(s) left after the last word`);
  return spans;
}
