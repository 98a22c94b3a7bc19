import * as vscode from 'vscode';
import type { TokenInfo } from '../../shared/encoding';
import type { AskedItem } from '../../shared/quiz/askedItem';
import { askedFromFacts, type ModelFacts, type ScaleChange } from '../../shared/quiz/modelItems/facts';
import { type LiveText, oneLine, sourceLine } from './liveText';

export interface ModelItemWords {
  asked: AskedItem;
  /** what was measured, shown after the answer */
  facts: string[];
}

const pct = (x: number) => `${(x * 100).toFixed(x < 0.001 && x > 0 ? 3 : 1)}%`;
const tokenLabel = (r: { index: number; text: string }) => vscode.l10n.t('“{0}” (token {1})', r.text, r.index);

/** Puts a model item into words in the UI language; layers and heads are counted from 1 as in the panel. */
export function modelItemWords(f: ModelFacts, live: LiveText, tokens: readonly TokenInfo[]): ModelItemWords {
  const t = vscode.l10n.t;
  const on = (focus = 0) => sourceLine(live, oneLine(live.text, focus));
  const para = (...lines: string[]) => lines.join('\n');
  switch (f.template) {
    case 'most-attended':
      return {
        asked: askedFromFacts(f, {
          prompt: para(
            t('In layer {0}, head {1}, which token does {2} attend to most?', f.layer + 1, f.head + 1, tokenLabel(f.query)),
            on(tokens[f.query.index]?.start),
          ),
          choices: f.options.map(tokenLabel),
        }),
        facts: [
          t(
            'Attention from {0} in layer {1}, head {2}: {3}',
            tokenLabel(f.query),
            f.layer + 1,
            f.head + 1,
            f.options.map((o) => `“${o.text}” ${pct(o.weight)}`).join(', '),
          ),
        ],
      };
    case 'padding-leak': {
      const q =
        f.variant === 'removed'
          ? t(
              'We append {0} [PAD] tokens and remove the padding mask. Does [PAD] get attention from {1} in layer {2}, head {3}?',
              f.padCount,
              tokenLabel(f.query),
              f.layer + 1,
              f.head + 1,
            )
          : t(
              'We append {0} [PAD] tokens and keep the padding mask. Does [PAD] get any attention from {1} in layer {2}, head {3}?',
              f.padCount,
              tokenLabel(f.query),
              f.layer + 1,
              f.head + 1,
            );
      return {
        asked: askedFromFacts(f, { prompt: para(q, on(tokens[f.query.index]?.start)) }),
        facts: [
          t(
            'Share of {0}’s attention on the [PAD] keys: {1} without the mask, {2} with it.',
            tokenLabel(f.query),
            pct(f.shareWithoutMask),
            pct(f.shareWithMask),
          ),
        ],
      };
    }
    case 'qk-symmetry': {
      const q =
        f.variant === 'actual'
          ? t('In layer {0}, head {1}, is the score matrix S = QKᵀ on this text symmetric (S = Sᵀ)?', f.layer + 1, f.head + 1)
          : t(
              'If layer {0}, head {1} computed its keys with W_Q instead of W_K (so K = Q), would its score matrix S = QKᵀ be symmetric?',
              f.layer + 1,
              f.head + 1,
            );
      return {
        asked: askedFromFacts(f, { prompt: para(q, on()) }),
        facts: [t('Largest |S_ij − S_ji| relative to the largest |S_ij| in that head: {0}.', f.asymmetry.toExponential(2))],
      };
    }
    case 'scale-entropy': {
      const words: Record<ScaleChange, string> = {
        up: t('It goes up: the weights spread out'),
        down: t('It goes down: the weights get more peaked'),
        same: t('It stays the same'),
      };
      return {
        asked: askedFromFacts(f, {
          prompt: para(
            t(
              'If layer {0}, head {1} did not divide its scores by √d_k, would the average entropy of its attention rows go up, go down, or stay the same?',
              f.layer + 1,
              f.head + 1,
            ),
            on(),
          ),
          choices: f.options.map((o) => words[o]),
        }),
        facts: [
          t('Average entropy of a row: {0} bits with ÷√d_k, {1} bits without.', f.entropyScaled.toFixed(3), f.entropyUnscaled.toFixed(3)),
        ],
      };
    }
    case 'mlm-top1': {
      const tok = tokens[f.masked.index];
      const masked = tok ? live.text.slice(0, tok.start) + '[MASK]' + live.text.slice(tok.end) : live.text;
      const shown = live.source === 'sample' ? t('the built-in sample sentence') : t('your selection');
      return {
        asked: askedFromFacts(f, {
          prompt: para(
            t(
              'The model reads {0} with one word replaced by [MASK]: “{1}”. Which token does it rank first for [MASK]?',
              shown,
              oneLine(masked, tok?.start ?? 0),
            ),
          ),
          choices: f.options.map((o) => `“${o.token}”`),
        }),
        facts: [
          t('The model’s probabilities: {0}.', f.options.map((o) => `“${o.token}” ${pct(o.probability)}`).join(', ')),
          t('The hidden word was “{0}”, ranked {1} by the model.', f.masked.text, f.originalRank),
        ],
      };
    }
    case 'segment-of':
      return {
        asked: askedFromFacts(f, {
          prompt: para(t('Which segment is {0} in?', tokenLabel(f.token)), on(tokens[f.token.index]?.start)),
          choices: f.options.map((s) => (s === 0 ? t('Segment A (token_type_id 0)') : t('Segment B (token_type_id 1)'))),
        }),
        facts: [
          f.pair
            ? t('A blank line (or a typed [SEP]) in the text ends segment A; everything after it is segment B.')
            : t('The text has no blank line or [SEP], so every token is in segment A.'),
        ],
      };
  }
}
