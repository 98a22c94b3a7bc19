import * as assert from 'node:assert';
import * as vscode from 'vscode';
import type { LabResult } from '../../src/shared/labs/labTypes';
import { hasWebviewDriver, inAttentionPanel, inWebview, labBlock, labResult, screenshot, showText, tutor, waitFor } from './helpers';

const block = labBlock;
const metric = (r: LabResult, label: RegExp) =>
  r.blocks.flatMap((b) => (b.kind === 'metrics' ? b.items : [])).find((m) => label.test(m.label));

suite('The decoder beside the encoder', () => {
  suiteSetup(async () => {
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
  });

  test('The model switch: the panel redraws the same text with the decoder, causal and without [SEP], and back', async function () {
    if (!hasWebviewDriver()) this.skip();
    const { api, shown } = await showText('Grandpa reads the newspaper every morning.');
    assert.ok(!shown.payload.causal);
    api.panel.post({ type: 'showView', view: 'head' });
    await inWebview('main#view', { click: '.model-toggle[data-model="decoder"]' });
    const dec = await waitFor(
      'the decoder’s drawing',
      () => (api.attention.current?.payload.causal ? api.attention.current : undefined),
      60000,
    );
    const p = dec.payload;
    assert.strictEqual(dec.request.text, shown.request.text, 'the same text');
    assert.deepStrictEqual(
      p.tokens.map((t) => t.text),
      shown.payload.tokens.slice(0, -1).map((t) => t.text),
      'the encoder’s tokens without the closing [SEP]',
    );
    const T = p.tokens.length;
    for (let i = 0; i < p.numLayers * p.numHeads; i++)
      for (let q = 0; q < T; q++) for (let k = q + 1; k < T; k++) assert.strictEqual(p.attention16[(i * T + q) * T + k], 0);
    const panel = await waitFor('the panel says causal', async () => {
      const v = await inAttentionPanel<{ status: string; pressed: string }>(
        `({ status: document.querySelector('.status').textContent, pressed: document.querySelector('.model-toggle[aria-pressed="true"]').dataset.model })`,
      );
      return /causal/.test(v.status) ? v : undefined;
    });
    assert.strictEqual(panel.pressed, 'decoder');
    assert.match(panel.status, /tiny-gpt/);
    await screenshot('decoder-switch-head');
    await inWebview('main#view', { click: '.model-toggle[data-model="encoder"]' });
    const back = await waitFor(
      'the encoder again',
      () => (api.attention.current && !api.attention.current.payload.causal ? api.attention.current : undefined),
      60000,
    );
    assert.strictEqual(back.payload.tokens.length, shown.payload.tokens.length);
  });

  test('Side by side: both models on the same selection, one column each, in the matrix view', async function () {
    if (!hasWebviewDriver()) this.skip();
    const api = await tutor();
    await showText('我妈妈每天早上六点起床做早饭。');
    api.panel.post({ type: 'showView', view: 'matrix' });
    await inWebview('main#view', { click: '.model-toggle[data-model="both"]' });
    const both = await waitFor('both models', () => (api.attention.current?.payload.partner ? api.attention.current : undefined), 60000);
    assert.ok(!both.payload.causal, 'the encoder on the left');
    assert.strictEqual(both.payload.partner!.causal, true, 'the decoder beside it');
    const columns = await waitFor('two columns drawn', async () => {
      const c = await inAttentionPanel<{ title: string; canvases: number }[]>(
        `[...document.querySelectorAll('.side-column')].map((c) => ({ title: c.querySelector('.side-title').textContent, canvases: c.querySelectorAll('canvas').length }))`,
      );
      return c.length === 2 && c.every((x) => x.canvases > 0) ? c : undefined;
    });
    assert.match(columns[0].title, /Encoder/);
    assert.match(columns[1].title, /Decoder/);
    await screenshot('decoder-side-by-side');
    await inWebview('main#view', { click: '.model-toggle[data-model="encoder"]' });
    await waitFor('one model again', () => (api.attention.current && !api.attention.current.payload.partner ? true : undefined), 60000);
  });

  test('The causal mask: the real decoder gives no weight to later tokens, the encoder does', async () => {
    await showText('My brother walked the dog in the park after dinner.');
    const r = await labResult('causal-mask');
    const [dec, enc] = block(r, 'heatmaps').items;
    assert.match(dec.title, /Decoder/);
    for (let q = 0; q < dec.rows; q++) for (let k = q + 1; k < dec.cols; k++) assert.strictEqual(dec.data[q * dec.cols + k], 0);
    assert.strictEqual(dec.data[0], 1, 'the first token can only look at itself');
    let encFuture = 0;
    for (let q = 0; q < enc.rows; q++) for (let k = q + 1; k < enc.cols; k++) encFuture += enc.data[q * enc.cols + k];
    assert.ok(encFuture > 0.5, `the bidirectional encoder looks ahead (${encFuture})`);
    assert.strictEqual(metric(r, /Decoder: attention on later tokens/)?.good, true);
    await screenshot('decoder-causal-mask');
  });

  test('The KV cache: generation with and without it gives the same tokens, and each later step computes one key', async () => {
    await showText('我们明天早上一起去公园散步，');
    const r = await labResult('kv-cache');
    assert.strictEqual(metric(r, /Same tokens with and without the cache/)?.good, true);
    const slider = block(r, 'slider');
    assert.strictEqual(slider.values.length, 8, 'eight steps');
    const computed = slider.readouts[2].values.map(Number);
    const without = slider.readouts[3].values.map(Number);
    assert.ok(
      computed.slice(1).every((c) => c === computed[1]),
      'one token per later step, at the same cost',
    );
    assert.ok(
      without.every((w, i) => i === 0 || w > without[i - 1]),
      'without the cache every step costs more than the last',
    );
    assert.strictEqual(computed[0], without[0], 'step 1 computes the prompt either way');
    const chosen = block(r, 'tokens').items.filter((i) => i.tone === 'chosen');
    assert.strictEqual(chosen.length, 8);
    await screenshot('decoder-kv-cache');
  });

  test('Decoding: a lower temperature sharpens the distribution, and top-k 1 samples exactly the greedy continuation', async function () {
    await showText('Every morning before work, I make a cup of');
    const r = await labResult('decoding');
    const bars = block(r, 'bars');
    const [model, shaped] = bars.series;
    model.values.forEach((v, i) => assert.ok(Math.abs(v - shaped.values[i]) < 1e-9, 'the default settings leave the distribution alone'));
    if (!hasWebviewDriver()) this.skip();
    const cold = await labResult('decoding', () =>
      inWebview('main#view', { click: `.lab-choice button[data-param="temperature"][data-value="0.3"]` }),
    );
    const c = block(cold, 'bars').series;
    assert.ok(c[1].values[0] > c[0].values[0], `temperature 0.3 raises the top token (${c[0].values[0]} → ${c[1].values[0]})`);
    assert.strictEqual(block(cold, 'choice').current, 0.3);
    const greedy = await labResult('decoding', () =>
      inWebview('main#view', { click: `.lab-choice button[data-param="topK"][data-value="1"]` }),
    );
    assert.strictEqual(metric(greedy, /Tokens that can be drawn/)?.value, '1');
    const [g, s] = block(greedy, 'table').rows;
    assert.strictEqual(s[1], g[1], 'top-k 1 samples the greedy continuation');
    assert.strictEqual(block(greedy, 'choice').current, 0.3, 'the temperature chosen before stays');
    const pressed = await inWebview<string>('main#view', {
      eval: `[...document.querySelectorAll('.lab-choice button[aria-pressed="true"]')].map((b) => b.dataset.param + '=' + b.dataset.value).join(',')`,
    });
    assert.strictEqual(pressed, 'temperature=0.3,topK=1,topP=1');
    await screenshot('decoder-decoding');
  });

  test('Induction heads: the text repeated, a score for every head, the strongest head drawn', async () => {
    const { shown } = await showText('Grandma keeps the biscuits in the blue tin on the top shelf.');
    const r = await labResult('induction');
    const [onText, onRandom] = block(r, 'heatmaps').items;
    assert.strictEqual(onText.data.length, shown.payload.numLayers * shown.payload.numHeads);
    assert.strictEqual(onRandom.data.length, onText.data.length);
    assert.ok(onText.data.every((s) => s >= 0 && s <= 1));
    const best = block(r, 'heatmaps', 1).items[0];
    const half = (best.rowLabels!.length - 1) / 2;
    assert.deepStrictEqual(best.rowLabels!.slice(1, 1 + half), best.rowLabels!.slice(1 + half), 'the text, twice');
    await screenshot('decoder-induction');
  });

  test('Masked vs causal: both models guess the hidden word, the encoder from both sides, the decoder from the left', async () => {
    await showText('She drank a glass of cold milk before bed.');
    const r = await labResult('masked-vs-causal');
    const table = block(r, 'table');
    assert.strictEqual(table.rows.length, 5);
    const hidden = block(r, 'tokens').items.findIndex((i) => i.tone === 'mask');
    assert.ok(hidden > 0);
    const [enc, dec] = block(r, 'heatmaps').items;
    assert.strictEqual(enc.rowLabels![hidden], '[MASK]');
    for (let q = 0; q < dec.rows; q++) for (let k = q + 1; k < dec.cols; k++) assert.strictEqual(dec.data[q * dec.cols + k], 0);
    await screenshot('decoder-masked-vs-causal');
  });
});
