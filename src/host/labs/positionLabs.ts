import * as l10n from '@vscode/l10n';
import { gram, permutationError, rowNorms, toeplitzDeviation } from '../../shared/labs/labMath';
import type { LabBlock } from '../../shared/labs/labTypes';
import { seededRandom, shuffled } from '../../shared/quiz/rng';
import { fmtNum, type LabInput, tokenMap } from './labInput';

const t = l10n.t;

/** Token-embedding norms with and without ×√d_model, against the positional encoding's. */
export async function embeddingScaleLab(input: LabInput): Promise<LabBlock[]> {
  const o = await input.run(['emb_token', 'emb_position']);
  const [, T, d] = o.emb_token.dims;
  const root = Math.sqrt(d);
  const scaled = rowNorms(o.emb_token.data, T, d);
  const unscaled = scaled.map((n) => n / root);
  const pe = rowNorms(o.emb_position.data, T, d);
  const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
  return [
    {
      kind: 'claim',
      text: t(
        'Multiplying the token embeddings by √d_model keeps them on the scale of the positional encoding they are added to, so neither drowns the other.',
      ),
    },
    {
      kind: 'bars',
      title: t('Vector norms per token'),
      labels: input.labels,
      series: [
        { name: t('token embedding × √d_model'), values: scaled },
        { name: t('token embedding, unscaled'), values: unscaled },
        { name: t('positional encoding'), values: pe },
      ],
    },
    {
      kind: 'metrics',
      items: [
        { label: t('Mean norm, scaled token embeddings'), value: fmtNum(mean(scaled), 2) },
        { label: t('Mean norm, unscaled'), value: fmtNum(mean(unscaled), 2) },
        { label: t('Norm of every positional encoding: √(d/2) = {0}', fmtNum(Math.sqrt(d / 2), 2)), value: fmtNum(mean(pe), 2) },
      ],
    },
    {
      kind: 'text',
      text: t(
        'd_model = {0}, so √d_model = {1}. The paper gives no reason for the factor; in this model the embeddings were initialised with standard deviation 1/√d_model, and the factor brings each component back to unit scale.',
        d,
        fmtNum(root, 2),
      ),
    },
  ];
}

/** The model's sinusoid table, and PE(pos)·PE(pos+k) depending on k only. */
export async function positionalEncodingLab(input: LabInput): Promise<LabBlock[]> {
  const o = await input.run(['emb_position']);
  const [, T, d] = o.emb_position.dims;
  const pe = o.emb_position.data;
  const g = gram(pe, T, d);
  const byOffset = Array.from({ length: T }, (_, k) => g[k]);
  return [
    {
      kind: 'claim',
      text: t(
        'Each position gets a fixed pattern of sines and cosines; the dot product of two positions’ encodings depends only on how far apart they are.',
      ),
    },
    {
      kind: 'heatmaps',
      items: [
        {
          title: t('PE(pos, i): positions down, dimensions across'),
          rows: T,
          cols: d,
          data: Array.from(pe),
          rowLabels: input.labels,
          signed: true,
        },
        {
          title: t('PE(pos)·PE(pos′)'),
          rows: T,
          cols: T,
          data: Array.from(g),
          rowLabels: input.labels,
          colLabels: input.labels,
          signed: true,
        },
      ],
    },
    {
      kind: 'line',
      title: t('PE(0)·PE(k) against the offset k'),
      xLabel: 'k',
      x: byOffset.map((_, k) => k),
      series: [{ name: 'PE(0)·PE(k)', values: byOffset }],
    },
    {
      kind: 'metrics',
      items: [
        {
          label: t('Largest spread along any diagonal of the dot-product matrix (0 = depends on the offset only)'),
          value: fmtNum(toeplitzDeviation(g, T), 6),
          good: toeplitzDeviation(g, T) < 1e-3,
        },
      ],
    },
    {
      kind: 'note',
      text: t(
        'PE(pos+k) is a rotation of PE(pos) in each (sin, cos) pair, so relative offsets are linearly available; after the learned W_Q and W_K projections the model may or may not use them as cleanly.',
      ),
    },
  ];
}

/** Without positional information, shuffling the words only shuffles the attention matrix. */
export async function permutationLab(input: LabInput, layer: number): Promise<LabBlock[]> {
  const T = input.ids.length;
  const content = input.tokens.map((tk, i) => (tk.special ? -1 : i)).filter((i) => i >= 0);
  const mixed = shuffled(seededRandom(3), content);
  const perm = Array.from({ length: T }, (_, i) => i);
  content.forEach((pos, n) => (perm[pos] = mixed[n]));
  const pIds = perm.map((p) => input.ids[p]);
  const pSeg = perm.map((p) => input.segments[p]);
  const name = `attn_${layer}`;
  const [offA, offB, onA, onB] = await Promise.all([
    input.run([name], { posScale: 0 }),
    input.run([name], { ids: pIds, segments: pSeg, posScale: 0 }),
    input.run([name], { posScale: 1 }),
    input.run([name], { ids: pIds, segments: pSeg, posScale: 1 }),
  ]);
  const H = offA[name].dims[1];
  let errOff = 0,
    errOn = 0;
  for (let h = 0; h < H; h++) {
    const sl = (x: Float32Array) => x.subarray(h * T * T, (h + 1) * T * T);
    errOff = Math.max(errOff, permutationError(sl(offA[name].data), sl(offB[name].data), perm));
    errOn = Math.max(errOn, permutationError(sl(onA[name].data), sl(onB[name].data), perm));
  }
  // un-shuffle the shuffled run's matrix so it can be compared cell by cell with the original
  const back = (b: Float32Array) => {
    const out = new Array(T * T).fill(0);
    for (let i = 0; i < T; i++) for (let j = 0; j < T; j++) out[perm[i] * T + perm[j]] = b[i * T + j];
    return out;
  };
  const labels = input.labels;
  return [
    {
      kind: 'claim',
      text: t(
        'Self-attention by itself is blind to order: with the positional encoding switched off, shuffled words give the same attention, just shuffled; with it on, they do not.',
      ),
    },
    { kind: 'tokens', title: t('The shuffled text'), items: perm.map((p) => ({ text: input.tokens[p].text, tone: 'plain' as const })) },
    {
      kind: 'metrics',
      items: [
        { label: t('Positions off: max |A(shuffled) − P·A·Pᵀ|'), value: fmtNum(errOff, 7), good: errOff < 1e-5 },
        { label: t('Positions on: max |A(shuffled) − P·A·Pᵀ|'), value: fmtNum(errOn, 4), good: errOn > 1e-3 },
      ],
    },
    {
      kind: 'heatmaps',
      items: [
        tokenMap(t('Positions off: original'), offA[name].data.subarray(0, T * T), labels),
        tokenMap(t('Positions off: shuffled, put back in order'), back(offB[name].data.subarray(0, T * T)), labels),
        tokenMap(t('Positions on: original'), onA[name].data.subarray(0, T * T), labels),
        tokenMap(t('Positions on: shuffled, put back in order'), back(onB[name].data.subarray(0, T * T)), labels),
      ],
    },
    {
      kind: 'text',
      text: t(
        'Layer {0}, head 1 shown; the metrics cover every head. [CLS] and [SEP] stay in place; the model input pos_scale = 0 switches the positional encoding off.',
        layer + 1,
      ),
    },
  ];
}
