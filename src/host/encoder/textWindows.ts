import type { Tokenizer } from '@huggingface/tokenizers';
import type { EncodeInput } from '../../shared/encoderProtocol';
import type { EncodingPayload, TokenInfo } from '../../shared/encoding';
import type { ModelConfig } from '../../shared/modelConfig';
import { type ModelProblem, modelProblem, modelProblemEnglish } from '../../shared/modelProblem';
import { findSegmentBoundary } from '../../shared/sentencePair';
import { alignTokens, type CharNormalizer, type TokenSpan } from '../../shared/tokenAlignment';
import { windowStarts } from '../../shared/windowStarts';

export interface ContentToken {
  id: number;
  text: string;
  span: TokenSpan;
  segment: 0 | 1;
}

export interface Tokenized {
  tokens: ContentToken[];
  /** how many characters were tokenised (huge selections are cut) */
  charsUsed: number;
  pair: boolean;
}

/** One text to encode (the type the encoder process protocol carries). */
export type EncodeRequest = EncodeInput;

/** One window of a text, ready to run: the model's input sequence and where it came from. */
export interface PreparedEncoding {
  sequence: (TokenInfo & { id: number })[];
  ids: number[];
  content: ContentToken[];
  window?: EncodingPayload['window'];
}

/** How the tokenizer marks pieces, so that token offsets line up with the text. */
export interface TokenAlignment {
  unkToken: string;
  /** what starts a continuation piece (`##` in WordPiece) */
  prefix: string;
  /** for an uncased tokenizer: how it folds each character */
  normalize?: CharNormalizer;
}

/** A text the model cannot take; its problem is what the host says in the user's language. */
export class InputError extends Error {
  constructor(readonly problem: ModelProblem) {
    super(modelProblemEnglish(problem));
  }
}

const MAX_CHARS = 100_000;

/**
 * Text to model input: content tokens with their ranges and segments, cut into windows the model can
 * take (each after the first starting at a word), and the [CLS] … [SEP] sequence of one window.
 */
export class TextWindows {
  /**
   * The last text too long for one window, tokenised, with its windows. Moving the window runs the same
   * text again, and a 100,000-character selection takes far longer to tokenise than one window to encode.
   */
  private windowed: { text: string; tok: Tokenized; starts: number[] } | undefined;

  constructor(
    private readonly tokenizer: Tokenizer,
    private readonly alignment: TokenAlignment,
    private readonly specials: ModelConfig['special_tokens'],
    /** tokens in one window, specials included */
    readonly maxTokens: number,
  ) {}

  /** Content tokens of the text (no specials), each with its character range and segment. */
  tokenize(text: string): Tokenized {
    const charsUsed = Math.min(text.length, MAX_CHARS);
    const used = text.slice(0, charsUsed);
    const boundary = findSegmentBoundary(used);
    const parts: { from: number; to: number; segment: 0 | 1 }[] = boundary
      ? [
          { from: 0, to: boundary.endA, segment: 0 },
          { from: boundary.startB, to: used.length, segment: 1 },
        ]
      : [{ from: 0, to: used.length, segment: 0 }];
    const tokens: ContentToken[] = [];
    for (const part of parts) {
      const slice = used.slice(part.from, part.to);
      const enc = this.tokenizer.encode(slice, { add_special_tokens: false });
      const spans = alignTokens(slice, enc.tokens, this.alignment);
      enc.ids.forEach((id, i) => {
        tokens.push({
          id,
          text: enc.tokens[i],
          span: { start: spans[i].start + part.from, end: spans[i].end + part.from },
          segment: part.segment,
        });
      });
    }
    return { tokens, charsUsed, pair: boundary !== null && tokens.some((t) => t.segment === 1) };
  }

  /** [CLS] A [SEP] (B [SEP]) for one window of content tokens. */
  buildSequence(content: ContentToken[]): (TokenInfo & { id: number })[] {
    const s = this.specials;
    const first = content[0]?.span.start ?? 0;
    const seq: (TokenInfo & { id: number })[] = [{ id: s.cls, text: '[CLS]', start: first, end: first, segment: 0, special: true }];
    content.forEach((t, i) => {
      const prev = content[i - 1];
      if (prev && prev.segment !== t.segment)
        seq.push({ id: s.sep, text: '[SEP]', start: prev.span.end, end: prev.span.end, segment: prev.segment, special: true });
      seq.push({ id: t.id, text: t.text, start: t.span.start, end: t.span.end, segment: t.segment, special: false });
    });
    const last = content[content.length - 1];
    seq.push({
      id: s.sep,
      text: '[SEP]',
      start: last?.span.end ?? 0,
      end: last?.span.end ?? 0,
      segment: last?.segment ?? 0,
      special: true,
    });
    return seq;
  }

  /** Checks the text and picks the requested window of its tokens. */
  prepare(req: EncodeRequest): PreparedEncoding {
    if (!req.text.trim()) throw new InputError(modelProblem('emptyText'));
    if (looksBinary(req.text)) throw new InputError(modelProblem('binaryText'));
    const cached = this.windowed?.text === req.text ? this.windowed : undefined;
    const tok = cached?.tok ?? this.tokenize(req.text);
    if (!tok.tokens.length) throw new InputError(modelProblem('noTokens'));
    const cap = this.maxTokens - (tok.pair ? 3 : 2);
    const starts = cached?.starts ?? windowStarts(tok.tokens, req.text, cap, this.alignment.prefix);
    const count = starts.length;
    if (count > 1) this.windowed = { text: req.text, tok, starts };
    // the window comes from a webview message: anything but a whole number in range is clamped
    const wanted = Number.isFinite(req.window) ? Math.trunc(req.window as number) : 0;
    const index = Math.max(0, Math.min(count - 1, wanted));
    const content = tok.tokens.slice(starts[index], starts[index + 1] ?? tok.tokens.length);
    const sequence = this.buildSequence(content);
    const window = count > 1 ? { index, count, tokensTotal: tok.tokens.length } : undefined;
    return { sequence, ids: sequence.map((t) => t.id), content, window };
  }
}

/** Binary data pasted or opened as text: many NULs, replacement characters or control characters. */
export function looksBinary(text: string): boolean {
  const sample = text.slice(0, 4096);
  let bad = 0;
  for (const ch of sample) {
    const c = ch.codePointAt(0) as number;
    if (c === 0 || c === 0xfffd || (c < 32 && ch !== '\n' && ch !== '\r' && ch !== '\t')) bad++;
  }
  return bad > 8 && bad / sample.length > 0.05;
}
