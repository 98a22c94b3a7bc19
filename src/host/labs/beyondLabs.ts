import * as l10n from '@vscode/l10n';
import { headMaskWithout, lensRows, rankHeads, settledAt } from '../../shared/beyond/logitLens';
import type { LabBlock } from '../../shared/labs/labTypes';
import { softmax } from '../../shared/stepMath';
import { groupWords, mergeAttention } from '../../shared/beyond/wordGroups';
import { fmtNum, type LabInput, labInput, maskChips, maskedToken } from './labInput';

const t = l10n.t;

/** The MLM head read off the residual stream after the embeddings and after every layer, at the masked token. */
export async function logitLensLab(input: LabInput, token: number | undefined): Promise<LabBlock[]> {
  const pick = maskedToken(input, token);
  const ids = [...input.ids];
  ids[pick] = input.core.config.special_tokens.mask;
  const lens = (await input.run(['lens_logits'], { ids, lensPosition: pick })).lens_logits;
  const [, rows, vocab] = lens.dims;
  const truth = input.ids[pick];
  const word = input.tokens[pick].text;
  const read = lensRows(lens.data, rows, vocab, truth, 5);
  const name = (id: number) => input.core.idToToken(id) ?? `#${id}`;
  const stage = (r: number) => (r === 0 ? t('embeddings') : t('after layer {0}', r));
  const settled = settledAt(read);
  return [
    {
      kind: 'claim',
      text: t(
        'The logit lens applies the model’s masked-LM head (through its final LayerNorm) to the residual stream after each layer: you see the prediction for a hidden word form layer by layer.',
      ),
    },
    maskChips(input, pick, t('Click a token to mask it')),
    {
      kind: 'table',
      head: [t('read after'), ...[1, 2, 3, 4, 5].map((k) => t('guess {0}', k)), t('p(“{0}”)', word), t('rank of “{0}”', word)],
      rows: read.map((r, i) => [
        stage(i),
        ...r.top.map((g) => `${name(g.id)}${g.id === truth ? ' ✓' : ''} ${fmtNum(g.p, 3)}`),
        fmtNum(r.truthP, 4),
        String(r.truthRank),
      ]),
    },
    {
      kind: 'line',
      title: t('Probability of “{0}” at the masked position', word),
      xLabel: t('layer (0 = embeddings)'),
      x: read.map((_, i) => i),
      series: [{ name: `p(${word})`, values: read.map((r) => r.truthP) }],
    },
    {
      kind: 'metrics',
      items: [
        {
          label: t('The top guess stops changing'),
          value: settled === undefined ? '—' : settled === 0 ? t('from the embeddings on') : t('from layer {0} on', settled),
        },
        { label: t('Final guess'), value: `${name(read[rows - 1].top[0].id)}`, good: read[rows - 1].top[0].id === truth },
      ],
    },
    {
      kind: 'note',
      text: t(
        'The last row is exactly the model’s own output at this position. Earlier rows read a stream the head was never trained on, so they are a lens, not the model’s belief.',
      ),
    },
  ];
}

/**
 * Which heads matter for one masked word: the drop in the right word's probability when each head alone
 * is switched off (one run per head), and what-if: the heads the learner switches off, before and after.
 */
export async function whichHeadsLab(input: LabInput, token: number | undefined, off: readonly number[]): Promise<LabBlock[]> {
  const pick = maskedToken(input, token);
  const { num_layers: L, num_heads: H } = input.core.config;
  const ids = [...input.ids];
  ids[pick] = input.core.config.special_tokens.mask;
  const truth = input.ids[pick];
  const word = input.tokens[pick].text;
  const probsAt = async (mask: number[], names: string[] = []) => {
    const out = await input.run(['mlm_logits', ...names], { ids, headMask: mask });
    const v = out.mlm_logits.dims[2];
    return { p: softmax(out.mlm_logits.data.subarray(pick * v, (pick + 1) * v)), out };
  };
  const later = `attn_${L - 1}`;
  const base = await probsAt(headMaskWithout(L, H, []), [later]);
  const without: number[] = [];
  for (let i = 0; i < L * H; i++) without.push((await probsAt(headMaskWithout(L, H, [i]))).p[truth]);
  const ranked = rankHeads(base.p[truth], without, H);
  const label = (l: number, h: number) => t('L{0} H{1}', l + 1, h + 1);
  const switched = off.filter((i) => i < L * H);
  const after = switched.length ? await probsAt(headMaskWithout(L, H, switched), [later]) : undefined;
  const name = (id: number) => input.core.idToToken(id) ?? `#${id}`;
  const top = (p: Float64Array) =>
    [...p.keys()]
      .sort((a, b) => p[b] - p[a])
      .slice(0, 5)
      .map((id) => `${name(id)}${id === truth ? ' ✓' : ''} ${fmtNum(p[id], 3)}`);
  const blocks: LabBlock[] = [
    {
      kind: 'claim',
      text: t(
        'Switching one head off at a time and measuring what the prediction loses ranks the heads by what they contribute here; most heads barely matter for any one word (Michel et al. 2019).',
      ),
    },
    maskChips(input, pick, t('Click a token to mask it')),
    {
      kind: 'bars',
      title: t('Drop in p(“{0}”) when one head alone is switched off ({1} runs)', word, L * H),
      labels: ranked.map((r) => label(r.layer, r.head)),
      series: [{ name: t('drop in probability'), values: ranked.map((r) => r.drop) }],
    },
    {
      kind: 'metrics',
      items: [
        { label: t('p(“{0}”) with every head', word), value: fmtNum(base.p[truth], 4) },
        {
          label: t('The head that matters most'),
          value: t(
            '{0}: without it p falls by {1} ({2}% of p)',
            label(ranked[0].layer, ranked[0].head),
            fmtNum(ranked[0].drop, 4),
            base.p[truth] > 0 ? Math.round((100 * ranked[0].drop) / base.p[truth]) : 0,
          ),
        },
      ],
    },
    {
      kind: 'tokens',
      title: t('What if: click heads to switch them off and run again'),
      clickable: true,
      act: 'head',
      items: Array.from({ length: L * H }, (_, i) => ({
        text: label(Math.floor(i / H), i % H),
        index: i,
        pressed: switched.includes(i),
        tone: switched.includes(i) ? 'mask' : 'plain',
        note: switched.includes(i) ? t('switched off') : t('on'),
      })),
    },
  ];
  if (after) {
    const t2 = input.ids.length;
    const mean = (a: Float32Array) => {
      const m = new Array<number>(t2 * t2).fill(0);
      for (let h = 0; h < H; h++) for (let i = 0; i < t2 * t2; i++) m[i] += a[h * t2 * t2 + i] / H;
      return m;
    };
    const [b0, b1] = [mean(base.out[later].data), mean(after.out[later].data)];
    blocks.push(
      {
        kind: 'table',
        head: [
          t('guesses for “{0}”', word),
          t('with every head'),
          t('with {0} off', switched.map((i) => label(Math.floor(i / H), i % H)).join(t(', '))),
        ],
        rows: top(base.p).map((g, k) => [String(k + 1), g, top(after.p)[k]]),
      },
      {
        kind: 'metrics',
        items: [
          { label: t('p(“{0}”) after switching them off', word), value: fmtNum(after.p[truth], 4), good: after.p[truth] >= base.p[truth] },
        ],
      },
      {
        kind: 'heatmaps',
        items: [
          {
            title: t('Layer {0}, mean of heads: before', L),
            rows: t2,
            cols: t2,
            data: b0,
            rowLabels: input.labels,
            colLabels: input.labels,
          },
          { title: t('after'), rows: t2, cols: t2, data: b1, rowLabels: input.labels, colLabels: input.labels },
          {
            title: t('difference (after − before)'),
            rows: t2,
            cols: t2,
            data: b1.map((x, i) => x - b0[i]),
            rowLabels: input.labels,
            colLabels: input.labels,
            signed: true,
          },
        ],
      },
    );
  }
  return blocks;
}

/**
 * Two texts that differ in one word, side by side: the learner's text and the same text with the word
 * replaced, by one of the model's own guesses for it or by a word the learner types. The same layer and
 * head for both, aligned token by token where the two have as many tokens, else word by word, and their
 * difference.
 */
export async function compareLab(
  input: LabInput,
  source: string,
  params: { token?: number; swap?: number; swapText?: string },
  layer: number,
  head: number,
  /** the display language: Chinese text is split into words its way */
  locale: string,
): Promise<LabBlock[]> {
  const pick = maskedToken(input, params.token);
  const groups = groupWords(input.tokens, source, locale);
  const word = groups.find((g) => g.tokens.includes(pick)) ?? groups[0];
  const masked = [...input.ids];
  for (const i of word.tokens) masked[i] = input.core.config.special_tokens.mask;
  const mlm = (await input.run(['mlm_logits'], { ids: masked })).mlm_logits;
  const vocab = mlm.dims[2];
  const p = softmax(mlm.data.subarray(pick * vocab, (pick + 1) * vocab));
  const name = (id: number) => input.core.idToToken(id) ?? `#${id}`;
  // whole-word guesses only: a ## piece or a special token would not make a text to compare
  const specials = new Set(Object.values(input.core.config.special_tokens));
  const guesses = [...p.keys()]
    .filter((id) => id !== input.ids[pick] && !specials.has(id) && /^[\p{L}\p{N}]/u.test(name(id)) && name(id) !== word.text)
    .sort((a, b) => p[b] - p[a])
    .slice(0, 8);
  const typed = params.swapText?.trim();
  const chosen =
    typed || (params.swap !== undefined && params.swap < vocab && !specials.has(params.swap) ? name(params.swap) : name(guesses[0]));
  const text2 = source.slice(0, word.start) + chosen + source.slice(word.end);
  const input2 = labInput(input.core, text2, input.sample);
  const names = [`attn_${layer}`];
  const [a, b] = [(await input.run(names))[names[0]], (await input2.run(names))[names[0]]];
  const headOf = (x: Float32Array, t: number) => x.subarray(head * t * t, (head + 1) * t * t);
  let first: { data: number[]; labels: string[] };
  let second: { data: number[]; labels: string[] };
  let unit: 'tokens' | 'words' | 'none';
  if (input2.ids.length === input.ids.length) {
    unit = 'tokens';
    first = { data: Array.from(headOf(a.data, input.ids.length)), labels: input.labels };
    second = { data: Array.from(headOf(b.data, input2.ids.length)), labels: input2.labels };
  } else {
    // different numbers of pieces: words align (only one word differs), pieces do not
    const groups2 = groupWords(input2.tokens, text2, locale);
    const merge = (x: Float32Array, t: number, g: typeof groups) => ({
      data: Array.from(mergeAttention(headOf(x, t), 1, 1, g)),
      labels: g.map((w) => w.text),
    });
    first = merge(a.data, input.ids.length, groups);
    second = merge(b.data, input2.ids.length, groups2);
    unit = groups2.length === groups.length ? 'words' : 'none';
  }
  const n1 = first.labels.length;
  const n2 = second.labels.length;
  const blocks: LabBlock[] = [
    {
      kind: 'claim',
      text: t(
        'Attention is computed from the text itself: change one word and the weights of the other words change too, which a fixed pattern (a convolution, a position rule) would not do.',
      ),
    },
    maskChips(input, pick, t('Click the word to change'), false),
    {
      kind: 'tokens',
      title: t('Change “{0}” to (the model’s own guesses for it):', word.text),
      clickable: true,
      act: 'swap',
      items: guesses.map((id) => ({
        text: name(id),
        index: id,
        pressed: !typed && name(id) === chosen,
        tone: !typed && name(id) === chosen ? 'chosen' : 'plain',
      })),
    },
    { kind: 'input', label: t('or type a word:'), value: typed ?? '', button: t('Compare') },
    {
      kind: 'text',
      text: t('Layer {0}, head {1} (the panel’s): “{2}” and “{3}”.', layer + 1, head + 1, word.text, chosen),
    },
  ];
  const maps = [
    { title: t('with “{0}”', word.text), rows: n1, cols: n1, data: first.data, rowLabels: first.labels, colLabels: first.labels },
    { title: t('with “{0}”', chosen), rows: n2, cols: n2, data: second.data, rowLabels: second.labels, colLabels: second.labels },
  ];
  if (unit === 'none') {
    blocks.push(
      { kind: 'heatmaps', items: maps },
      { kind: 'note', text: t('The two texts do not have the same words, so they are shown side by side without a difference.') },
    );
    return blocks;
  }
  const diff = second.data.map((x, i) => x - first.data[i]);
  const changed = first.labels.findIndex((l, i) => l !== second.labels[i]);
  // which queries' attention moved most (total variation of their rows)
  const moved = first.labels.map((_, q) => 0.5 * diff.slice(q * n1, (q + 1) * n1).reduce((s2, d) => s2 + Math.abs(d), 0));
  const order = [...moved.keys()].filter((q) => q !== changed).sort((x, y) => moved[y] - moved[x]);
  blocks.push(
    {
      kind: 'heatmaps',
      items: [
        ...maps,
        {
          title: t('difference (second − first)'),
          rows: n1,
          cols: n1,
          data: diff,
          rowLabels: second.labels,
          colLabels: second.labels,
          signed: true,
        },
      ],
    },
    {
      kind: 'bars',
      title: t('How much each other token’s attention moved (half the sum of absolute changes in its row; 1 = all of it)'),
      labels: order.map((q) => first.labels[q]),
      series: [{ name: t('moved'), values: order.map((q) => moved[q]) }],
    },
    {
      kind: 'note',
      text:
        unit === 'tokens'
          ? t(
              'Both texts have the same number of tokens, so they align position by position. Open the question to see why a change in attention is still not an explanation of the prediction.',
            )
          : t(
              'The two texts have different numbers of word pieces, so both are merged into words (attention to a word summed over its pieces, from a word averaged) and aligned word by word.',
            ),
    },
  );
  return blocks;
}

/** One model's attention on the text, for the comparison of two models: the layer's heads averaged, in words. */
async function wordAttention(input: LabInput, source: string, layer: number, locale: string) {
  const l = Math.min(layer, input.core.attentionOutputs.length - 1);
  const heads = input.core.config.num_heads;
  // a bring-your-own export's attention has the names its graph gives it
  const name = input.core.attentionOutputs[l];
  const x = (await input.run([name]))[name].data;
  const T = input.ids.length;
  const mean = new Float32Array(T * T);
  for (let h = 0; h < heads; h++) for (let i = 0; i < T * T; i++) mean[i] += x[h * T * T + i] / heads;
  const groups = groupWords(input.tokens, source, locale);
  return { layer: l, heads, groups, data: Array.from(mergeAttention(mean, 1, 1, groups)), labels: groups.map((g) => g.text) };
}

/**
 * The compare lab's other comparison: the learner's own model and the bundled one on the same text. Their
 * tokenizers, sizes and heads differ, so neither a piece nor a head of one is the other's: each model's layer
 * (the panel's, or its last where it has fewer) is averaged over its heads and merged into words (a word's
 * attention to another summed over the other's pieces, from a word averaged over its own), and the two align
 * word by word where they read the same words.
 */
export async function compareModelsLab(
  mine: LabInput,
  bundled: LabInput,
  source: string,
  layer: number,
  locale: string,
): Promise<LabBlock[]> {
  const [a, b] = [await wordAttention(mine, source, layer, locale), await wordAttention(bundled, source, layer, locale)];
  const pieces = (input: LabInput) => ({
    kind: 'tokens' as const,
    title: t('{0} reads the text as {1} pieces:', input.core.files.name, input.ids.length),
    items: input.labels.map((text, index) => ({ text, index })),
  });
  const map = (input: LabInput, m: typeof a) => ({
    title: t('{0}: layer {1}, {2} heads averaged', input.core.files.name, m.layer + 1, m.heads),
    rows: m.labels.length,
    cols: m.labels.length,
    data: m.data,
    rowLabels: m.labels,
    colLabels: m.labels,
  });
  const blocks: LabBlock[] = [
    {
      kind: 'claim',
      text: t(
        'Two models, one text: each reads it through its own tokenizer and weights, so what one attends to is not what the other does. The difference comes from what each was trained on, its vocabulary and its size, not from the text.',
      ),
    },
    pieces(mine),
    pieces(bundled),
  ];
  const n = a.labels.length;
  if (n !== b.labels.length || a.labels.some((w, i) => w !== b.labels[i])) {
    blocks.push(
      { kind: 'heatmaps', items: [map(mine, a), map(bundled, b)] },
      { kind: 'note', text: t('The two models do not read the same words here, so they are shown side by side without a difference.') },
    );
    return blocks;
  }
  const diff = b.data.map((x, i) => x - a.data[i]);
  // which words' attention differs most between the models (total variation of their rows)
  const apart = a.labels.map((_, q) => 0.5 * diff.slice(q * n, (q + 1) * n).reduce((s, d) => s + Math.abs(d), 0));
  const order = [...apart.keys()].filter((q) => !a.groups[q].special).sort((x, y) => apart[y] - apart[x]);
  blocks.push(
    {
      kind: 'heatmaps',
      items: [
        map(mine, a),
        map(bundled, b),
        {
          title: t('difference (bundled − yours)'),
          rows: n,
          cols: n,
          data: diff,
          rowLabels: a.labels,
          colLabels: a.labels,
          signed: true,
        },
      ],
    },
    {
      kind: 'bars',
      title: t(
        'How differently the two models spread each word’s attention (half the sum of absolute differences in its row; 1 = nothing in common)',
      ),
      labels: order.map((q) => a.labels[q]),
      series: [{ name: t('apart'), values: order.map((q) => apart[q]) }],
    },
    {
      kind: 'note',
      text: t(
        'Both are merged into words and averaged over heads, because a piece or a head of one model has no counterpart in the other. Open the question to see why neither map is an explanation of what a model predicts.',
      ),
    },
  );
  return blocks;
}
