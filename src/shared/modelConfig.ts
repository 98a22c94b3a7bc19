import { ModelFormatError, modelProblem } from './modelProblem';

/** What the extension reads from a model's config.json (the bundled model writes all of it). */
export interface ModelConfig {
  num_layers: number;
  num_heads: number;
  hidden_size: number;
  max_position_embeddings: number;
  vocab_size: number;
  special_tokens: { pad: number; unk: number; cls: number; sep: number; mask: number };
}

export function parseModelConfig(raw: unknown): ModelConfig {
  if (typeof raw !== 'object' || raw === null) throw new ModelFormatError(modelProblem('configNotObject'));
  const c = raw as Record<string, unknown>;
  for (const k of ['num_layers', 'num_heads', 'hidden_size', 'max_position_embeddings', 'vocab_size']) {
    if (!Number.isInteger(c[k]) || (c[k] as number) <= 0) throw new ModelFormatError(modelProblem('configField', k));
  }
  const s = c.special_tokens as Record<string, unknown> | undefined;
  const special = { pad: 0, unk: 1, cls: 2, sep: 3, mask: 4, ...(s && typeof s === 'object' ? s : {}) } as ModelConfig['special_tokens'];
  return { ...(c as unknown as ModelConfig), special_tokens: special };
}
