/**
 * The question bank's data model (see questions/README.md for the file format). Pure: parsed from
 * Markdown files by shared code, used by the host (hovers, tree, quizzes) and the question webview.
 */
export type Language = 'en' | 'zh-cn';
export const LANGUAGES: readonly Language[] = ['en', 'zh-cn'];

export type Topic = 'attention' | 'embeddings' | 'architecture' | 'decoder' | 'training' | 'bert' | 'tokenization' | 'interpretability';
export const TOPICS: readonly Topic[] = ['attention', 'embeddings', 'architecture', 'decoder', 'training', 'bert', 'tokenization', 'interpretability'];

export type LabId =
  | 'multi-head'
  | 'q-k-differ'
  | 'scale-sqrt-dk'
  | 'padding-mask'
  | 'embedding-scale'
  | 'positional-encoding'
  | 'permutation'
  | 'residual-ffn-layernorm'
  | 'segments-nsp'
  | 'mlm'
  | 'causal-mask'
  | 'wordpiece-bpe'
  | 'logit-lens'
  | 'which-heads'
  | 'compare'
  | 'kv-cache'
  | 'decoding'
  | 'induction'
  | 'masked-vs-causal';
export const LAB_IDS: readonly LabId[] = [
  'multi-head', 'q-k-differ', 'scale-sqrt-dk', 'padding-mask', 'embedding-scale', 'positional-encoding',
  'permutation', 'residual-ffn-layernorm', 'segments-nsp', 'mlm', 'causal-mask', 'wordpiece-bpe', 'logit-lens', 'which-heads', 'compare',
  'kv-cache', 'decoding', 'induction', 'masked-vs-causal',
];

/**
 * What a question's “Try it” opens: a lab, or one of the panel's views that a lab would only repeat
 * (attention rollout is the view “Through the layers”).
 */
export type DemoId = LabId | 'through-the-layers';
export const DEMO_IDS: readonly DemoId[] = [...LAB_IDS, 'through-the-layers'];

export type ModelTemplate =
  | 'most-attended'
  | 'padding-leak'
  | 'qk-symmetry'
  | 'scale-entropy'
  | 'mlm-top1'
  | 'segment-of'
  | 'causal-sees'
  | 'next-token'
  | 'kv-cache-keys';
export const MODEL_TEMPLATES: readonly ModelTemplate[] = [
  'most-attended', 'padding-leak', 'qk-symmetry', 'scale-entropy', 'mlm-top1', 'segment-of', 'causal-sees', 'next-token', 'kv-cache-keys',
];

interface QuizBase {
  /** unique within its question, the same in every language */
  id: string;
  explain: string;
}
export type QuizItem =
  | (QuizBase & { kind: 'single'; prompt: string; choices: string[]; answer: number })
  | (QuizBase & { kind: 'multiple'; prompt: string; choices: string[]; answer: number[] })
  | (QuizBase & { kind: 'truefalse'; prompt: string; answer: boolean })
  | (QuizBase & { kind: 'numeric'; prompt: string; answer: number; tolerance: number })
  | (QuizBase & { kind: 'model'; template: ModelTemplate });

/** One question in one language, as written in questions/<lang>/<id>.md. */
export interface QuestionText {
  id: string;
  language: Language;
  topic: Topic;
  order: number;
  title: string;
  terms: string[];
  summary: string;
  related: string[];
  demo: DemoId;
  sources: string[];
  quiz: QuizItem[];
  /** Markdown sections */
  answer: string;
  deeper: string;
  pitfalls: string;
  /** where it came from, for messages */
  path: string;
  /** 1-based line of each front-matter field in `path` ('related', 'related.1', 'quiz.2', …), for messages */
  lines?: Record<string, number>;
}

/** A question across languages. */
export interface Question {
  id: string;
  topic: Topic;
  order: number;
  texts: Partial<Record<Language, QuestionText>>;
}

/** A problem found while loading the bank; the rest of the bank still loads. */
export interface BankProblem {
  path: string;
  /** 1-based line, when known */
  line?: number;
  message: string;
}

export interface QuestionBank {
  questions: Map<string, Question>;
  problems: BankProblem[];
}
