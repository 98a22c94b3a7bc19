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

/** What the item was computed on, to fit in a sentence. */
const shownText = (live: LiveText) =>
  live.source === 'sample' ? vscode.l10n.t('the built-in sample sentence') : vscode.l10n.t('your selection');

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
      const shown = shownText(live);
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
    case 'causal-sees':
      return {
        asked: askedFromFacts(f, {
          prompt: para(
            t('The decoder reads the text left to right. Which of these tokens can {0} attend to?', tokenLabel(f.query)),
            on(tokens[f.query.index]?.start),
          ),
          choices: f.options.map((o) => `“${o.text}”`),
        }),
        facts: [
          t(
            'The causal mask lets token {0} see tokens 0 to {0} ([CLS], the text before it and itself) and nothing after it.',
            f.query.index,
          ),
          t(
            'The largest weight {0} gives each choice in any of the decoder’s {1} heads: {2}.',
            tokenLabel(f.query),
            f.heads,
            f.options.map((o) => `${tokenLabel(o)} ${pct(o.weight)}`).join(', '),
          ),
        ],
      };
    case 'next-token': {
      const end = tokens[f.prefix.index]?.end ?? live.text.length;
      const top = (list: { token: string; probability: number }[]) => list.map((o) => `“${o.token}” ${pct(o.probability)}`).join(', ');
      return {
        asked: askedFromFacts(f, {
          prompt: t(
            'The decoder reads {0} as far as “{1} …”. Which token does it rank most likely to come next?',
            shownText(live),
            oneLine(live.text.slice(0, end), end),
          ),
          choices: f.options.map((o) => `“${o.token}”`),
        }),
        facts: [
          t('The decoder’s most likely next tokens: {0}.', top(f.top)),
          t(
            'The choices, with the decoder’s rank after #: {0}.',
            f.options.map((o) => `“${o.token}” ${pct(o.probability)} (#${o.rank})`).join(', '),
          ),
          ...(f.actual ? [t('The text goes on with “{0}”, which the decoder ranks {1}.', f.actual.token, f.actual.rank)] : []),
        ],
      };
    }
    case 'kv-cache-keys': {
      const fed = f.measured?.fed;
      return {
        asked: askedFromFacts(f, {
          prompt: para(
            t(
              'The decoder continues {0} with a KV cache. Step 1 runs the prompt ([CLS] and the text: {1} tokens) and picks the first new token; each later step feeds the token the step before it picked. How many new key vectors does step {2} compute in each head of each layer?',
              shownText(live),
              f.prompt,
              f.step,
            ),
            on(),
          ),
          choices: f.options.map(String),
        }),
        facts: [
          f.step === 1
            ? t(
                'Step 1 runs all {0} tokens of the prompt at once and computes a key and a value for each, in every head of every layer.',
                f.prompt,
              )
            : fed !== undefined
              ? t(
                  'Step {0} fed only “{1}”, the token step {2} picked, computed its key and value, and read the other {3} keys of each head from the cache.',
                  f.step,
                  fed,
                  f.step - 1,
                  f.fromCache,
                )
              : t(
                  'Step {0} feeds one token, computes its key and value, and reads the other {1} keys of each head from the cache.',
                  f.step,
                  f.fromCache,
                ),
          t(
            'Key vectors computed at step {0}, per head and layer: {1} with the cache, {2} without it; for the whole model ({3} layers × {4} heads): {5} and {6}.',
            f.step,
            f.withCache,
            f.withoutCache,
            f.layers,
            f.heads,
            f.withCache * f.layers * f.heads,
            f.withoutCache * f.layers * f.heads,
          ),
        ],
      };
    }
  }
}
