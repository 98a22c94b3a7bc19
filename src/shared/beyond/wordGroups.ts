import type { EncodingPayload, TokenInfo } from '../encoding';

/**
 * Word pieces merged into words, so a view can show attention between words instead of pieces.
 * A `##` piece joins the word before it; runs of Chinese characters (one token each) are cut into words by
 * `Intl.Segmenter`, which needs no dictionary of ours; a special token is a word of its own.
 */
export interface WordGroup {
  /** indices of the tokens that make the word, in order */
  tokens: number[];
  /** the word as the text spells it (the special token's own text for [CLS] / [SEP]) */
  text: string;
  start: number;
  end: number;
  special: boolean;
}

const CJK = /[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]/;

/** Where words end in the text, by `Intl.Segmenter` (offsets of word ends, for the Chinese runs only). */
function chineseWordEnds(text: string, locale: string): Set<number> {
  const ends = new Set<number>();
  if (!CJK.test(text)) return ends;
  const segmenter = new Intl.Segmenter(locale, { granularity: 'word' });
  for (const s of segmenter.segment(text)) ends.add(s.index + s.segment.length);
  return ends;
}

export function groupWords(tokens: readonly TokenInfo[], text: string, locale = 'zh'): WordGroup[] {
  const ends = chineseWordEnds(text, locale);
  const groups: WordGroup[] = [];
  let open: WordGroup | undefined;
  tokens.forEach((tok, i) => {
    const chinese = !tok.special && CJK.test(tok.text);
    const joins =
      open !== undefined &&
      !tok.special &&
      !open.special &&
      (tok.text.startsWith('##') ||
        // a Chinese character continues the word the segmenter saw, if the previous one did not end it
        (chinese && CJK.test(open.text) && open.end === tok.start && !ends.has(open.end)));
    if (joins && open) {
      open.tokens.push(i);
      open.end = tok.end;
      open.text = text.slice(open.start, open.end);
    } else {
      open = {
        tokens: [i],
        start: tok.start,
        end: tok.end,
        special: tok.special,
        text: tok.special ? tok.text : text.slice(tok.start, tok.end),
      };
      groups.push(open);
    }
  });
  return groups;
}

/**
 * Attention between words, from attention between pieces, per layer and head: a word's attention *to*
 * another word is the sum over that word's pieces (the mass it receives), and *from* a word the mean over its
 * own pieces (each piece's row sums to 1, so the word's row does too) — Clark et al. 2019's convention.
 * `attention` is flat [layer][head][query][key] over `tokens`; the result is flat over the words.
 */
export function mergeAttention(attention: Float32Array, layers: number, heads: number, groups: readonly WordGroup[]): Float32Array {
  const t = groups.reduce((n, g) => n + g.tokens.length, 0);
  const w = groups.length;
  const out = new Float32Array(layers * heads * w * w);
  // one pass over each [query][key] map, summed in doubles (at 512 pieces, 16 maps of 262,144 weights)
  const wordOf = new Int32Array(t);
  groups.forEach((g, wi) => g.tokens.forEach((k) => (wordOf[k] = wi)));
  const acc = new Float64Array(w * w);
  for (let lh = 0; lh < layers * heads; lh++) {
    const src = lh * t * t;
    acc.fill(0);
    for (let q = 0; q < t; q++) {
      const wi = wordOf[q];
      const share = 1 / groups[wi].tokens.length;
      const row = src + q * t;
      const base = wi * w;
      for (let k = 0; k < t; k++) acc[base + wordOf[k]] += attention[row + k] * share;
    }
    out.set(acc, lh * w * w);
  }
  return out;
}

/** The words as tokens a view can draw: offsets of the word, segment of its first piece. */
export function wordTokens(tokens: readonly TokenInfo[], groups: readonly WordGroup[]): TokenInfo[] {
  return groups.map((g) => ({
    text: g.text,
    start: g.start,
    end: g.end,
    special: g.special,
    segment: tokens[g.tokens[0]].segment,
  }));
}

/**
 * The payload with words in place of pieces, for the views that draw attention alone (head, matrix,
 * model): tokens become words and attention is merged (mergeAttention). q/k/v belong to pieces and are
 * left out. Offsets are the request's, as in the payload; the text it slices is the payload's window.
 */
export function wordPayload(p: EncodingPayload, locale = 'zh'): { payload: EncodingPayload; groups: WordGroup[] } {
  // groupWords slices its text by token offsets, which count from the request's text, not the window's
  const text = ' '.repeat(p.textOffset) + p.text;
  const groups = groupWords(p.tokens, text, locale);
  const payload: EncodingPayload = {
    text: p.text,
    textOffset: p.textOffset,
    source: p.source,
    ...(p.window ? { window: p.window } : {}),
    tokens: wordTokens(p.tokens, groups),
    numLayers: p.numLayers,
    numHeads: p.numHeads,
    headDim: p.headDim,
    attention: mergeAttention(p.attention, p.numLayers, p.numHeads, groups),
    modelName: p.modelName,
  };
  return { payload, groups };
}

/** The word a piece belongs to, and back: the first piece of a word (to carry a locked token across the toggle). */
export function wordOfPiece(groups: readonly WordGroup[], piece: number): number {
  return Math.max(
    0,
    groups.findIndex((g) => g.tokens.includes(piece)),
  );
}

export function firstPieceOfWord(groups: readonly WordGroup[], word: number): number {
  return groups[word]?.tokens[0] ?? 0;
}
