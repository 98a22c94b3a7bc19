/**
 * Facts about the bundled model, read from its config.json and MODEL_CARD.md when the bank loads,
 * so that question text says what the shipped model is rather than what it was when the text was
 * written (see questions/README.md, "Facts about the bundled model").
 */
export type FactValue = number | string;

export interface ModelFacts {
  values: ReadonlyMap<string, FactValue>;
  /** facts that could not be read, with the reason (a placeholder using one reports it) */
  missing: ReadonlyMap<string, string>;
}

/** config.json fields offered as `model.<field>`; special-token ids as `model.<name>_id`. */
const CONFIG_NUMBERS = [
  'vocab_size', 'hidden_size', 'num_layers', 'num_heads', 'intermediate_size', 'max_position_embeddings',
  'type_vocab_size', 'dropout', 'embedding_dropout', 'attention_dropout', 'layer_norm_eps', 'trained_steps',
] as const;
const CONFIG_WORDS = ['position_encoding', 'norm_placement'] as const;
const SPECIAL_TOKENS = ['pad', 'unk', 'cls', 'sep', 'mask'] as const;

/**
 * Facts only the card states. Each pattern matches a sentence the card template writes; when a
 * retrained model's card words it differently, the fact goes missing and the placeholders using it
 * say which sentence to look for.
 */
const CARD_FACTS: readonly { name: string; pattern: RegExp; sentence: string; numeric: boolean }[] = [
  { name: 'parameters', pattern: /;\s*([\d.]+[KMB]?) parameters, of which/, sentence: '"…; 1.88M parameters, of which …"', numeric: false },
  { name: 'train_max_tokens', pattern: /Sequences hold at most (\d+) tokens/, sentence: '"Sequences hold at most N tokens"', numeric: true },
  { name: 'mlm_percent', pattern: /chosen independently with probability (\d+(?:\.\d+)?)%/, sentence: '"… chosen independently with probability N%"', numeric: true },
  { name: 'cjk_characters', pattern: /(\d+) single CJK characters/, sentence: '"N single CJK characters"', numeric: true },
  { name: 'mlm_top1', pattern: /\|\s*Held-out MLM top-1\s*\|[^|\n]*\|\s*([\d.]+)\s*\|/, sentence: 'the targets row "Held-out MLM top-1"', numeric: true },
  { name: 'nsp_accuracy', pattern: /\|\s*Held-out NSP accuracy[^|\n]*\|[^|\n]*\|\s*([\d.]+)\s*\|/, sentence: 'the targets row "Held-out NSP accuracy"', numeric: true },
  { name: 'peak_learning_rate', pattern: /high learning rate\s*\(([\d.]+(?:e-?\d+)?)\)/, sentence: '"… a high learning rate (2e-3) …"', numeric: true },
];

/** Reads the facts from config.json's parsed JSON and the card's text; anything unreadable is listed as missing, not thrown. */
export function readModelFacts(config: unknown, card: string | undefined, where = { config: 'config.json', card: 'MODEL_CARD.md' }): ModelFacts {
  const values = new Map<string, FactValue>();
  const missing = new Map<string, string>();
  const c = typeof config === 'object' && config !== null ? (config as Record<string, unknown>) : undefined;
  const fromConfig = (name: string, value: unknown, ok: boolean) => {
    if (ok) values.set(`model.${name}`, value as FactValue);
    else missing.set(`model.${name}`, c ? `${where.config} has no valid "${name}"` : `${where.config} could not be read as a JSON object`);
  };
  for (const k of CONFIG_NUMBERS) fromConfig(k, c?.[k], typeof c?.[k] === 'number' && Number.isFinite(c[k]));
  for (const k of CONFIG_WORDS) fromConfig(k, c?.[k], typeof c?.[k] === 'string' && /^[\w-]+$/.test(c[k] as string));
  const specials = c?.special_tokens as Record<string, unknown> | undefined;
  for (const k of SPECIAL_TOKENS) fromConfig(`${k}_id`, specials?.[k], Number.isInteger(specials?.[k]));
  const hidden = values.get('model.hidden_size');
  const heads = values.get('model.num_heads');
  if (typeof hidden === 'number' && typeof heads === 'number' && heads > 0) values.set('model.head_size', hidden / heads);
  else missing.set('model.head_size', `needs hidden_size and num_heads from ${where.config}`);
  for (const fact of CARD_FACTS) {
    const found = card?.match(fact.pattern)?.[1];
    if (found === undefined) {
      missing.set(`model.${fact.name}`, card === undefined ? `${where.card} could not be read` : `${where.card} no longer has ${fact.sentence}`);
    } else values.set(`model.${fact.name}`, fact.numeric ? Number(found) : found);
  }
  return { values, missing };
}

/** Every fact name, known or missing, sorted: what a message lists when a placeholder names none of them. */
export function factNames(facts: ModelFacts): string[] {
  return [...facts.values.keys(), ...facts.missing.keys()].sort();
}
