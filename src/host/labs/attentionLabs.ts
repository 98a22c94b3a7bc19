import * as l10n from '@vscode/l10n';
import {
  asymmetry,
  attentionFromScores,
  dotVariance,
  meanEntropy,
  meanJsDistance,
  meanRowMax,
  meanSelf,
  meanSoftmaxGradNorm,
  scoreMatrix,
} from '../../shared/labs/labMath';
import type { LabBlock } from '../../shared/labs/labTypes';
import { seededRandom } from '../../shared/quiz/rng';
import { fmtNum, headSlice, type LabInput, tokenMap } from './labInput';

const t = l10n.t;

/** Multi-head vs one averaged head: how different the heads of one layer are. */
export async function multiHeadLab(input: LabInput, layer: number): Promise<LabBlock[]> {
  // by the model's own output name: a bring-your-own export's tapped Softmax is not called attn_N
  const name = input.core.attentionOutputs[layer];
  const out = (await input.run([name]))[name];
  const [, H, T] = out.dims;
  const a = out.data;
  const avg = new Array(T * T).fill(0);
  for (let h = 0; h < H; h++) for (let i = 0; i < T * T; i++) avg[i] += a[h * T * T + i] / H;
  const js: number[] = [];
  const rows: string[][] = [];
  for (let h = 0; h < H; h++) {
    const others = [];
    for (let g = 0; g < H; g++) if (g !== h) others.push(meanJsDistance(a, h * T * T, a, g * T * T, T));
    js.push(...others);
    rows.push([
      t('Head {0}', h + 1),
      fmtNum(meanEntropy(a.subarray(h * T * T, (h + 1) * T * T), T)),
      fmtNum(others.reduce((x, y) => x + y, 0) / others.length),
      fmtNum(meanJsDistance(a, h * T * T, avg, 0, T)),
    ]);
  }
  rows.push([t('Average of the heads'), fmtNum(meanEntropy(avg, T)), '—', '0']);
  const meanJs = js.reduce((x, y) => x + y, 0) / js.length;
  return [
    { kind: 'claim', text: t('Each head learns its own attention pattern; averaging them into one map blurs what each head found.') },
    {
      kind: 'heatmaps',
      items: [
        ...Array.from({ length: H }, (_, h) => tokenMap(t('Head {0}', h + 1), a.subarray(h * T * T, (h + 1) * T * T), input.labels)),
        tokenMap(t('Average of the heads'), avg, input.labels),
      ],
    },
    {
      kind: 'metrics',
      items: [
        { label: t('Mean Jensen–Shannon distance between heads (0 = identical, 1 = disjoint)'), value: fmtNum(meanJs), good: meanJs > 0.2 },
      ],
    },
    {
      kind: 'table',
      head: [t('Map'), t('Mean row entropy (nats)'), t('JS distance to the other heads'), t('JS distance to the average')],
      rows,
    },
    {
      kind: 'text',
      text: t(
        'Layer {0}. The average is what a single head of full width would have to settle for if it could express only one pattern per token.',
        layer + 1,
      ),
    },
  ];
}

/** Real scores Q·Kᵀ next to the replay with Q = K: symmetric, and each token drawn to itself. */
export async function qkLab(input: LabInput, layer: number, head: number): Promise<LabBlock[]> {
  const o = await input.run([`q_${layer}`, `k_${layer}`]);
  const q = headSlice(o[`q_${layer}`], head);
  const k = headSlice(o[`k_${layer}`], head);
  const [, , T, dk] = o[`q_${layer}`].dims;
  const scale = Math.sqrt(dk);
  const real = scoreMatrix(q, 0, k, 0, T, dk, scale);
  const same = scoreMatrix(k, 0, k, 0, T, dk, scale);
  const aReal = attentionFromScores(real, T);
  const aSame = attentionFromScores(same, T);
  return [
    {
      kind: 'claim',
      text: t(
        'With separate W_Q and W_K, “a attends to b” need not mean “b attends to a”; with Q = K the scores become symmetric and every token is pulled towards itself.',
      ),
    },
    {
      kind: 'heatmaps',
      items: [
        tokenMap(t('Real: softmax(QKᵀ/√d_k)'), aReal, input.labels),
        tokenMap(t('Replay with Q = K: softmax(KKᵀ/√d_k)'), aSame, input.labels),
      ],
    },
    {
      kind: 'metrics',
      items: [
        { label: t('Score asymmetry max|S − Sᵀ|, real'), value: fmtNum(asymmetry(real, T)) },
        { label: t('Score asymmetry, Q = K'), value: fmtNum(asymmetry(same, T)), good: asymmetry(same, T) < 1e-9 },
        { label: t('Mean attention to itself, real'), value: fmtNum(meanSelf(aReal, T)) },
        { label: t('Mean attention to itself, Q = K'), value: fmtNum(meanSelf(aSame, T)), good: meanSelf(aSame, T) > meanSelf(aReal, T) },
      ],
    },
    {
      kind: 'text',
      text: t(
        'Layer {0}, head {1}. k·k = ‖k‖² is each row’s largest possible score only when all keys have similar norms, so “drawn to itself” is a tendency, measured above, not a law.',
        layer + 1,
        head + 1,
      ),
    },
  ];
}

/** Softmax entropy, peak weight and gradient as the divisor moves from 1 past √d_k; var(q·k) vs d_k. */
export async function scaleLab(input: LabInput, layer: number, head: number): Promise<LabBlock[]> {
  const o = await input.run([`q_${layer}`, `k_${layer}`]);
  const q = headSlice(o[`q_${layer}`], head);
  const k = headSlice(o[`k_${layer}`], head);
  const [, , T, dk] = o[`q_${layer}`].dims;
  const raw = scoreMatrix(q, 0, k, 0, T, dk, 1);
  const root = Math.sqrt(dk);
  const divisors = [1, 1.5, 2, 3, 4, root, 8, 12, 16, 24, 32].filter((v, i, arr) => arr.indexOf(v) === i).sort((x, y) => x - y);
  const entropy: number[] = [],
    peak: number[] = [],
    grad: number[] = [];
  for (const d of divisors) {
    const a = attentionFromScores(
      raw.map((s) => s / d),
      T,
    );
    entropy.push(meanEntropy(a, T));
    peak.push(meanRowMax(a, T));
    grad.push(meanSoftmaxGradNorm(a, T));
  }
  const rng = seededRandom(7);
  const dims = [4, 16, 64, 256, 1024];
  const variances = dims.map((d) => dotVariance(d, 2000, rng));
  const idx = divisors.indexOf(root);
  return [
    {
      kind: 'claim',
      text: t('Without ÷√d_k, dot products grow with d_k, the softmax saturates towards one-hot, and its gradient vanishes.'),
    },
    {
      kind: 'slider',
      label: t('Divide the scores by'),
      values: divisors.map((d) => +d.toFixed(3)),
      initial: idx,
      readouts: [
        { label: t('Mean row entropy (nats)'), values: entropy.map((v) => fmtNum(v)) },
        { label: t('Mean largest weight per row'), values: peak.map((v) => fmtNum(v)) },
        { label: t('Mean softmax gradient norm ‖diag(a) − aaᵀ‖'), values: grad.map((v) => fmtNum(v, 4)) },
      ],
    },
    {
      kind: 'line',
      title: t('As the divisor grows (√d_k = {0} marked)', fmtNum(root, 2)),
      xLabel: t('divisor'),
      x: divisors,
      marker: root,
      logX: true,
      series: [
        { name: t('entropy'), values: entropy },
        { name: t('largest weight'), values: peak },
        { name: t('gradient norm'), values: grad },
      ],
    },
    {
      kind: 'table',
      head: [t('d_k'), t('measured var(q·k), 2000 random pairs'), t('theory: d_k')],
      rows: dims.map((d, i) => [String(d), fmtNum(variances[i], 1), String(d)]),
    },
    {
      kind: 'text',
      text: t(
        'Layer {0}, head {1}, d_k = {2}: the scores are the model’s own q·k for your text, divided by each value in turn. The table draws fresh unit-variance vectors: the variance of their dot product is d_k, so dividing by √d_k brings it back to 1.',
        layer + 1,
        head + 1,
        dk,
      ),
    },
  ];
}
