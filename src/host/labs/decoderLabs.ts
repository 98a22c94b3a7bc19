import * as l10n from '@vscode/l10n';
import { inductionScore, inductionTargets, previousTokenScore, repeated } from '../../shared/decoder/induction';
import { cacheCosts, cacheTotals } from '../../shared/decoder/kvCache';
import { decodingDistribution, entropy, keptTokens, rankByProbability, temperatureSoftmax } from '../../shared/decoder/sampling';
import type { LabBlock, LabParams } from '../../shared/labs/labTypes';
import { seededRandom } from '../../shared/quiz/rng';
import { softmax } from '../../shared/stepMath';
import { DecoderCore } from '../decoder/decoderCore';
import { fmtNum, type LabInput, LAB_MAX_TOKENS, maskChips, maskedToken, tokenMap } from './labInput';

const t = l10n.t;

/** Tokens a decoder lab generates: enough to read as a continuation, few enough to follow step by step. */
const GENERATE_STEPS = 8;
/** The induction lab's text is repeated, so it takes at most half the lab's tokens. */
const INDUCTION_MAX = Math.floor((LAB_MAX_TOKENS - 1) / 2);

/** The text as the decoder reads it: [CLS] and up to `max` content tokens. */
function decoderInput(decoder: DecoderCore, source: string, max = LAB_MAX_TOKENS - 1): { ids: number[]; labels: string[] } {
  const content = decoder.tokenize(source).slice(0, max);
  const seq = decoder.sequence(content);
  return { ids: seq.map((s) => s.id), labels: seq.map((s) => s.text) };
}

/** One head's [T, T] block of a decoder run's attention for one layer ([heads][T][T]). */
function headOf(attention: Float32Array, head: number, T: number): Float32Array {
  return attention.subarray(head * T * T, (head + 1) * T * T);
}

/** Word pieces joined back into text for reading (`##` pieces glued on, Chinese characters without spaces). */
export function joinPieces(pieces: readonly string[]): string {
  let out = '';
  for (const p of pieces) {
    if (p.startsWith('##')) out += p.slice(2);
    else if (!out || /^[\p{P}\p{Script=Han}]/u.test(p) || /\p{Script=Han}$/u.test(out)) out += p;
    else out += ' ' + p;
  }
  return out;
}

/** The real decoder's attention beside the encoder's on the same text: trained causal vs bidirectional. */
export async function causalDecoderLab(
  input: LabInput,
  decoder: DecoderCore,
  source: string,
  layer: number,
  head: number,
): Promise<LabBlock[]> {
  const d = decoderInput(decoder, source);
  const run = await decoder.run(d.ids);
  const T = d.ids.length;
  const l = Math.min(layer, decoder.numLayers - 1);
  const h = Math.min(head, decoder.numHeads - 1);
  const dec = headOf(run.attention[l], h, T);
  const enc = (await input.run([`attn_${Math.min(layer, input.core.attentionOutputs.length - 1)}`]))[
    `attn_${Math.min(layer, input.core.attentionOutputs.length - 1)}`
  ];
  const E = input.ids.length;
  const encHead = enc.data.subarray(h * E * E, (h + 1) * E * E);
  const future = (a: ArrayLike<number>, n: number) => {
    let s = 0;
    for (let i = 0; i < n; i++) for (let j = i + 1; j < n; j++) s += a[i * n + j];
    return s / n;
  };
  return [
    {
      kind: 'claim',
      text: t(
        'A decoder adds −∞ above the diagonal of every attention score matrix, so each token sees itself and the tokens before it; trained that way, it learns to read left to right.',
      ),
    },
    {
      kind: 'heatmaps',
      items: [
        tokenMap(t('Decoder (causal), layer {0}, head {1}', l + 1, h + 1), dec, d.labels),
        tokenMap(t('Encoder (bidirectional), layer {0}, head {1}', l + 1, h + 1), encHead, input.labels),
      ],
    },
    {
      kind: 'metrics',
      items: [
        { label: t('Decoder: attention on later tokens (mean per row)'), value: fmtNum(future(dec, T)), good: future(dec, T) === 0 },
        { label: t('Encoder: attention on later tokens (mean per row)'), value: fmtNum(future(encHead, E)) },
        { label: t('Decoder: the first token’s weight on itself'), value: fmtNum(dec[0]) },
      ],
    },
    {
      kind: 'text',
      text: t(
        'Both models are the project’s own, with the same tokenizer and the same size; the decoder was trained to predict the next token, the encoder to fill in masked ones. The first row of the decoder’s map has one non-zero cell: the first token can only look at itself. Rows lower down spread over more and more of the text before them.',
      ),
    },
  ];
}

/** Generation step by step, with and without the KV cache: the same tokens, and what each step computes. */
export async function kvCacheLab(decoder: DecoderCore, source: string): Promise<LabBlock[]> {
  const d = decoderInput(decoder, source, LAB_MAX_TOKENS - 1 - GENERATE_STEPS);
  const t0 = performance.now();
  const cached = await decoder.generate(d.ids, GENERATE_STEPS, true);
  const t1 = performance.now();
  const plain = await decoder.generate(d.ids, GENERATE_STEPS, false);
  const t2 = performance.now();
  const same = cached.every((g, i) => g.id === plain[i].id);
  const costs = cacheCosts(d.ids.length, cached.length);
  const totals = cacheTotals(costs);
  const perModel = decoder.numLayers * decoder.numHeads;
  const generated = cached.map((g) => g.text);
  const all = [...d.labels, ...generated];
  const steps = cached.map((_, s) => s + 1);
  const fromCache = costs.map((c) => (c.fromCache ? t('{0} tokens: “{1}” … “{2}”', c.fromCache, all[0], all[c.fromCache - 1]) : t('none')));
  const computed = costs.map((c) =>
    c.step === 1 ? t('the whole prompt, {0} tokens', c.computedWithCache) : t('one token: “{0}”', all[c.length - 1]),
  );
  return [
    {
      kind: 'claim',
      text: t(
        'At each step a decoder needs the keys and values of every token so far; a KV cache keeps them, so a step computes them for the new token only and the answer does not change.',
      ),
    },
    {
      kind: 'tokens',
      title: t('Your text, then {0} tokens the decoder chose (greedy: the most likely each time)', cached.length),
      items: [
        ...d.labels.map((text) => ({ text, tone: 'plain' as const })),
        ...generated.map((text) => ({ text, tone: 'chosen' as const })),
      ],
    },
    { kind: 'text', text: t('Continuation as text: {0}', joinPieces(generated)) },
    {
      kind: 'slider',
      label: t('Generation step'),
      values: steps,
      initial: 0,
      readouts: [
        { label: t('Keys and values read from the cache'), values: fromCache },
        { label: t('Keys and values computed at this step'), values: computed },
        {
          label: t('Key vectors computed at this step, with the cache (whole model)'),
          values: costs.map((c) => String(c.computedWithCache * perModel)),
        },
        { label: t('… without the cache'), values: costs.map((c) => String(c.computedWithoutCache * perModel)) },
        {
          label: t('Query·key products at this step, with / without the cache (per head)'),
          values: costs.map((c) => `${c.dotsWithCache} / ${c.dotsWithoutCache}`),
        },
        { label: t('Token chosen, and its probability'), values: cached.map((g) => `${g.text}  ${fmtNum(g.p)}`) },
      ],
    },
    {
      kind: 'line',
      title: t('Key vectors computed so far (whole model)'),
      xLabel: t('generation step'),
      x: steps,
      sharedScale: true,
      series: [
        {
          name: t('with the cache'),
          values: costs.map((_, i) => costs.slice(0, i + 1).reduce((s, c) => s + c.computedWithCache, 0) * perModel),
        },
        {
          name: t('without the cache'),
          values: costs.map((_, i) => costs.slice(0, i + 1).reduce((s, c) => s + c.computedWithoutCache, 0) * perModel),
        },
      ],
    },
    {
      kind: 'metrics',
      items: [
        { label: t('Same tokens with and without the cache'), value: same ? t('yes, all {0}', cached.length) : t('no'), good: same },
        {
          label: t('Key vectors computed, with / without the cache'),
          value: `${totals.keysWith * perModel} / ${totals.keysWithout * perModel}`,
        },
        { label: t('Query·key products, with / without (per head)'), value: `${totals.dotsWith} / ${totals.dotsWithout}` },
        { label: t('Time on this machine, with / without the cache (ms)'), value: `${(t1 - t0).toFixed(0)} / ${(t2 - t1).toFixed(0)}` },
      ],
    },
    {
      kind: 'heatmaps',
      items: [
        {
          title: t('Last layer at the last step: each head’s attention over every token so far'),
          rows: decoder.numHeads,
          cols: all.length - 1,
          data: Array.from(cached[cached.length - 1].lastAttention),
          rowLabels: Array.from({ length: decoder.numHeads }, (_, h) => t('head {0}', h + 1)),
          colLabels: all.slice(0, -1),
        },
      ],
    },
    {
      kind: 'note',
      text: t(
        'The cache grows by one key and one value per layer and head at each step: for this model {0} numbers per token. Without it the work of a step grows with the length of the text; with it only the attention’s reading of the cache does.',
        2 * decoder.numLayers * decoder.config.hidden_size,
      ),
    },
  ];
}

const TEMPERATURES = [0.3, 0.7, 1, 1.5];
const TOP_KS = [0, 1, 5, 50];
const TOP_PS = [1, 0.95, 0.8, 0.5];

/** The next-token distribution after the text, as temperature, top-k and top-p reshape it, and what it then draws. */
export async function decodingLab(decoder: DecoderCore, source: string, params: LabParams): Promise<LabBlock[]> {
  const d = decoderInput(decoder, source, LAB_MAX_TOKENS - 1 - GENERATE_STEPS);
  const opts = { temperature: params.temperature ?? 1, topK: params.topK ?? 0, topP: params.topP ?? 1 };
  const run = await decoder.run(d.ids);
  const logits = DecoderCore.lastLogits(run);
  const model = temperatureSoftmax(logits, 1);
  const shaped = decodingDistribution(logits, opts);
  const top = rankByProbability(model).slice(0, 12);
  const kept = keptTokens(temperatureSoftmax(logits, opts.temperature), opts);
  const seed = params.seed ?? 0;
  const sampled = await decoder.generate(d.ids, GENERATE_STEPS, true, opts, seed);
  const greedy = await decoder.generate(d.ids, GENERATE_STEPS, true);
  const off = t('off');
  return [
    {
      kind: 'claim',
      text: t(
        'A decoder gives a distribution over the next token; temperature reshapes it, top-k and top-p cut its tail, and sampling draws from what is left — greedy decoding always takes the top.',
      ),
    },
    {
      kind: 'choice',
      param: 'temperature',
      label: t('Temperature'),
      options: TEMPERATURES.map((v) => ({ value: v, label: String(v) })),
      current: opts.temperature,
    },
    {
      kind: 'choice',
      param: 'topK',
      label: t('Top-k'),
      options: TOP_KS.map((v) => ({ value: v, label: v ? String(v) : off })),
      current: opts.topK,
    },
    {
      kind: 'choice',
      param: 'topP',
      label: t('Top-p'),
      options: TOP_PS.map((v) => ({ value: v, label: v < 1 ? String(v) : off })),
      current: opts.topP,
    },
    {
      kind: 'bars',
      title: t('The next token after “{0}”: the model’s probabilities and what these settings draw from', joinPieces(d.labels.slice(-6))),
      labels: top.map((i) => decoder.idToToken(i)),
      series: [
        { name: t('model (temperature 1)'), values: top.map((i) => model[i]) },
        { name: t('with these settings'), values: top.map((i) => shaped[i]) },
      ],
    },
    {
      kind: 'metrics',
      items: [
        { label: t('Tokens that can be drawn'), value: kept.length === logits.length ? t('all {0}', logits.length) : String(kept.length) },
        { label: t('Entropy, model → with these settings (nats)'), value: `${fmtNum(entropy(model))} → ${fmtNum(entropy(shaped))}` },
        {
          label: t('Probability of the most likely token, model → with these settings'),
          value: `${fmtNum(model[top[0]])} → ${fmtNum(shaped[top[0]])}`,
        },
      ],
    },
    {
      kind: 'table',
      head: [t('decoding'), t('the next {0} tokens', GENERATE_STEPS)],
      rows: [
        [t('greedy'), joinPieces(greedy.map((g) => g.text))],
        [t('sampled with these settings (sample {0})', seed + 1), joinPieces(sampled.map((g) => g.text))],
      ],
    },
    {
      kind: 'text',
      text: t(
        'Temperature divides the logits before the softmax: below 1 the top grows, above 1 the tail does. Top-k keeps the k most likely tokens; top-p keeps the most likely ones until their probabilities add up to p, so it keeps few tokens where the model is sure and many where it is not. What is kept is renormalised to sum to 1. The same sample number draws the same tokens again.',
      ),
    },
  ];
}

/** Repeat the text: a head that looks at what followed the earlier occurrence of the current token lights up. */
export async function inductionLab(decoder: DecoderCore, source: string, params: LabParams): Promise<LabBlock[]> {
  const d = decoderInput(decoder, source, INDUCTION_MAX);
  const cls = decoder.config.special_tokens.cls;
  const content = d.ids.slice(1);
  const ids = [cls, ...repeated(content)];
  const labels = [d.labels[0], ...repeated(d.labels.slice(1))];
  const T = ids.length;
  const targets = inductionTargets(ids, new Set([cls]));
  const run = await decoder.run(ids);
  const L = decoder.numLayers,
    H = decoder.numHeads;
  const scores: number[] = [];
  const prev: number[] = [];
  for (let l = 0; l < L; l++)
    for (let h = 0; h < H; h++) {
      const a = headOf(run.attention[l], h, T);
      scores.push(inductionScore(a, T, targets));
      prev.push(previousTokenScore(a, T));
    }
  const best = scores.reduce((b, s, i) => (s > scores[b] ? i : b), 0);
  // Olsson et al.'s own measure: random tokens, repeated, so that nothing but the repeat can be predicted
  const rng = seededRandom(1 + (params.seed ?? 0));
  const special = Object.values(decoder.config.special_tokens);
  const low = Math.max(...special) + 1;
  const random = Array.from({ length: Math.min(INDUCTION_MAX, 40) }, () => low + Math.floor(rng() * (decoder.config.vocab_size - low)));
  const rIds = [cls, ...repeated(random)];
  const rRun = await decoder.run(rIds);
  const rTargets = inductionTargets(rIds, new Set([cls]));
  const rScores: number[] = [];
  for (let l = 0; l < L; l++)
    for (let h = 0; h < H; h++) rScores.push(inductionScore(headOf(rRun.attention[l], h, rIds.length), rIds.length, rTargets));
  const rBest = rScores.reduce((b, s, i) => (s > rScores[b] ? i : b), 0);
  const name = (i: number) => t('layer {0}, head {1}', Math.floor(i / H) + 1, (i % H) + 1);
  const headLabels = Array.from({ length: H }, (_, h) => t('head {0}', h + 1));
  const layerLabels = Array.from({ length: L }, (_, l) => t('layer {0}', l + 1));
  return [
    {
      kind: 'claim',
      text: t(
        'An induction head completes patterns: at a token it has seen before, it attends to the token that came after it last time (… A B … A → B), which lets a model copy from its context.',
      ),
    },
    {
      kind: 'text',
      text: t(
        'Your text, twice in a row ({0} tokens). In the second copy every token has an earlier occurrence. In both grids a row is a layer and a column a head; the colour scale runs from 0 to 1, a head that always copies.',
        T,
      ),
    },
    {
      kind: 'heatmaps',
      items: [
        {
          title: t('Induction score per head, on your text repeated'),
          rows: L,
          cols: H,
          data: scores,
          rowLabels: layerLabels,
          colLabels: headLabels,
          scaleMax: 1,
        },
        {
          title: t('Induction score per head, on random tokens repeated'),
          rows: L,
          cols: H,
          data: rScores,
          rowLabels: layerLabels,
          colLabels: headLabels,
          scaleMax: 1,
        },
      ],
    },
    {
      kind: 'metrics',
      items: [
        { label: t('Strongest head on your text'), value: `${name(best)}: ${fmtNum(scores[best])}`, good: scores[best] >= 0.3 },
        {
          label: t('Strongest head on random tokens (Olsson et al.’s measure)'),
          value: `${name(rBest)}: ${fmtNum(rScores[rBest])}`,
          good: rScores[rBest] >= 0.3,
        },
        { label: t('That head’s mean attention on the previous token'), value: fmtNum(prev[best]) },
      ],
    },
    {
      kind: 'heatmaps',
      items: [
        tokenMap(
          t('{0} on your text repeated: the bright off-diagonal stripe is the induction pattern', name(best)),
          headOf(run.attention[Math.floor(best / H)], best % H, T),
          labels,
        ),
      ],
    },
    {
      kind: 'text',
      text: t(
        'The score is the mean attention from each token of the second copy to the token that followed its first occurrence (Olsson et al. 2022). A head with a score near 1 copies; a uniform head over n earlier tokens would score about 1/n. Induction heads need two layers: one head to note, at each token, which token came before it, and a later one to find that note.',
      ),
    },
  ];
}

/** The same sentence for both models: fill in a hidden word from both sides, or predict it from the left. */
export async function maskedVsCausalLab(
  input: LabInput,
  decoder: DecoderCore,
  token: number | undefined,
  layer: number,
  head: number,
): Promise<LabBlock[]> {
  // the decoder reads the encoder's token ids: only the bundled pair shares a vocabulary
  if (input.ids.some((id) => input.core.idToToken(id) !== decoder.idToToken(id))) {
    return [
      {
        kind: 'claim',
        text: t(
          'This lab sets the bundled decoder beside the encoder on the same tokens, so it needs the bundled encoder; your model “{0}” has another vocabulary.',
          input.core.files.name,
        ),
      },
    ];
  }
  const pick = maskedToken(input, token);
  const sp = input.core.config.special_tokens;
  const ids = [...input.ids];
  ids[pick] = sp.mask;
  const mlm = (await input.run(['mlm_logits'], { ids })).mlm_logits;
  const V = mlm.dims[2];
  const pEnc = softmax(mlm.data.subarray(pick * V, (pick + 1) * V));
  // the decoder reads the same tokens without the encoder's [SEP]: its prediction for position `pick` comes after pick − 1
  const kept = input.ids.map((_, i) => i).filter((i) => !(input.tokens[i].special && i > 0));
  const decIds = kept.map((i) => input.ids[i]);
  const at = kept.indexOf(pick);
  const run = await decoder.run(decIds);
  const vocab = run.logits.length / run.fresh;
  const pDec = softmax(run.logits.subarray((at - 1) * vocab, at * vocab));
  const truth = input.ids[pick];
  const rank = (p: Float64Array) => 1 + Array.from(p).filter((x) => x > p[truth]).length;
  const topOf = (p: Float64Array) => rankByProbability(p).slice(0, 5);
  const word = input.tokens[pick].text;
  const T = decIds.length;
  const l = Math.min(layer, decoder.numLayers - 1);
  const h = Math.min(head, decoder.numHeads - 1);
  const encAttn = (await input.run([`attn_${Math.min(layer, input.core.attentionOutputs.length - 1)}`], { ids }))[
    `attn_${Math.min(layer, input.core.attentionOutputs.length - 1)}`
  ];
  const E = input.ids.length;
  const content = input.tokens.filter((tk) => !tk.special).length;
  return [
    {
      kind: 'claim',
      text: t(
        'A masked LM (BERT) fills in a hidden token from both sides and learns from the ~15% it hides; a causal LM (GPT) predicts every next token from the left alone and learns from all of them.',
      ),
    },
    maskChips(input, pick, t('Click a token to hide it')),
    {
      kind: 'table',
      head: [
        t('encoder: “{0}” hidden, both sides seen', word),
        t('probability'),
        t('decoder: next token after “{0}”', decoder.idToToken(decIds[at - 1])),
        t('probability'),
      ],
      rows: topOf(pEnc).map((e, i) => {
        const dTop = topOf(pDec)[i];
        return [
          (input.core.idToToken(e) ?? `#${e}`) + (e === truth ? ' ✓' : ''),
          fmtNum(pEnc[e], 4),
          decoder.idToToken(dTop) + (dTop === truth ? ' ✓' : ''),
          fmtNum(pDec[dTop], 4),
        ];
      }),
    },
    {
      kind: 'metrics',
      items: [
        { label: t('Encoder: rank and probability of “{0}”', word), value: `${rank(pEnc)} · ${fmtNum(pEnc[truth], 4)}` },
        { label: t('Decoder: rank and probability of “{0}”', word), value: `${rank(pDec)} · ${fmtNum(pDec[truth], 4)}` },
        {
          label: t('Positions that give a training signal in this sentence: masked LM (15%) / causal LM'),
          value: `≈${fmtNum(content * 0.15, 1)} / ${T - 1}`,
        },
      ],
    },
    {
      kind: 'heatmaps',
      items: [
        tokenMap(
          t('Encoder, layer {0}, head {1}, with the token hidden', l + 1, h + 1),
          encAttn.data.subarray(h * E * E, (h + 1) * E * E),
          input.labels.map((x, i) => (i === pick ? '[MASK]' : x)),
        ),
        tokenMap(
          t('Decoder, layer {0}, head {1}', l + 1, h + 1),
          headOf(run.attention[l], h, T),
          decIds.map((id) => decoder.idToToken(id)),
        ),
      ],
    },
    {
      kind: 'text',
      text: t(
        'The encoder sees the words after the gap too, so it often guesses better; it cannot write text left to right, though, because it never learned to predict without the right-hand side. The decoder can continue any text, one token at a time, and every position of every training sentence taught it something.',
      ),
    },
  ];
}
