import { fromWire } from '../../src/shared/attentionWire';
import * as assert from 'node:assert';
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { LockedToken } from '../../src/shared/attentionSession';
import { attentionRollout } from '../../src/shared/beyond/attentionRollout';
import {
  hasWebviewDriver,
  inAttentionPanel,
  inWebview,
  labBlock,
  labResult,
  panelShows,
  screenshot,
  showText,
  tutor,
  waitFor,
  EXTENSION_ID,
} from './helpers';

const QUERY_TOKENS = `[...document.querySelectorAll('#view .queries .tok')].map((e) => e.textContent)`;

type Decorations = { lastDrawn: { locked?: vscode.Range; levels: vscode.Range[][] } };

suite('Beyond raw attention', () => {
  suiteSetup(async () => {
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
  });

  test('Words: the head view merges word pieces into words, and the editor shades whole words', async function () {
    if (!hasWebviewDriver()) this.skip();
    const text = 'Yesterday my grandmother baked gingerbread for the neighbours.';
    const { api, editor, shown } = await showText(text);
    api.panel.post({ type: 'showView', view: 'head' });
    const pieces = await waitFor('the head view of the pieces', async () => {
      const t = await inAttentionPanel<string[]>(QUERY_TOKENS);
      return t.length === shown.payload.tokens.length ? t : undefined;
    });
    assert.ok(pieces.includes('##terday'), `the pieces view shows pieces: ${pieces.join(' ')}`);

    const words = await inWebview<string[]>(
      'main#view',
      { click: '.words-toggle' },
      { eval: `document.querySelector('.words-toggle').getAttribute('aria-pressed')` },
    );
    assert.strictEqual(words, 'true', 'the toggle says it is on');
    const merged = await waitFor('the head view in words', async () => {
      const t = await inAttentionPanel<string[]>(QUERY_TOKENS);
      return t.includes('grandmother') ? t : undefined;
    });
    assert.deepStrictEqual(merged, [
      '[CLS]',
      'Yesterday',
      'my',
      'grandmother',
      'baked',
      'gingerbread',
      'for',
      'the',
      'neighbours',
      '.',
      '[SEP]',
    ]);

    // locking a word in the panel locks its first piece in the session, marked as words, and the editor shades words
    await inWebview('main#view', { click: `#view .queries .tok:nth-child(${merged.indexOf('grandmother') + 1})` });
    const firstPiece = shown.payload.tokens.findIndex((t) => t.text === 'grand');
    const locked = await waitFor('the word locked', () => {
      const l: LockedToken | null = api.attention.session.locked;
      return l?.index === firstPiece && l.words ? l : undefined;
    });
    assert.ok(locked.words);
    const deco = await waitFor('word decorations', () => {
      const d = (api.attention as unknown as { decorations: Decorations }).decorations.lastDrawn;
      return d.locked && editor.document.getText(d.locked) === 'grandmother' ? d : undefined;
    });
    const shaded = deco.levels.flat().map((r) => editor.document.getText(r));
    assert.ok(shaded.length > 0, 'other words are shaded');
    assert.ok(
      shaded.every((w) => merged.includes(w)),
      `every shaded range is a whole word: ${shaded.join(', ')}`,
    );
    await screenshot('beyond-words-head');

    // back to pieces: the same word stays locked, as its first piece, and the editor shades pieces again
    await inWebview('main#view', { click: '.words-toggle' });
    await waitFor('pieces again', () => {
      const l = api.attention.session.locked;
      return l?.index === firstPiece && !l.words ? l : undefined;
    });
    await waitFor('piece decorations', () => {
      const d = (api.attention as unknown as { decorations: Decorations }).decorations.lastDrawn;
      return d.locked && editor.document.getText(d.locked) === 'grand' ? d : undefined;
    });
  });

  test('Words: Chinese characters join into the words the segmenter finds, in the head view and the matrix', async function () {
    if (!hasWebviewDriver()) this.skip();
    const { api, shown } = await showText('我的妈妈昨天很忙。');
    api.panel.post({ type: 'showView', view: 'head' });
    const state = await inAttentionPanel<string | null>(`document.querySelector('.words-toggle').getAttribute('aria-pressed')`);
    if (state !== 'true') await inWebview('main#view', { click: '.words-toggle' });
    const words = await waitFor('the head view in words', async () => {
      const t = await inAttentionPanel<string[]>(QUERY_TOKENS);
      return t.length < shown.payload.tokens.length ? t : undefined;
    });
    assert.ok(words.includes('妈妈') && words.includes('昨天'), `two-character words are one each: ${words.join(' ')}`);
    api.panel.post({ type: 'showView', view: 'matrix' });
    await screenshot('beyond-words-matrix-zh');
    await inWebview('main#view', { click: '.words-toggle' });
  });

  test('Through the layers: for the chosen token, rollout per layer as the math gives it, rows summing to 1; flow for short texts', async function () {
    if (!hasWebviewDriver()) this.skip();
    const text = 'The animal did not cross the street because it was too tired.';
    const { api, shown } = await showText(text);
    const p = shown.payload;
    const it = p.tokens.findIndex((t) => t.text === 'it');
    await inWebview('main#view', { click: '.tab[data-view="rollout"]' });
    await waitFor(
      'the rollout view',
      async () => (await inAttentionPanel<number>(`document.querySelectorAll('.rollout-table tbody tr').length`)) || undefined,
    );
    await inWebview('main#view', {
      eval: `(() => { const s = document.querySelector('.rollout-controls select'); s.value = '${it}'; s.dispatchEvent(new Event('change')); return 1; })()`,
    });
    const READ = `[...document.querySelectorAll('.rollout-table tbody tr')].map((tr) => [...tr.querySelectorAll('td')].map((td) => Number(td.textContent)))`;
    const rows = await waitFor('the table for "it"', async () => {
      const caption = await inAttentionPanel<string>(`document.querySelector('.rollout-table caption').textContent`);
      return caption.includes('“it”') ? inAttentionPanel<number[][]>(READ) : undefined;
    });
    assert.strictEqual(rows.length, p.numLayers, 'a row per layer');
    const t = p.tokens.length;
    const expected = attentionRollout(fromWire(p).payload.attention, p.numLayers, p.numHeads, t);
    rows.forEach((row, l) => {
      assert.strictEqual(row.length, t);
      const sum = row.reduce((a, b) => a + b, 0);
      assert.ok(Math.abs(sum - 1) < 0.01 * t, `layer ${l + 1} sums to ${sum}`);
      row.forEach((v, k) => assert.ok(Math.abs(v - expected[(l * t + it) * t + k]) <= 0.005 + 1e-9, `layer ${l + 1}, input ${k}: ${v}`));
    });
    assert.strictEqual(api.attention.session.locked?.index, it, 'the chosen token is the locked one (the editor shades what reaches it)');
    const summary = await inAttentionPanel<string>(`document.querySelector('.rollout-summary').textContent`);
    assert.match(summary, /“it” traces back most to “/);
    await screenshot('beyond-rollout');

    await inWebview('main#view', { click: '.rollout-methods [data-method="flow"]' });
    const flow = await waitFor('attention flow', async () => {
      const caption = await inAttentionPanel<string>(`document.querySelector('.rollout-table caption').textContent`);
      return caption.includes('flow') ? inAttentionPanel<number[][]>(READ) : undefined;
    });
    assert.strictEqual(flow.length, p.numLayers);
    assert.ok(
      flow.every((row) => row.every((v) => v >= 0 && v <= 1.005)),
      'no flow exceeds the capacity out of the token',
    );
    await screenshot('beyond-flow');
    await inWebview('main#view', { click: '.rollout-methods [data-method="rollout"]' });
  });

  const block = labBlock;

  test('The logit lens: a row after the embeddings and after every layer, the last being the model’s own guess for the masked word', async () => {
    const { shown } = await showText('My mother made coffee for breakfast before she went to work.');
    const r = await labResult('logit-lens');
    const table = block(r, 'table');
    assert.strictEqual(table.rows.length, shown.payload.numLayers + 1, 'embeddings + one row per layer');
    const masked = block(r, 'tokens').items.findIndex((i) => i.tone === 'mask');
    assert.ok(masked > 0, 'a word is masked');
    for (const row of table.rows) {
      assert.strictEqual(row.length, 8, 'stage, five guesses, p and rank of the word');
      const p = Number(row[6]);
      assert.ok(p >= 0 && p <= 1, `p = ${row[6]}`);
    }
    const line = block(r, 'line');
    assert.deepStrictEqual(
      line.series[0].values.map((v) => +v.toFixed(4)),
      table.rows.map((row) => +Number(row[6]).toFixed(4)),
      'the chart plots the table’s probabilities',
    );
    if (hasWebviewDriver()) {
      const rows = await waitFor('the lens table drawn', async () =>
        (await inAttentionPanel<number>(`document.querySelectorAll('.lab-table tr').length`)) > shown.payload.numLayers ? true : undefined,
      );
      assert.ok(rows);
      await screenshot('beyond-logit-lens');
    }
  });

  test('Which heads matter: one run per head ranks all of them, and switching heads off shows the prediction and attention before and after', async function () {
    const { shown } = await showText('My mother made coffee for breakfast before she went to work.');
    const { numLayers: L, numHeads: H } = shown.payload;
    const r = await labResult('which-heads');
    const bars = block(r, 'bars');
    assert.strictEqual(bars.labels.length, L * H, 'every head ranked');
    const drops = bars.series[0].values;
    assert.ok(
      drops.every((d, i) => i === 0 || drops[i - 1] >= d),
      'largest drop first',
    );
    assert.ok(!r.blocks.some((b) => b.kind === 'heatmaps'), 'no what-if before a head is switched off');
    if (!hasWebviewDriver()) this.skip();
    // the learner switches the most important head off, in the panel
    const chips = block(r, 'tokens', 1);
    const top = chips.items.findIndex((c) => c.text === bars.labels[0]);
    const after = await labResult('which-heads', () => inWebview('main#view', { click: `.head-switches button[data-index="${top}"]` }));
    const whatIf = block(after, 'table');
    assert.match(whatIf.head[2], new RegExp(bars.labels[0].replace(/\s/g, '\\s')), 'the table says which heads are off');
    const maps = block(after, 'heatmaps');
    assert.strictEqual(maps.items.length, 3, 'before, after and their difference');
    const [before, afterMap, diff] = maps.items;
    diff.data.forEach((d, i) => assert.ok(Math.abs(d - (afterMap.data[i] - before.data[i])) < 1e-9));
    await screenshot('beyond-which-heads');
  });

  test('Change one word: both texts, the same head, their difference aligned token by token; another guess swaps in', async function () {
    if (!hasWebviewDriver()) this.skip();
    const { shown } = await showText('The animal did not cross the street because it was too tired.');
    const r = await labResult('compare');
    assert.ok(!r.blocks.some((b) => b.kind === 'choice'), 'the bundled model alone: nothing else to compare it with');
    const [first, second, diff] = block(r, 'heatmaps').items;
    assert.strictEqual(first.rows, shown.payload.tokens.length);
    assert.strictEqual(second.rows, first.rows, 'the two texts align position by position');
    diff.data.forEach((d, i) => assert.ok(Math.abs(d - (second.data[i] - first.data[i])) < 1e-9));
    const changed = second.rowLabels!.findIndex((l, i) => l !== first.rowLabels![i]);
    assert.ok(changed > 0, 'exactly one word differs');
    assert.strictEqual(second.rowLabels!.filter((l, i) => l !== first.rowLabels![i]).length, 1);
    const guesses = block(r, 'tokens', 1);
    const next = guesses.items.find((g) => !g.pressed)!;
    const again = await labResult('compare', () => inWebview('main#view', { click: `.swaps button[data-index="${next.index}"]` }));
    const [, swapped] = block(again, 'heatmaps').items;
    assert.strictEqual(swapped.rowLabels![changed], next.text, 'the chosen guess is the second text’s word');
    await screenshot('beyond-compare');

    // a word the learner types, of another number of pieces: both texts are merged into words and aligned word by word
    const typed = await labResult('compare', () =>
      inWebview(
        'main#view',
        { eval: `(() => { document.querySelector('.lab-input input').value = 'motorway'; return 1; })()` },
        { click: '.lab-input-go' },
      ),
    );
    const [w1, w2, wd] = block(typed, 'heatmaps').items;
    assert.ok(w2.rowLabels!.includes('motorway'), `the typed word is one row: ${w2.rowLabels!.join(' ')}`);
    assert.strictEqual(w1.rows, w2.rows, 'word by word, the two texts align');
    wd.data.forEach((d, i) => assert.ok(Math.abs(d - (w2.data[i] - w1.data[i])) < 1e-9));
  });

  test('Your own model beside the bundled one: the text in each one’s pieces, heads averaged, in words, their difference aligned word by word', async function () {
    if (!hasWebviewDriver()) this.skip();
    const api = await tutor();
    const root = vscode.extensions.getExtension(EXTENSION_ID)!.extensionPath;
    const fixtures = path.join(root, 'test', 'fixtures', 'byo-models');
    const settings = vscode.workspace.getConfiguration('transformerTutor');
    const reset = () =>
      new Promise<void>((resolve) => {
        const d = api.encoder.onDidReset(() => (d.dispose(), resolve()));
      });
    try {
      // PyTorch's nn.TransformerEncoder (2 layers × 4 heads, no MLM head) with the 8,192-entry tokenizer it was made for
      const done = reset();
      await settings.update('model.tokenizerPath', path.join(fixtures, 'tokenizer-8192.json'), vscode.ConfigurationTarget.Global);
      await settings.update('model.onnxPath', path.join(fixtures, 'torch-encoder', 'model.onnx'), vscode.ConfigurationTarget.Global);
      await done;
      await showText('The animal did not cross the street because it was too tired.');
      const r = await labResult('compare');
      assert.strictEqual(r.title, 'Two models, one text: attention side by side');
      const choice = block(r, 'choice');
      assert.strictEqual(choice.current, 1, 'without an MLM head to guess words, the bundled model is what it compares with');
      assert.deepStrictEqual(
        choice.options.map((o) => o.value),
        [0, 1],
      );
      const [mine, bundled] = [block(r, 'tokens', 0), block(r, 'tokens', 1)];
      assert.match(mine.title ?? '', /^model\.onnx reads the text as \d+ pieces/);
      assert.match(bundled.title ?? '', /^tiny-bert \(bundled\) reads the text as \d+ pieces/);
      const [a, b, diff] = block(r, 'heatmaps').items;
      assert.match(a.title, /model\.onnx: layer 1, 4 heads averaged/, 'the panel’s layer, heads averaged');
      assert.match(b.title, /tiny-bert \(bundled\): layer 1, 4 heads averaged/);
      assert.deepStrictEqual(a.rowLabels, b.rowLabels, 'the same words, in the same order');
      assert.ok(a.rowLabels!.includes('animal') && a.rowLabels!.includes('tired'));
      for (const m of [a, b])
        for (let q = 0; q < m.rows; q++) {
          const sum = m.data.slice(q * m.cols, (q + 1) * m.cols).reduce((s, x) => s + x, 0);
          assert.ok(Math.abs(sum - 1) < 1e-4, `${m.title}: row ${q} sums to ${sum}`);
        }
      diff.data.forEach((d, i) => assert.ok(Math.abs(d - (b.data[i] - a.data[i])) < 1e-9));
      await screenshot('beyond-compare-models');
      // a word changed instead: the export has no MLM head to guess words with, and the lab says so beside the switch
      const words = await labResult('compare', () => inWebview('main#view', { click: '.lab-choice button[data-value="0"]' }));
      assert.strictEqual(block(words, 'choice').current, 0);
      assert.strictEqual(words.title, 'Change one word: attention side by side');
      assert.match(block(words, 'claim').text, /unavailable for the model “model\.onnx”/);
    } finally {
      await settings.update('model.onnxPath', undefined, vscode.ConfigurationTarget.Global);
      await settings.update('model.tokenizerPath', undefined, vscode.ConfigurationTarget.Global);
      await waitFor('the bundled model back', async () =>
        (await api.encoder.get()).files.name === 'tiny-bert (bundled)' ? true : undefined,
      );
    }
  });

  test('Try it on the rollout question opens the view through the layers; on the which-heads question, its lab', async function () {
    if (!hasWebviewDriver()) this.skip();
    const api = await tutor();
    await showText('The cat sat on the mat because it was tired.');
    await vscode.commands.executeCommand('transformerTutor.showInPanel', 'attention-rollout');
    await panelShows('the view through the layers', (v) => v.tab === 'rollout');
    assert.ok((await inAttentionPanel<number>(`document.querySelectorAll('.rollout-table tbody tr').length`)) > 0);
    api.attention.lastLab = undefined;
    await vscode.commands.executeCommand('transformerTutor.showInPanel', 'which-heads-matter');
    await waitFor('the which-heads lab', () => (api.attention.lastLab?.lab === 'which-heads' ? true : undefined), 60000);
    await panelShows('the labs', (v) => v.tab === 'labs');
  });
});
