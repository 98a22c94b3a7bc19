// A tiny greedy WordPiece tokenizer: the longest vocabulary entry that matches wins.
export interface Vocabulary {
  has(piece: string): boolean;
}

export function wordPiece(word: string, vocab: Vocabulary, unknown = '[UNK]'): string[] {
  const pieces: string[] = [];
  let start = 0;
  while (start < word.length) {
    let end = word.length;
    let match: string | undefined;
    while (start < end) {
      const candidate = (start > 0 ? '##' : '') + word.slice(start, end);
      if (vocab.has(candidate)) {
        match = candidate;
        break;
      }
      end -= 1;
    }
    if (match === undefined) return [unknown];
    pieces.push(match);
    start = end;
  }
  return pieces;
}

export function tokenize(text: string, vocab: Vocabulary): string[] {
  return text
    .split(/\s+/)
    .filter((w) => w.length > 0)
    .flatMap((w) => wordPiece(w, vocab));
}
