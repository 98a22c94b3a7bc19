/**
 * What a model item measured on the user's text, before it is put into words (the host localises
 * the prompt and choices). `answer` is computed from the model's outputs, never written by hand.
 */
import type { AskedItem } from '../askedItem';

export interface TokenRef {
  /** position in the encoded sequence, [CLS] = 0 */
  index: number;
  text: string;
}

export type ScaleChange = 'up' | 'down' | 'same';

export type ModelFacts =
  | { template: 'most-attended'; layer: number; head: number; query: TokenRef; options: (TokenRef & { weight: number })[]; answer: number }
  | {
      template: 'padding-leak';
      /** the question asks about the run without the mask ('removed') or with it ('kept') */
      variant: 'removed' | 'kept';
      layer: number;
      head: number;
      query: TokenRef;
      padCount: number;
      shareWithoutMask: number;
      shareWithMask: number;
      answer: boolean;
    }
  | {
      template: 'qk-symmetry';
      /** 'actual': S = QKᵀ as the model computes it; 'tied': S = QQᵀ, as if K were computed with W_Q */
      variant: 'actual' | 'tied';
      layer: number;
      head: number;
      /** max |S_ij − S_ji| / max |S_ij| */
      asymmetry: number;
      answer: boolean;
    }
  | {
      template: 'scale-entropy';
      layer: number;
      head: number;
      entropyScaled: number;
      entropyUnscaled: number;
      options: ScaleChange[];
      answer: number;
    }
  | { template: 'mlm-top1'; masked: TokenRef; options: { token: string; probability: number }[]; answer: number; originalRank: number }
  | { template: 'segment-of'; token: TokenRef; pair: boolean; options: (0 | 1)[]; answer: number }
  | {
      template: 'causal-sees';
      /** the decoder's position asked about ([CLS] = 0) */
      query: TokenRef;
      /** one token before the query, the rest after it; `weight`: the largest attention the query gives it in any layer and head */
      options: (TokenRef & { weight: number })[];
      answer: number;
      /** heads looked at for `weight`: layers × heads */
      heads: number;
    }
  | {
      template: 'next-token';
      /** the last token of the prefix the decoder reads */
      prefix: TokenRef;
      /** `rank`: 1 = the decoder's most likely next token */
      options: { token: string; probability: number; rank: number }[];
      answer: number;
      /** the decoder's most likely next tokens, best first */
      top: { token: string; probability: number }[];
      /** the token the text goes on with, and its rank (absent after the last token, or when it is not a candidate) */
      actual?: { token: string; rank: number };
    }
  | {
      template: 'kv-cache-keys';
      /** prompt length in tokens, [CLS] included */
      prompt: number;
      /** 1-based generation step: step 1 runs the prompt, each later step the token chosen before it */
      step: number;
      layers: number;
      heads: number;
      /** key vectors per layer and head */
      options: number[];
      answer: number;
      withCache: number;
      withoutCache: number;
      fromCache: number;
      /** what the decoder's own run did at that step, when it was run: the token a later step fed */
      measured?: { computed: number; reused: number; fed?: string };
    };

/** The asked form of a model item, once the host has put its prompt and choices into words. */
export function askedFromFacts(facts: ModelFacts, words: { prompt: string; choices?: string[] }): AskedItem {
  if (typeof facts.answer === 'boolean') return { kind: 'truefalse', prompt: words.prompt, answer: facts.answer };
  return { kind: 'single', prompt: words.prompt, choices: words.choices ?? [], answer: facts.answer };
}

/** Raised when the text cannot carry the item (e.g. too few tokens); the quiz leaves the item out. */
export class NotApplicable extends Error {}
