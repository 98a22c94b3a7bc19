import * as l10n from '@vscode/l10n';
import type { DemoId, LabId } from '../../shared/questions/types';

const t = l10n.t;

/** A question's demonstration by name: a lab's title, or the panel view's. */
export function demoTitle(demo: DemoId): string {
  return demo === 'through-the-layers' ? t('Through the layers') : labTitle(demo);
}

/** A lab's name as the reader sees it (menus, the panel, the quiz's "Try the demonstration"), never its id. */
export function labTitle(lab: LabId): string {
  const titles: Record<LabId, string> = {
    'multi-head': t('Multi-head vs one big head'),
    'q-k-differ': t('Why Q and K differ'),
    'scale-sqrt-dk': t('Why divide by √d_k'),
    'padding-mask': t('The padding mask'),
    'embedding-scale': t('Why scale embeddings by √d_model'),
    'positional-encoding': t('Sinusoidal positional encoding'),
    permutation: t('Shuffle the words, with and without positions'),
    'residual-ffn-layernorm': t('FFN, residuals and LayerNorm'),
    'segments-nsp': t('Segments and next-sentence prediction'),
    mlm: t('Masked language modelling'),
    'causal-mask': t('The decoder’s causal mask'),
    'wordpiece-bpe': t('WordPiece vs BPE'),
    'logit-lens': t('The logit lens: the prediction layer by layer'),
    'which-heads': t('Which heads matter here, and what if they were off'),
    compare: t('Change one word: attention side by side'),
    'kv-cache': t('The KV cache, step by step'),
    decoding: t('Decoding: temperature, top-k and top-p'),
    induction: t('Induction heads: repeat a phrase'),
    'masked-vs-causal': t('Masked vs causal language modelling'),
  };
  return titles[lab];
}
