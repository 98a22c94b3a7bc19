/**
 * Finds concept terms in a line of prose or code. Three kinds of term match differently:
 * - code identifiers (`d_k`, `[CLS]`, `LayerNorm`, `sqrt(d_k)`): exactly, as whole identifiers;
 * - words and phrases (`softmax`, `padding mask`): case-insensitively, as whole words, plural -s allowed;
 * - CJK terms (`多头注意力`): as substrings, since CJK text has no spaces between words.
 * Where matches overlap, the longest wins (`scaled dot-product attention` over `dot-product attention`).
 */
export type TermKind = 'code' | 'word' | 'cjk';

export interface TermEntry {
  term: string;
  questionId: string;
}

export interface TermMatch {
  /** UTF-16 offsets into the text, end exclusive */
  start: number;
  end: number;
  questionId: string;
  /** the term as written in the bank */
  term: string;
}

const CJK = /[\p{Script=Han}\p{Script=Hiragana}\p{Script=Katakana}\p{Script=Hangul}]/u;
/** Characters that continue a word or identifier. CJK is left out: `经过softmax后` still has `softmax`. */
const WORD_CHAR = String.raw`[\p{Script=Latin}\p{Script=Greek}\p{Script=Cyrillic}\p{N}_]`;

export function termKind(term: string): TermKind {
  if (CJK.test(term)) return 'cjk';
  return /[_[(]|[A-Za-z][A-Z]/.test(term) ? 'code' : 'word';
}

/** Two terms with the same key are the same term (used to find terms claimed twice). */
export function termKey(term: string): string {
  const t = term.trim().replace(/\s+/g, ' ');
  return termKind(t) === 'code' ? t : t.toLowerCase();
}

/**
 * Everyday compounds that contain a concept term but do not mean it (a subnet mask is not an
 * attention mask). Matched like terms, so as the longer match they win, and then show nothing.
 */
export const ORDINARY_PHRASES: readonly string[] = ['子网掩码', '位掩码', '掩码位', '掩码运算', '图层掩码', '图像掩码'];

export class TermMatcher {
  private readonly patterns: { entry: TermEntry; re: RegExp }[];

  constructor(entries: readonly TermEntry[], ordinary: readonly string[] = ORDINARY_PHRASES) {
    const silent = ordinary.map((term) => ({ term, questionId: '' }));
    this.patterns = [...entries, ...silent].filter((e) => e.term.trim()).map((entry) => ({ entry, re: termPattern(entry.term.trim()) }));
  }

  get size(): number {
    return this.patterns.filter((p) => p.entry.questionId !== '').length;
  }

  /** Every term in the text, left to right, without overlaps. */
  findAll(text: string): TermMatch[] {
    const candidates: TermMatch[] = [];
    for (const { entry, re } of this.patterns) {
      re.lastIndex = 0;
      for (let m = re.exec(text); m; m = re.exec(text)) {
        candidates.push({ start: m.index, end: m.index + m[0].length, questionId: entry.questionId, term: entry.term });
      }
    }
    candidates.sort((a, b) => b.end - b.start - (a.end - a.start) || a.start - b.start);
    const chosen: TermMatch[] = [];
    for (const c of candidates) {
      if (!chosen.some((k) => c.start < k.end && k.start < c.end)) chosen.push(c);
    }
    return chosen.filter((m) => m.questionId !== '').sort((a, b) => a.start - b.start);
  }

  /** The term covering the character at `offset` (where a hover points). */
  at(text: string, offset: number): TermMatch | undefined {
    return this.findAll(text).find((m) => m.start <= offset && offset < m.end);
  }
}

function termPattern(term: string): RegExp {
  const kind = termKind(term);
  const escaped = term.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
  if (kind === 'cjk') return new RegExp(escaped.replace(/\s+/g, '\\s*'), 'giu');
  const body = kind === 'word' ? escaped.replace(/\s+/g, '\\s+') + (/[a-z]$/i.test(term) ? '(?:e?s)?' : '') : escaped;
  const before = new RegExp(`^${WORD_CHAR}`, 'u').test(term) ? `(?<!${WORD_CHAR})` : '';
  const after = new RegExp(`${WORD_CHAR}$`, 'u').test(term) ? `(?!${WORD_CHAR})` : '';
  return new RegExp(before + body + after, kind === 'word' ? 'giu' : 'gu');
}
