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
  | { template: 'segment-of'; token: TokenRef; pair: boolean; options: (0 | 1)[]; answer: number };

/** The asked form of a model item, once the host has put its prompt and choices into words. */
export function askedFromFacts(facts: ModelFacts, words: { prompt: string; choices?: string[] }): AskedItem {
  if (typeof facts.answer === 'boolean') return { kind: 'truefalse', prompt: words.prompt, answer: facts.answer };
  return { kind: 'single', prompt: words.prompt, choices: words.choices ?? [], answer: facts.answer };
}

/** Raised when the text cannot carry the item (e.g. too few tokens); the quiz leaves the item out. */
export class NotApplicable extends Error {}
