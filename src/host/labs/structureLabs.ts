import * as l10n from '@vscode/l10n';
import { rowNorms } from '../../shared/labs/labMath';
import type { LabBlock } from '../../shared/labs/labTypes';
import { softmax } from '../../shared/stepMath';
import { fmtNum, type LabInput } from './labInput';

const t = l10n.t;
const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / Math.max(1, xs.length);

/** How much each sub-layer writes into the residual stream, and what the LayerNorm after the embeddings does. */
export async function residualLab(input: LabInput): Promise<LabBlock[]> {
  const L = input.core.config.num_layers;
  const names = [
    'emb_sum',
    ...Array.from({ length: L + 1 }, (_, l) => `hidden_${l}`),
    ...Array.from({ length: L }, (_, l) => `attn_delta_${l}`),
  ];
  const o = await input.run(names);
  const [, T, d] = o.hidden_0.dims;
  const stream: number[] = [],
    attn: number[] = [],
    ffn: number[] = [];
  for (let l = 0; l < L; l++) {
    const h0 = o[`hidden_${l}`].data,
      h1 = o[`hidden_${l + 1}`].data,
      a = o[`attn_delta_${l}`].data;
    const f = h1.map((v, i) => v - h0[i] - a[i]); // the FFN's write: what the block added besides attention
    stream.push(mean(rowNorms(h0, T, d)));
    attn.push(mean(rowNorms(a, T, d)));
    ffn.push(mean(rowNorms(f, T, d)));
  }
  const stats = (x: Float32Array) => {
    const m = mean(Array.from(x));
    const sd = Math.sqrt(mean(Array.from(x, (v) => (v - m) ** 2)));
    return { m, sd, lo: Math.min(...x), hi: Math.max(...x) };
  };
  const before = stats(o.emb_sum.data);
  const after = stats(o.hidden_0.data);
  const bins = (x: Float32Array, lo: number, hi: number, n = 24) => {
    const c = new Array(n).fill(0);
    for (const v of x) c[Math.min(n - 1, Math.max(0, Math.floor(((v - lo) / (hi - lo)) * n)))]++;
    return c.map((k) => k / x.length);
  };
  const lo = Math.min(before.lo, after.lo),
    hi = Math.max(before.hi, after.hi);
  const edges = Array.from({ length: 24 }, (_, i) => fmtNum(lo + ((i + 0.5) * (hi - lo)) / 24, 1));
  return [
    {
      kind: 'claim',
      text: t(
        'Each sub-layer adds a correction to a residual stream that carries the input forward; the identity path is why deep stacks still train.',
      ),
    },
    {
      kind: 'bars',
      title: t('Mean vector norm per token, by layer'),
      labels: Array.from({ length: L }, (_, l) => t('Layer {0}', l + 1)),
      series: [
        { name: t('residual stream entering the layer'), values: stream },
        { name: t('attention sub-layer’s write'), values: attn },
        { name: t('FFN sub-layer’s write'), values: ffn },
      ],
    },
    {
      kind: 'table',
      head: [t('layer'), t('attention write / stream'), t('FFN write / stream')],
      rows: stream.map((s, l) => [String(l + 1), fmtNum(attn[l] / s), fmtNum(ffn[l] / s)]),
    },
    {
      kind: 'bars',
      title: t('Values before and after the LayerNorm that follows the embeddings'),
      labels: edges,
      series: [
        { name: t('token + position + segment (before)'), values: bins(o.emb_sum.data, lo, hi) },
        { name: t('after LayerNorm'), values: bins(o.hidden_0.data, lo, hi) },
      ],
    },
    {
      kind: 'metrics',
      items: [
        { label: t('Before LayerNorm: mean / std'), value: `${fmtNum(before.m)} / ${fmtNum(before.sd)}` },
        { label: t('After LayerNorm: mean / std'), value: `${fmtNum(after.m)} / ${fmtNum(after.sd)}` },
      ],
    },
    {
      kind: 'note',
      text: t(
        'This model is pre-LN: each sub-layer reads LayerNorm(x) and writes x + sublayer(LN(x)), so the stream itself is never normalised until the final LayerNorm. Dropout is off at inference.',
      ),
    },
  ];
}

const UNRELATED = {
  en: [
    'The recipe needs two cups of flour and a pinch of salt.',
    'Tickets for the evening train are sold at the north gate.',
    'Moss grows on the shaded side of old stone walls.',
  ],
  zh: ['这道菜需要两杯面粉和一小撮盐。', '晚班火车的车票在北门出售。', '苔藓长在老石墙背阴的一面。'],
};

/** Segment embeddings, switched; and the NSP head on the true next sentence vs a random one. */
export async function segmentsLab(input: LabInput): Promise<LabBlock[]> {
  const core = input.core;
  const sp = core.config.special_tokens;
  const content = input.tokens.filter((tk) => !tk.special);
  const ids = input.ids.filter((_, i) => !input.tokens[i].special);
  let aLen = content.findIndex((tk) => tk.segment === 1);
  let split = t('Your text already has a sentence pair (a blank line or [SEP]).');
  if (aLen <= 0) {
    // split at the sentence end nearest the middle
    const ends = content.map((tk, i) => (/^[.!?。！？;；]$/.test(tk.text) ? i + 1 : -1)).filter((i) => i > 0 && i < content.length);
    aLen = ends.length
      ? ends.reduce((b, i) => (Math.abs(i - content.length / 2) < Math.abs(b - content.length / 2) ? i : b))
      : Math.floor(content.length / 2);
    split = t('Your selection was split into sentence A and sentence B at the sentence end nearest its middle.');
  }
  if (aLen < 1 || aLen >= content.length) return [{ kind: 'claim', text: t('This lab needs at least two tokens of text.') }];
  const A = ids.slice(0, aLen),
    B = ids.slice(aLen);
  const pair = (a: number[], b: number[]) => ({
    ids: [sp.cls, ...a, sp.sep, ...b, sp.sep],
    segments: [0, ...a.map(() => 0), 0, ...b.map(() => 1), 1],
  });
  const zh = /[\u4e00-\u9fff]/.test(content.map((x) => x.text).join(''));
  const other = core.tokenize(UNRELATED[zh ? 'zh' : 'en'][aLen % 3]).tokens.map((x) => x.id);
  const isNext = async (p: { ids: number[]; segments: number[] }) => softmax((await input.run(['nsp_logits'], p)).nsp_logits.data)[1];
  const real = pair(A, B);
  const swapped = { ids: real.ids, segments: real.segments.map((s) => 1 - s) };
  const [pTrue, pRandom, pSwapped] = [await isNext(real), await isNext(pair(A, other)), await isNext(swapped)];
  const seg = await input.run(['emb_segment'], real);
  const d = seg.emb_segment.dims[2];
  const segA = seg.emb_segment.data.subarray(0, d);
  const segB = seg.emb_segment.data.subarray((aLen + 2) * d, (aLen + 3) * d);
  let dotAB = 0,
    nA = 0,
    nB = 0;
  for (let i = 0; i < d; i++) {
    dotAB += segA[i] * segB[i];
    nA += segA[i] ** 2;
    nB += segB[i] ** 2;
  }
  const tok = (id: number) => core.idToToken(id) ?? '?';
  return [
    {
      kind: 'claim',
      text: t('BERT adds a learned segment embedding (A or B) to every token so the [CLS] vector can judge whether B really follows A.'),
    },
    { kind: 'text', text: split },
    { kind: 'tokens', items: real.ids.map((id, i) => ({ text: tok(id), tone: real.segments[i] ? 'b' : 'a' })) },
    {
      kind: 'table',
      head: [t('input'), t('P(IsNext) from the NSP head')],
      rows: [
        [t('A + its real continuation B'), fmtNum(pTrue)],
        [t('A + an unrelated sentence: “{0}”', UNRELATED[zh ? 'zh' : 'en'][aLen % 3]), fmtNum(pRandom)],
        [t('A + B with the segment ids switched (A marked as B and B as A)'), fmtNum(pSwapped)],
      ],
    },
    {
      kind: 'metrics',
      items: [
        { label: t('‖segment A embedding‖ / ‖segment B embedding‖'), value: `${fmtNum(Math.sqrt(nA), 2)} / ${fmtNum(Math.sqrt(nB), 2)}` },
        { label: t('cosine(A, B)'), value: fmtNum(dotAB / Math.sqrt(nA * nB)) },
      ],
    },
    {
      kind: 'note',
      text: t(
        'RoBERTa later found that dropping NSP did not hurt downstream tasks; the segment embeddings still matter for sentence-pair inputs.',
      ),
    },
  ];
}
