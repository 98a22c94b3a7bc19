/**
 * Where the windows of a text too long for the model begin. A window that starts in the middle of a
 * word shows the reader a stray "##ing" as its first token, with attention that the rest of the word
 * (in the window before) never sees; so each window after the first starts where a word does, giving
 * up a few tokens at the end of the window before.
 */

/** What the windowing needs of a token: its range in the text, its segment, and its text. */
export interface WindowToken {
  span: { start: number; end: number };
  segment: 0 | 1;
  text: string;
}

/** How far back from a full window a start is looked for, at most: a window never loses more than this. */
export function backtrackLimit(cap: number): number {
  return Math.min(64, Math.floor(cap / 4));
}

/**
 * How well token i serves as the first token of a window: 2 where a word starts (the text, a segment or
 * white space before it), 1 where only a piece does (punctuation, an ideograph, a token after one:
 * anything but a continuation piece), 0 inside a word.
 */
export function startQuality(tokens: readonly WindowToken[], i: number, text: string, prefix = '##'): 0 | 1 | 2 {
  const token = tokens[i];
  const prev = tokens[i - 1];
  if (!prev || prev.segment !== token.segment) return 2;
  if (/\s/u.test(text.slice(prev.span.end, token.span.start))) return 2;
  return token.text.startsWith(prefix) ? 0 : 1;
}

/**
 * The index of the first token of each window, in order, the first being 0. Every window holds at most
 * `cap` tokens, and together they hold every token once. A window ends early (by at most
 * backtrackLimit(cap) tokens) so that the next starts at a word, or failing that at a piece that is not
 * a continuation; a word longer than that is cut where the window is full.
 */
export function windowStarts(tokens: readonly WindowToken[], text: string, cap: number, prefix = '##'): number[] {
  if (cap < 1) throw new RangeError(`a window must hold at least one token (cap ${cap})`);
  const starts = [0];
  const limit = backtrackLimit(cap);
  for (let start = 0; start + cap < tokens.length;) {
    const full = start + cap;
    let next = full;
    let best = -1;
    for (let i = full; i > start && i >= full - limit; i--) {
      const q = startQuality(tokens, i, text, prefix);
      if (q > best) {
        best = q;
        next = i;
      }
      if (q === 2) break;
    }
    // nothing but continuation pieces within reach: cut where the window is full
    if (best === 0) next = full;
    starts.push(next);
    start = next;
  }
  return starts;
}
