import type { LabId } from '../questions/types';

/**
 * What a lab shows, as data: the host computes it from the encoder's real outputs and the webview
 * draws it. Every lab starts with a one-sentence claim and ends with its question.
 */
export type LabBlock =
  | { kind: 'claim'; text: string }
  | { kind: 'text'; text: string }
  | { kind: 'note'; text: string }
  | { kind: 'metrics'; items: { label: string; value: string; good?: boolean }[] }
  | { kind: 'heatmaps'; items: Heatmap[] }
  | { kind: 'table'; head: string[]; rows: string[][] }
  | { kind: 'bars'; title: string; labels: string[]; series: { name: string; values: number[] }[] }
  | {
      kind: 'line';
      title: string;
      xLabel: string;
      x: number[];
      series: { name: string; values: number[] }[];
      marker?: number;
      logX?: boolean;
      /** every curve on one scale from 0 (to compare sizes); by default each has its own (to compare shapes) */
      sharedScale?: boolean;
    }
  | { kind: 'slider'; label: string; values: number[]; initial: number; readouts: { label: string; values: string[] }[] }
  | {
      kind: 'tokens';
      title?: string;
      items: {
        text: string;
        note?: string;
        tone?: 'chosen' | 'mask' | 'random' | 'same' | 'plain' | 'a' | 'b';
        index?: number;
        pressed?: boolean;
      }[];
      clickable?: boolean;
      /** what a click does: pick the token (the default), or switch a head off and on (index: layer × heads + head) */
      act?: 'token' | 'head' | 'swap';
    }
  | { kind: 'pieces'; rows: { word: string; wordpiece: string[]; bpeSteps: string[][] }[] }
  /** a word the learner types (the compare lab's replacement) */
  | { kind: 'input'; label: string; value: string; button: string }
  /** one setting of the lab, picked from a few values (the decoding lab's temperature, top-k and top-p) */
  | { kind: 'choice'; param: ChoiceParam; label: string; options: { value: number; label: string }[]; current: number };

/** The lab parameters a 'choice' block sets. */
export type ChoiceParam = 'temperature' | 'topK' | 'topP' | 'against';
export const CHOICE_PARAMS: readonly ChoiceParam[] = ['temperature', 'topK', 'topP', 'against'];

export interface Heatmap {
  title: string;
  rows: number;
  cols: number;
  /** row-major values */
  data: number[];
  rowLabels?: string[];
  colLabels?: string[];
  /** diverging scale centred on 0 (for signed values) */
  signed?: boolean;
  /** the value at the top of the colour scale (a score out of 1: 1); by default the largest value */
  scaleMax?: number;
}

export interface LabResult {
  lab: LabId;
  questionId: string;
  title: string;
  blocks: LabBlock[];
}

/** Which interview question each lab demonstrates (the bank's `demo` fields point back here). */
export const LAB_QUESTION: Record<LabId, string> = {
  'multi-head': 'why-multi-head',
  'q-k-differ': 'why-q-k-differ',
  'scale-sqrt-dk': 'why-scale-sqrt-dk',
  'padding-mask': 'padding-mask',
  'embedding-scale': 'embedding-scale',
  'positional-encoding': 'positional-encoding',
  permutation: 'position-schemes',
  'residual-ffn-layernorm': 'residual-connections',
  'segments-nsp': 'segment-embeddings',
  mlm: 'mask-token-vs-attention-mask',
  'causal-mask': 'causal-mask',
  'wordpiece-bpe': 'wordpiece-vs-bpe',
  'logit-lens': 'encoder-block',
  compare: 'attention-as-explanation',
  'which-heads': 'which-heads-matter',
  'kv-cache': 'kv-cache',
  decoding: 'decoding-strategies',
  induction: 'induction-heads',
  'masked-vs-causal': 'masked-vs-causal-lm',
};

export interface LabParams {
  /** the layer and head the panel shows */
  layer?: number;
  head?: number;
  /** token to mask (MLM lab) */
  token?: number;
  /** sample number (MLM corruption) */
  seed?: number;
  /** the token id the compare lab puts in place of the chosen word */
  swap?: number;
  /** or the text the learner typed for it */
  swapText?: string;
  /** heads switched off, as layer × heads + head (what-if) */
  off?: number[];
  /** the decoding lab's settings: softmax temperature (> 0), top-k (0: off), top-p (1: off) */
  temperature?: number;
  topK?: number;
  topP?: number;
  /** what the compare lab sets beside the text: 0 the text with a word changed, 1 the bundled model (beside the learner's own) */
  against?: number;
}
