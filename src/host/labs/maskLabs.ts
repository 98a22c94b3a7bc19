import * as l10n from '@vscode/l10n';
import { attentionFromScores, corrupt, scoreMatrix } from '../../shared/labs/labMath';
import type { LabBlock } from '../../shared/labs/labTypes';
import { seededRandom } from '../../shared/quiz/rng';
import { softmax } from '../../shared/stepMath';
import { fmtNum, headSlice, type LabInput, maskChips, maskedToken, tokenMap } from './labInput';

const t = l10n.t;
const PADS = 8;

/** Mass on padded keys, averaged over real query rows of one [H, T, T] attention output. */
function padLeak(a: ArrayLike<number>, heads: number, T: number, real: number): { mean: number; max: number } {
  let sum = 0,
    max = 0,
    n = 0;
  for (let h = 0; h < heads; h++)
    for (let i = 0; i < real; i++) {
      let m = 0;
      for (let j = real; j < T; j++) m += a[(h * T + i) * T + j];
      sum += m;
      max = Math.max(max, m);
      n++;
    }
  return { mean: sum / n, max };
}

/** A padded batch row with the mask value −∞, −1e4, 0, or no mask at all. */
export async function paddingLab(input: LabInput, layer: number): Promise<LabBlock[]> {
  const pad = input.core.config.special_tokens.pad;
  const real = input.ids.length;
  const ids = [...input.ids, ...Array(PADS).fill(pad)];
  const segs = [...input.segments, ...Array(PADS).fill(0)];
  const mask = ids.map((_, i) => (i < real ? 1 : 0));
  const names = [`attn_${layer}`, `q_${layer}`, `k_${layer}`];
  const masked = await input.run(names, { ids, segments: segs, mask });
  const unmasked = await input.run([`attn_${layer}`], { ids, segments: segs, mask: ids.map(() => 1) });
  const [, H, T, dk] = masked[`q_${layer}`].dims;
  const rows: string[][] = [];
  const variants: [string, number | null][] = [
    [t('−∞ (what the model uses)'), -Infinity],
    ['−1e4', -1e4],
    ['−10', -10],
    ['0', 0],
  ];
  for (const [label, value] of variants) {
    let sum = 0,
      max = 0;
    for (let h = 0; h < H; h++) {
      const s = scoreMatrix(headSlice(masked[`q_${layer}`], h), 0, headSlice(masked[`k_${layer}`], h), 0, T, dk, Math.sqrt(dk));
      const keyMask = mask.map((m) => (m ? 0 : (value as number)));
      const a = attentionFromScores(s, T, keyMask);
      const leak = padLeak(a, 1, T, real);
      sum += leak.mean / H;
      max = Math.max(max, leak.max);
    }
    rows.push([label, fmtNum(sum, 6), fmtNum(max, 6)]);
  }
  const inModel = padLeak(masked[`attn_${layer}`].data, H, T, real);
  const none = padLeak(unmasked[`attn_${layer}`].data, H, T, real);
  rows.push([t('no mask (the whole model run with attention_mask = 1 everywhere)'), fmtNum(none.mean, 6), fmtNum(none.max, 6)]);
  const labels = [...input.labels, ...Array(PADS).fill('[PAD]')];
  return [
    {
      kind: 'claim',
      text: t(
        'Adding −∞ to the scores of padding keys gives them exactly zero weight after the softmax; a mask of 0 is no mask, and padding then soaks up attention.',
      ),
    },
    {
      kind: 'text',
      text: t(
        'Your text plus {0} [PAD] tokens, as in a batch where it is the shorter sequence. Layer {1}; all {2} heads.',
        PADS,
        layer + 1,
        H,
      ),
    },
    { kind: 'table', head: [t('mask value added to [PAD] keys'), t('mean attention on [PAD] per query'), t('largest')], rows },
    {
      kind: 'metrics',
      items: [
        { label: t('Attention on [PAD] returned by the model itself (mask −∞)'), value: fmtNum(inModel.max, 6), good: inModel.max === 0 },
      ],
    },
    {
      kind: 'heatmaps',
      items: [
        tokenMap(t('With the padding mask'), masked[`attn_${layer}`].data.subarray(0, T * T), labels),
        tokenMap(t('Without a mask'), unmasked[`attn_${layer}`].data.subarray(0, T * T), labels),
      ],
    },
    {
      kind: 'note',
      text: t(
        '−1e4 also rounds to exactly 0 in float32 here; in float16 (largest magnitude 65504) such constants must be chosen with care, and a row whose keys are all −∞ gives NaN.',
      ),
    },
  ];
}

/** Mask one token and read the model's guesses; and BERT's 80/10/10 corruption, sample by sample. */
export async function mlmLab(input: LabInput, token: number | undefined, seed: number): Promise<LabBlock[]> {
  const sp = input.core.config.special_tokens;
  const content = input.tokens.map((tk, i) => (tk.special ? -1 : i)).filter((i) => i >= 0);
  const pick = maskedToken(input, token);
  const ids = [...input.ids];
  ids[pick] = sp.mask;
  const out = (await input.run(['mlm_logits'], { ids }))['mlm_logits'];
  const V = out.dims[2];
  const probs = softmax(out.data.subarray(pick * V, (pick + 1) * V));
  const order = Array.from({ length: V }, (_, i) => i)
    .sort((a, b) => probs[b] - probs[a])
    .slice(0, 10);
  const tokenText = (id: number) => input.core.idToToken(id) ?? `#${id}`;
  const loss = -Math.log(Math.max(probs[input.ids[pick]], 1e-12));

  const rng = seededRandom(1000 + seed);
  const corrupted = corrupt(
    input.ids,
    input.tokens.map((tk) => tk.special),
    V,
    5,
    sp.mask,
    rng,
  );
  const cIds = corrupted.map((c) => c.id);
  const cOut = (await input.run(['mlm_logits'], { ids: cIds }))['mlm_logits'];
  let cLoss = 0,
    right = 0,
    n = 0;
  corrupted.forEach((c, i) => {
    if (!c.chosen) return;
    const p = softmax(cOut.data.subarray(i * V, (i + 1) * V));
    cLoss += -Math.log(Math.max(p[input.ids[i]], 1e-12));
    let best = 0;
    for (let v = 1; v < V; v++) if (p[v] > p[best]) best = v;
    if (best === input.ids[i]) right++;
    n++;
  });
  return [
    {
      kind: 'claim',
      text: t(
        'BERT learns by guessing hidden tokens from both sides; the [MASK] input token is not the attention mask, which only hides padding.',
      ),
    },
    maskChips(input, pick, t('Click a token to mask it')),
    {
      kind: 'table',
      head: [t('prediction for “{0}”', input.tokens[pick].text), t('probability')],
      rows: order.map((id) => [tokenText(id) + (id === input.ids[pick] ? ' ✓' : ''), fmtNum(probs[id], 4)]),
    },
    { kind: 'metrics', items: [{ label: t('Loss on the true token, −log p(“{0}”)', input.tokens[pick].text), value: fmtNum(loss) }] },
    {
      kind: 'text',
      text: t(
        'The 80/10/10 rule, sample {0}: each token is chosen with probability 15%; a chosen token becomes [MASK] (80%), a random token (10%) or stays (10%). The loss counts the chosen tokens only.',
        seed + 1,
      ),
    },
    {
      kind: 'tokens',
      title: t('Sample {0}', seed + 1),
      items: corrupted.map((c, i) => ({
        text: c.chosen ? tokenText(c.id) : input.tokens[i].text,
        tone: c.chosen ? c.how : 'plain',
        note: c.chosen ? t('was “{0}”', input.tokens[i].text) : undefined,
      })),
    },
    {
      kind: 'metrics',
      items: [
        { label: t('Chosen in this sample'), value: `${n} / ${content.length}` },
        { label: t('MLM loss on them (mean)'), value: n ? fmtNum(cLoss / n) : '—' },
        { label: t('Guessed right'), value: n ? `${right} / ${n}` : '—' },
      ],
    },
  ];
}
