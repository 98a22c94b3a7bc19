import * as assert from 'node:assert';
import type * as Ort from 'onnxruntime-node';
import { concatLayers, EncoderCore, InputError, LONG_INPUT_TOKENS, type Tokenized } from '../../src/host/encoder/encoderCore';
import { loadRuntime } from '../../src/host/encoder/runtime';
import type { EncodingPayload } from '../../src/shared/encoding';
import { windowStarts } from '../../src/shared/windowStarts';
import { BUNDLED } from './modelFiles';
import { assertOffsets } from './offsets';

const content = (p: EncodingPayload) => p.tokens.filter((t) => !t.special);

suite('EncoderCore on the committed model', () => {
  let core: EncoderCore;
  suiteSetup(async () => {
    core = await EncoderCore.load(BUNDLED, await loadRuntime());
  });
  suiteTeardown(() => core?.release());

  test('a sentence: [CLS] tokens [SEP], attention [layer][head][query][key] with rows summing to 1, q/k/v per head', async () => {
    const text = 'The cat sat on the mat because it was tired.';
    const p = await core.encode({ text });
    const T = p.tokens.length;
    assert.strictEqual(p.tokens[0].text, '[CLS]');
    assert.strictEqual(p.tokens[T - 1].text, '[SEP]');
    assert.strictEqual(p.numLayers, core.config.num_layers);
    assert.strictEqual(p.numHeads, core.config.num_heads);
    assert.strictEqual(p.attention.length, p.numLayers * p.numHeads * T * T);
    assert.strictEqual(p.headDim, core.config.hidden_size / core.config.num_heads);
    for (const x of [p.q, p.k, p.v]) assert.strictEqual(x?.length, p.numLayers * p.numHeads * T * p.headDim);
    for (let row = 0; row < p.numLayers * p.numHeads * T; row++) {
      const sum = p.attention.subarray(row * T, row * T + T).reduce((a, b) => a + b, 0);
      assert.ok(Math.abs(sum - 1) < 1e-4, `row ${row} sums to ${sum}`);
    }
    assert.strictEqual(p.window, undefined);
    assert.strictEqual(p.text, text);
    assertOffsets(text, p);
  });

  test("the view graph stacks each kind over the layers: the payload takes that buffer as it is, with the whole graph's numbers", async () => {
    const whole = (core as unknown as { graph: { session: Ort.InferenceSession } }).graph.session;
    const worst = (x: Float32Array, y: Float32Array) => x.reduce((m, v, j) => Math.max(m, Math.abs(v - y[j])), 0);
    const layers = core.attentionOutputs.map((_, l) => l);
    for (const text of [
      'def forward(self, x):\n    return self.proj(x)',
      'A longer sentence comes second, so every buffer changes size.',
      'x',
    ]) {
      const prepared = core.prepare({ text });
      const T = prepared.ids.length;
      const feeds = core.feeds(
        prepared.ids,
        prepared.sequence.map((x) => x.segment),
      );
      const out = await core.run(feeds, core.encodeOutputs);
      const ref = await whole.run(feeds, core.encodeOutputs);
      for (const name of core.encodeOutputs) {
        assert.deepStrictEqual(out[name].dims, ref[name].dims, `${text}: ${name} dims`);
        assert.ok(worst(out[name].data, ref[name].data as Float32Array) <= 1e-6, `${text}: ${name}`);
      }
      // every layer asked for: views into one buffer per kind, handed on without a copy
      for (const p of ['attn', 'q', 'k', 'v']) {
        const parts = layers.map((l) => out[`${p}_${l}`].data);
        assert.strictEqual(concatLayers(parts).buffer, parts[0].buffer, `${text}: ${p} stacked in place`);
      }
      const payload = await core.encode({ text });
      assert.strictEqual(payload.tokens.length, T);
      // each flat array is a whole buffer of its own: nothing else rides along when it is posted
      for (const a of [payload.attention, payload.q, payload.k, payload.v]) assert.strictEqual(a?.byteLength, a?.buffer.byteLength);
    }
    // one layer alone, at batch 2 with padding (as a quiz asks): its own copy, with that batch's numbers
    const ids = core.prepare({ text: 'The cat sat on the mat.' }).ids;
    const T = ids.length;
    const feeds = core.feeds(
      [...ids, ...ids],
      [...ids, ...ids].map(() => 0),
      [...ids.map(() => 1), ...ids.map((_, i) => (i < T - 2 ? 1 : 0))],
      2,
    );
    const one = await core.run(feeds, ['attn_1']);
    const ref = await whole.run(feeds, ['attn_1']);
    assert.deepStrictEqual(one.attn_1.dims, [2, core.config.num_heads, T, T]);
    assert.strictEqual(one.attn_1.data.byteLength, one.attn_1.data.buffer.byteLength, 'a copy of its own');
    assert.ok(worst(one.attn_1.data, ref.attn_1.data as Float32Array) <= 1e-6, 'batch of 2');
  });

  test('a stacked view run that fails (layers of different shapes in another model) falls back to the whole graph, for good', async () => {
    const fresh = await EncoderCore.load(BUNDLED, await loadRuntime());
    try {
      const view = (await fresh.viewSession('qkv', 16)) as Ort.InferenceSession;
      const real = view.run.bind(view);
      let stackedRuns = 0;
      (view as { run: unknown }).run = (_feeds: Ort.InferenceSession.FeedsType, fetch: string[]) => {
        stackedRuns++;
        return Promise.reject(new Error(`Concat: inputs of different shapes (${fetch.join(', ')})`));
      };
      const text = 'The cat sat on the mat.';
      const p = await fresh.encode({ text });
      assert.strictEqual(stackedRuns, 1);
      const prepared = fresh.prepare({ text });
      const ref = await real(
        fresh.feeds(
          prepared.ids,
          prepared.sequence.map((x) => x.segment),
        ),
        ['tutor_view_attn'],
      );
      assert.deepStrictEqual(p.attention, ref.tutor_view_attn.data, 'the whole graph gave the same attention');
      await fresh.encode({ text: 'And again.' });
      assert.strictEqual(stackedRuns, 1, 'the stacks are not tried again');
      // a failure the whole graph shares is the caller's: reported, and the stacks stay in use
      const other = await EncoderCore.load(BUNDLED, await loadRuntime());
      try {
        const bad = other.feeds([2, 99999, 3], [0, 0, 0]);
        await assert.rejects(other.run(bad, other.encodeOutputs));
        const q = await other.run(other.feeds([2, 5, 3], [0, 0, 0]), other.encodeOutputs);
        assert.strictEqual(concatLayers(other.attentionOutputs.map((n) => q[n].data)).buffer, q.attn_0.data.buffer, 'still stacked');
      } finally {
        await other.release();
      }
    } finally {
      await fresh.release();
    }
  });

  test('concatLayers copies scattered layers, and returns layers already in place as one view', () => {
    const scattered = [Float32Array.of(1, 2), Float32Array.of(3, 4)];
    assert.deepStrictEqual([...concatLayers(scattered)], [1, 2, 3, 4]);
    // part of a larger buffer: copied, so nothing else rides along when the payload is posted
    const larger = new Float32Array(8);
    assert.notStrictEqual(concatLayers([larger.subarray(0, 3), larger.subarray(3, 6)]).buffer, larger.buffer);
    const whole = Float32Array.of(1, 2, 3, 4, 5, 6);
    const joined = concatLayers([whole.subarray(0, 3), whole.subarray(3, 6)]);
    assert.strictEqual(joined.buffer, whole.buffer);
    assert.deepStrictEqual([...joined], [1, 2, 3, 4, 5, 6]);
    // same buffer, wrong order: copied
    const swapped = concatLayers([whole.subarray(3, 6), whole.subarray(0, 3)]);
    assert.notStrictEqual(swapped.buffer, whole.buffer);
    assert.deepStrictEqual([...swapped], [4, 5, 6, 1, 2, 3]);
  });

  test('without q/k/v, encode runs a smaller cut of the graph, made at load; the q/k/v cut is made on first need', async () => {
    const fresh = await EncoderCore.load(BUNDLED, await loadRuntime());
    try {
      const made = (fresh as unknown as { graph: { views: { made: Map<string, unknown> } } }).graph.views.made;
      assert.deepStrictEqual([...made.keys()], ['attention/spinning'], 'only the attention cut at load');
      const text = 'The cat sat on the mat because it was tired.';
      const slim = await fresh.encode({ text, qkv: false });
      assert.deepStrictEqual([...made.keys()], ['attention/spinning'], 'still no q/k/v cut');
      assert.strictEqual(slim.qkvOmitted, true, 'the payload says q/k/v were left out, not missing from the model');
      assert.strictEqual(slim.q ?? slim.k ?? slim.v, undefined);
      const attention = await fresh.viewSession('attention', 16);
      assert.deepStrictEqual(attention?.outputNames, ['tutor_view_attn'], 'the attention cut outputs attention alone');
      const full = await fresh.encode({ text });
      assert.deepStrictEqual([...made.keys()].sort(), ['attention/spinning', 'qkv/spinning']);
      assert.strictEqual(full.qkvOmitted, undefined);
      assert.deepStrictEqual(slim.attention, full.attention, 'the same attention either way');
      assert.deepStrictEqual(slim.tokens, full.tokens);
      assert.strictEqual(slim.attention.byteLength, slim.attention.buffer.byteLength, 'a buffer of its own');
    } finally {
      await fresh.release();
    }
  });

  test('encode asks for attention and q/k/v only, never the MLM head', () => {
    assert.ok(!core.encodeOutputs.includes('mlm_logits'));
    assert.ok(core.encodeOutputs.includes('attn_0') && core.encodeOutputs.includes('v_3'));
  });

  suite('text longer than the window', () => {
    const text = Array.from({ length: 180 }, (_, i) => `Sentence ${i}: the cat sat on the mat.`).join(' ');
    let total: number;
    suiteSetup(() => {
      total = core.tokenize(text).tokens.length;
      assert.ok(total > 2 * 510, `the text needs three windows (${total} tokens)`);
    });

    test('window 0: the first 510 tokens, 512 in all, with the window described', async () => {
      const p = await core.encode({ text });
      assert.strictEqual(p.tokens.length, 512);
      assert.deepStrictEqual(p.window, { index: 0, count: windowStarts(core.tokenize(text).tokens, text, 510).length, tokensTotal: total });
      assert.strictEqual(p.textOffset, 0);
      assertOffsets(text, p);
    });

    test('a long input runs on a second view session whose threads sleep, made once on first need, with the same numbers', async () => {
      const fresh = await EncoderCore.load(BUNDLED, await loadRuntime());
      try {
        const short = await fresh.viewSession('qkv', LONG_INPUT_TOKENS - 1);
        // concurrent first callers share one creation
        const [a, b] = [fresh.viewSession('qkv', LONG_INPUT_TOKENS), fresh.viewSession('qkv', 512)];
        assert.strictEqual(a, b);
        const long = await a;
        assert.ok(long && short);
        assert.notStrictEqual(long, short, 'a session of its own');
        assert.deepStrictEqual([...long.outputNames].sort(), [...short.outputNames].sort(), 'the same pruned graph');
        // 512 tokens through encode() (on the long session) and the whole graph agree
        for (let i = 0; i < 2; i++) {
          const p = await fresh.encode({ text });
          const prepared = fresh.prepare({ text });
          const feeds = fresh.feeds(
            prepared.ids,
            prepared.sequence.map((x) => x.segment),
          );
          const whole = await (fresh as unknown as { graph: { session: Ort.InferenceSession } }).graph.session.run(feeds, [
            'attn_3',
            'q_3',
          ]);
          const T = p.tokens.length;
          const H = p.numHeads;
          const worst = (x: Float32Array, y: Float32Array) => x.reduce((m, v, j) => Math.max(m, Math.abs(v - y[j])), 0);
          assert.ok(worst(p.attention.subarray(3 * H * T * T), whole.attn_3.data as Float32Array) <= 1e-6, 'attn_3');
          assert.ok(worst((p.q as Float32Array).subarray(3 * H * T * p.headDim), whole.q_3.data as Float32Array) <= 1e-6, 'q_3');
        }
      } finally {
        await fresh.release();
      }
    });

    test('a later window continues where the previous one ended, with offsets into the whole text', async () => {
      const all = core.tokenize(text).tokens;
      const before = content(await core.encode({ text, window: 0 }));
      const p = await core.encode({ text, window: 1 });
      const first = content(p)[0];
      const next = all[before.length];
      assert.deepStrictEqual([first.start, first.end], [next.span.start, next.span.end]);
      assert.strictEqual(p.textOffset, first.start);
      assert.strictEqual(p.text, text.slice(p.textOffset, content(p).at(-1)!.end));
      assert.strictEqual(p.tokens[0].start, first.start, '[CLS] sits at the window start');
      assertOffsets(text, p);
    });

    test('the window index is clamped (too large, negative, fractional, NaN)', async () => {
      const starts = windowStarts(core.tokenize(text).tokens, text, 510);
      const count = starts.length;
      const last = await core.encode({ text, window: 99 });
      assert.strictEqual(last.window?.index, count - 1);
      assert.strictEqual(last.tokens.length, total - starts[count - 1] + 2);
      assert.strictEqual(content(last).at(-1)!.end, text.length, 'the last window ends with the text');
      assertOffsets(text, last);
      assert.strictEqual((await core.encode({ text, window: -3 })).window?.index, 0);
      assert.strictEqual((await core.encode({ text, window: 1.7 })).window?.index, 1);
      assert.strictEqual((await core.encode({ text, window: Number.NaN })).window?.index, 0);
    });

    test('each window after the first starts at a word, where a full window would have cut one in two', async () => {
      // a word of three or more pieces, so that 510 tokens end inside one
      const word = 'zygomorphically';
      const pieces = core.tokenize(word).tokens.length;
      assert.ok(pieces >= 3 && 510 % pieces !== 0, `${word} is ${pieces} pieces`);
      const long = Array.from({ length: Math.ceil(1200 / pieces) }, () => word).join(' ');
      const all = core.tokenize(long).tokens;
      assert.ok(all[510].text.startsWith('##'), 'a full first window would end inside a word');
      const first = await core.encode({ text: long });
      const count = first.window!.count;
      let seen = 0;
      for (let w = 0; w < count; w++) {
        const p = w === 0 ? first : await core.encode({ text: long, window: w });
        const mine = content(p);
        assert.ok(p.tokens.length <= 512, `window ${w} holds ${p.tokens.length} tokens`);
        assert.strictEqual(mine[0].start, all[seen].span.start, `window ${w} continues where the one before ended`);
        assert.ok(
          !mine[0].text.startsWith('##') && (w === 0 || /\s/.test(long[mine[0].start - 1])),
          `window ${w} starts with "${mine[0].text}"`,
        );
        assertOffsets(long, p);
        seen += mine.length;
      }
      assert.strictEqual(seen, all.length, 'the windows hold every token once');
    });

    test('moving the window tokenises the text once; another text is tokenised anew', async () => {
      const calls: string[] = [];
      const windows = (core as unknown as { windows: { tokenize(t: string): Tokenized } }).windows;
      const tokenize = windows.tokenize;
      windows.tokenize = (t: string) => (calls.push(t), tokenize.call(windows, t));
      try {
        const other = text.replace('Sentence 7:', 'Line 7:');
        const w0 = await core.encode({ text: other });
        const w1 = await core.encode({ text: other, window: 1 });
        const w2 = await core.encode({ text: other, window: 2 });
        assert.strictEqual(calls.length, 1, 'one tokenisation for three windows');
        assert.deepStrictEqual([w0.window?.index, w1.window?.index, w2.window?.index], [0, 1, 2]);
        assertOffsets(other, w1);
        // a different text (same length even) is not taken for the one tokenised before
        const changed = await core.encode({ text: other.replace('Line 7:', 'Line 8:') });
        assert.strictEqual(calls.length, 2);
        assert.ok(
          changed.tokens.some((t) => t.text === '8'),
          'the new text was read',
        );
      } finally {
        windows.tokenize = tokenize;
      }
    });
  });

  suite('sentence pairs', () => {
    function assertPair(p: EncodingPayload, lastOfA: string, firstOfB: string) {
      const seps = p.tokens.map((t, i) => (t.special && t.text === '[SEP]' ? i : -1)).filter((i) => i >= 0);
      assert.strictEqual(seps.length, 2, 'one [SEP] between A and B, one at the end');
      const mid = seps[0];
      assert.strictEqual(p.tokens[mid - 1].text, lastOfA);
      assert.strictEqual(p.tokens[mid + 1].text, firstOfB);
      p.tokens.forEach((t, i) => assert.strictEqual(t.segment, i <= mid ? 0 : 1, `segment of token ${i} "${t.text}"`));
    }

    test('a blank line splits sentence A from sentence B', async () => {
      const text = 'The cat sat on the mat.\n\nIt was tired.';
      const p = await core.encode({ text });
      assertPair(p, '.', 'It');
      assertOffsets(text, p);
    });

    test('a blank line with CRLF and spaces on it', async () => {
      const text = 'The cat sat.\r\n  \r\nIt was tired.';
      const p = await core.encode({ text });
      assertPair(p, '.', 'It');
      assertOffsets(text, p);
    });

    test('a [SEP] typed in the text splits too, and is not kept as a token of the text', async () => {
      const text = 'The cat sat. [SEP] It was tired.';
      const p = await core.encode({ text });
      assertPair(p, '.', 'It');
      assert.ok(!p.tokens.some((t) => !t.special && t.text === '[SEP]'));
      assertOffsets(text, p);
    });

    test('a leading blank line does not make an empty sentence A', async () => {
      const text = '\n\nThe cat sat.\n\nIt was tired.';
      const p = await core.encode({ text });
      assertPair(p, '.', 'It');
    });

    test('one paragraph is one segment', async () => {
      const p = await core.encode({ text: 'The cat sat.\nIt was tired.' });
      assert.ok(p.tokens.every((t) => t.segment === 0));
    });
  });

  suite('text that cannot be encoded is an InputError', () => {
    for (const [name, text] of [
      ['empty', ''],
      ['whitespace', '  \r\n\t  \n'],
      [
        'binary',
        '\u0000\u0001\u0002\u0003PNG\u001a\u0000\u0000\u0000\rIHDR\u0000\u0000\u0001\u0000\u0000\u0000\u0001\u0000\b\u0006\u0000\u0000\u0000\ufffd\ufffd\ufffd',
      ],
      ['only removed characters', '\u200b\u200b\u00ad'],
    ] as const) {
      test(name, async () => {
        await assert.rejects(core.encode({ text }), (e: unknown) => e instanceof InputError && e.message.length > 0);
      });
    }
  });

  suite('offsets through encode()', () => {
    const cases: Record<string, string> = {
      prose: 'Attention is all you need, they said; the heads disagreed.',
      code: 'def forward(self, x):\n\tscores = q @ k.transpose(-2, -1) / math.sqrt(d_k)\n\treturn scores.softmax(-1)',
      'CRLF and tabs': 'line one\r\n\tcafé naïve\r\n\t\tline three',
      emoji: 'ok 👍🏽 then 👨‍👩‍👧 done 🙂',
      CJK: '多头注意力，让模型同时关注不同位置。',
      'right-to-left': 'مرحبا بالعالم and שלום mixed with English.',
      'typed specials': 'The [MASK] sat on the [UNK] mat.',
    };
    for (const [name, text] of Object.entries(cases)) {
      test(name, async () => {
        const p = await core.encode({ text, source: 'paragraph' });
        assertOffsets(text, p);
        assert.strictEqual(p.source, 'paragraph');
      });
    }

    test('UTF-16 offsets after surrogate pairs', async () => {
      const text = 'ok 👍🏽 then 👨‍👩‍👧 done';
      const p = await core.encode({ text });
      const done = p.tokens.find((t) => t.text === 'done')!;
      assert.strictEqual(done.start, text.indexOf('done'));
      const then = p.tokens.find((t) => t.text === 'then')!;
      assert.strictEqual(then.start, text.indexOf('then'));
    });

    test('CJK: one token per ideograph, at its own index', async () => {
      const text = '多头注意力';
      const p = await core.encode({ text });
      assert.deepStrictEqual(
        content(p).map((t) => [t.start, t.end]),
        [
          [0, 1],
          [1, 2],
          [2, 3],
          [3, 4],
          [4, 5],
        ],
      );
    });

    test('CRLF: the token after a line break starts after the \\r\\n', async () => {
      const text = 'alpha\r\nbeta';
      const p = await core.encode({ text });
      assert.strictEqual(content(p).find((t) => text.slice(t.start, t.end).startsWith('b'))!.start, 7);
    });
  });
});
