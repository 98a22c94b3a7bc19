import * as assert from 'node:assert';
import {
  type EncodeRequest,
  INITIAL_SESSION,
  parseSavedText,
  type SessionEffect,
  type SessionEvent,
  type SessionState,
  step,
  type TextRef,
} from '../../src/shared/attentionSession';
import type { WirePayload } from '../../src/shared/attentionWire';

/** A document text, as the host would read it from a selection. */
function text(t: string, over: Partial<TextRef> = {}): TextRef {
  return { uri: 'file:///a.md', version: 1, baseOffset: 0, text: t, origin: { line: 0, character: 0 }, source: 'selection', ...over };
}

/** What the encoder would answer: one token per word between [CLS] and [SEP]. */
function payloadFor(req: EncodeRequest, windows = 1): WirePayload {
  const words = [...req.text.matchAll(/\S+/g)].map((m) => ({
    text: m[0],
    start: m.index,
    end: m.index + m[0].length,
    segment: 0 as const,
    special: false,
  }));
  const tokens = [
    { text: '[CLS]', start: 0, end: 0, segment: 0 as const, special: true },
    ...words,
    { text: '[SEP]', start: req.text.length, end: req.text.length, segment: 0 as const, special: true },
  ];
  return {
    text: req.text,
    textOffset: 0,
    source: req.source,
    ...(windows > 1 ? { window: { index: req.window, count: windows, tokensTotal: 1000 } } : {}),
    tokens,
    numLayers: 2,
    numHeads: 2,
    headDim: 4,
    attention16: new Uint16Array(2 * 2 * tokens.length ** 2),
    layers: [0, 1],
    ...(req.qkv ? { q: new Float32Array(1), k: new Float32Array(1), v: new Float32Array(1) } : { qkvOmitted: true as const }),
    modelName: 'test',
  };
}

/** Runs events in order from a state, collecting every effect. */
class Session {
  effects: SessionEffect[] = [];
  constructor(public state: SessionState = INITIAL_SESSION) {}
  send(...events: SessionEvent[]): SessionEffect[] {
    const mine: SessionEffect[] = [];
    for (const e of events) {
      const r = step(this.state, e);
      this.state = r.state;
      mine.push(...r.effects);
    }
    this.effects.push(...mine);
    return mine;
  }
  /** The encoder answers the request last asked for. */
  answer(windows = 1): SessionEffect[] {
    const req = this.state.asked!;
    return this.send({ type: 'encoded', request: req, payload: payloadFor(req, windows) });
  }
}

const encodes = (effects: SessionEffect[]) => effects.flatMap((e) => (e.type === 'encode' ? [e.request] : []));
const kinds = (effects: SessionEffect[]) => effects.map((e) => e.type);

/** A session with the panel open on `t`, drawn. */
function drawn(t = 'the cat sat on the mat', view: SessionState['view'] = 'head'): Session {
  const s = new Session({ ...INITIAL_SESSION, view });
  s.send({ type: 'show', text: text(t) });
  s.answer();
  return s;
}

suite('Attention session', () => {
  suite('following the selection', () => {
    test('the command opens the panel and runs the text, without q/k/v outside the step view', () => {
      const s = new Session();
      const fx = s.send({ type: 'show', text: text('hello world') });
      assert.deepStrictEqual(kinds(fx), ['reveal', 'encode']);
      assert.strictEqual(encodes(fx)[0].qkv, false);
      const shown = s.answer();
      assert.deepStrictEqual(kinds(shown), ['clearDecorations', 'showEncoding']);
      assert.strictEqual(s.state.shown?.request.text, 'hello world');
    });

    test('a settled selection runs the new text; nothing runs while no panel is open', () => {
      const closed = new Session();
      assert.deepStrictEqual(closed.send({ type: 'selection', text: text('abc') }), []);
      const s = drawn();
      const fx = s.send({ type: 'selection', text: text('a dog') });
      assert.deepStrictEqual(
        encodes(fx).map((r) => r.text),
        ['a dog'],
      );
    });

    test('a selection that comes back to the text shown runs nothing, whichever window is shown', () => {
      const s = drawn();
      assert.deepStrictEqual(s.send({ type: 'selection', text: text('the cat sat on the mat') }), []);
      const long = new Session();
      long.send({ type: 'show', text: text('x y z') });
      long.answer(3);
      long.send({ type: 'moveWindow', delta: 1 });
      long.answer(3);
      assert.deepStrictEqual(long.send({ type: 'selection', text: text('x y z') }), [], 'window 2 of the same text is on show');
    });

    test('the text on its way is not asked for twice', () => {
      const s = drawn();
      s.send({ type: 'selection', text: text('a dog') });
      assert.deepStrictEqual(s.send({ type: 'selection', text: text('a dog') }), []);
    });

    test('the same words at another place or document version are another text', () => {
      const s = drawn();
      assert.strictEqual(encodes(s.send({ type: 'selection', text: text('the cat sat on the mat', { baseOffset: 40 }) })).length, 1);
      assert.strictEqual(
        encodes(s.send({ type: 'selection', text: text('the cat sat on the mat', { baseOffset: 40, version: 2 }) })).length,
        1,
      );
    });

    test('coming back to a text after a message runs it again', () => {
      const s = drawn();
      s.send({ type: 'selection', text: 'blank' });
      assert.strictEqual(encodes(s.send({ type: 'selection', text: text('the cat sat on the mat') })).length, 1);
    });

    test('a result that is no longer waited for is dropped', () => {
      const s = drawn();
      const old = s.state.asked!;
      s.send({ type: 'selection', text: text('a dog') });
      assert.deepStrictEqual(s.send({ type: 'encoded', request: old, payload: payloadFor(old) }), []);
      assert.deepStrictEqual(s.send({ type: 'failed', request: old, message: 'late' }), []);
      assert.strictEqual(s.state.message, undefined);
    });
  });

  suite('q/k/v', () => {
    test('q/k/v are part of the request: the step view asks for them, and two requests differ by them', () => {
      const s = drawn('one two', 'step');
      assert.strictEqual(s.state.shown?.request.qkv, true);
      const h = drawn('one two', 'head');
      assert.notDeepStrictEqual(h.state.shown?.request, s.state.shown?.request);
    });

    test('opening the step view on a drawing without q/k/v runs the same text again with them', () => {
      const s = drawn();
      const fx = s.send({ type: 'view', view: 'step' });
      assert.deepStrictEqual(encodes(fx), [{ ...s.state.shown!.request, qkv: true }]);
      assert.deepStrictEqual(s.send({ type: 'view', view: 'step' }), [], 'asked once');
    });

    test('opening the step view while a request runs waits for it, then asks again with q/k/v', () => {
      const s = drawn();
      s.send({ type: 'selection', text: text('a dog') });
      assert.deepStrictEqual(s.send({ type: 'view', view: 'step' }), []);
      const fx = s.answer();
      assert.ok(kinds(fx).includes('showEncoding'), 'the attention is drawn at once');
      assert.deepStrictEqual(
        encodes(fx).map((r) => [r.text, r.qkv]),
        [['a dog', true]],
      );
    });

    test('a drawing with q/k/v is not run again when the step view opens', () => {
      const s = drawn('one two', 'step');
      s.send({ type: 'view', view: 'head' });
      assert.deepStrictEqual(s.send({ type: 'view', view: 'step' }), []);
    });
  });

  suite('pinning', () => {
    test('a pinned panel ignores the selection; the command still runs', () => {
      const s = drawn();
      const fx = s.send({ type: 'pin', pinned: true, fromPanel: true });
      assert.deepStrictEqual(fx, [{ type: 'pinned', pinned: true, fromPanel: true }]);
      assert.deepStrictEqual(s.send({ type: 'selection', text: text('a dog') }), []);
      assert.strictEqual(encodes(s.send({ type: 'show', text: text('a dog') })).length, 1);
    });

    test('unpinning catches up with the selection made meanwhile', () => {
      const s = drawn();
      s.send({ type: 'pin', pinned: true, fromPanel: false });
      s.send({ type: 'selection', text: text('a dog') });
      const fx = s.send({ type: 'pin', pinned: false, fromPanel: true, selection: text('a dog') });
      assert.deepStrictEqual(
        encodes(fx).map((r) => r.text),
        ['a dog'],
      );
    });

    test('unpinning on the text shown, or with no selection, runs nothing', () => {
      const s = drawn();
      s.send({ type: 'pin', pinned: true, fromPanel: false });
      assert.deepStrictEqual(
        encodes(s.send({ type: 'pin', pinned: false, fromPanel: false, selection: text('the cat sat on the mat') })),
        [],
      );
      s.send({ type: 'pin', pinned: true, fromPanel: false });
      assert.deepStrictEqual(encodes(s.send({ type: 'pin', pinned: false, fromPanel: false })), []);
    });
  });

  suite('errors and messages', () => {
    test('an error takes the place of the drawing: old tokens, lock and editor shading go', () => {
      const s = drawn();
      s.send({ type: 'lock', token: { index: 2, layer: 1, heads: [] } });
      s.send({ type: 'selection', text: text('\u0000\u0001') });
      const fx = s.send({ type: 'failed', request: s.state.asked!, message: 'no tokens' });
      assert.deepStrictEqual(fx, [{ type: 'clearDecorations' }, { type: 'showMessage', kind: 'error', detail: 'no tokens' }]);
      assert.strictEqual(s.state.shown, undefined);
      assert.strictEqual(s.state.locked, null);
      assert.deepStrictEqual(s.send({ type: 'moveWindow', delta: 1 }), [], 'nothing left to page through');
      assert.deepStrictEqual(s.send({ type: 'cursor', uri: 'file:///a.md', offset: 5 }), [], 'no tokens to select');
    });

    test('a blank selection and no editor are messages too', () => {
      const s = drawn();
      assert.deepStrictEqual(s.send({ type: 'selection', text: 'blank' }).at(-1), { type: 'showMessage', kind: 'blank' });
      assert.strictEqual(s.state.shown, undefined);
      assert.deepStrictEqual(s.send({ type: 'show', text: 'noEditor' }).at(-1), { type: 'showMessage', kind: 'noEditor' });
    });

    test('an error raised while the panel is hidden is what the panel shows when it comes back', () => {
      const s = drawn();
      s.send({ type: 'selection', text: text('bad') });
      s.send({ type: 'failed', request: s.state.asked!, message: 'model failure' });
      // the hidden webview lost that message; it loads again when it comes forward
      assert.deepStrictEqual(s.send({ type: 'ready' }), [
        { type: 'pinned', pinned: false, fromPanel: false },
        { type: 'showMessage', kind: 'error', detail: 'model failure' },
      ]);
    });

    test('a webview that loads again gets the drawing with its locked token', () => {
      const s = drawn();
      s.send({ type: 'lock', token: { index: 3, layer: 0, heads: [1] } });
      const fx = s.send({ type: 'ready' });
      assert.deepStrictEqual(fx.at(-1), {
        type: 'showEncoding',
        request: s.state.shown!.request,
        payload: s.state.shown!.payload,
        locked: 3,
      });
    });

    test('a new model runs the text on show, or the one that failed, again', () => {
      const s = drawn();
      assert.deepStrictEqual(
        encodes(s.send({ type: 'modelReset' })).map((r) => r.text),
        ['the cat sat on the mat'],
      );
      s.answer();
      s.send({ type: 'selection', text: text('bad') });
      s.send({ type: 'failed', request: s.state.asked!, message: 'x' });
      assert.deepStrictEqual(
        encodes(s.send({ type: 'modelReset' })).map((r) => r.text),
        ['bad'],
      );
      s.send({ type: 'selection', text: 'blank' });
      assert.deepStrictEqual(s.send({ type: 'modelReset' }), [], 'a blank selection has nothing to run');
    });
  });

  suite('the locked token', () => {
    test('locking draws on the editor, unlocking clears it', () => {
      const s = drawn();
      assert.deepStrictEqual(s.send({ type: 'lock', token: { index: 1, layer: 1, heads: [0] } }), [
        { type: 'drawDecorations', token: { index: 1, layer: 1, heads: [0] } },
      ]);
      assert.deepStrictEqual(s.send({ type: 'lock', token: null }), [{ type: 'clearDecorations' }]);
      assert.strictEqual(s.state.locked, null);
    });

    test('is not carried to a new text by position', () => {
      const s = drawn('one two three four five');
      s.send({ type: 'lock', token: { index: 3, layer: 0, heads: [] } });
      s.send({ type: 'selection', text: text('six seven eight nine ten') });
      const fx = s.answer();
      assert.strictEqual(s.state.locked, null);
      assert.deepStrictEqual(kinds(fx), ['clearDecorations', 'showEncoding']);
      assert.strictEqual((fx[1] as { locked: number | null }).locked, null);
    });

    test('stays when the same text runs again (q/k/v added, a new model)', () => {
      const s = drawn('one two three');
      s.send({ type: 'lock', token: { index: 2, layer: 1, heads: [] } });
      s.send({ type: 'view', view: 'step' });
      const fx = s.answer();
      assert.deepStrictEqual(kinds(fx), ['showEncoding'], 'the editor shading stays');
      assert.strictEqual((fx[0] as { locked: number | null }).locked, 2);
      s.send({ type: 'modelReset' });
      s.answer();
      assert.strictEqual(s.state.locked?.index, 2);
    });

    test('the cursor inside the text on show locks the token under it; outside, nothing', () => {
      const s = drawn('the cat sat');
      assert.deepStrictEqual(s.send({ type: 'cursor', uri: 'file:///a.md', offset: 5 }), [{ type: 'selectToken', index: 2 }]);
      assert.strictEqual(s.state.locked?.index, 2);
      assert.deepStrictEqual(s.send({ type: 'cursor', uri: 'file:///a.md', offset: 3 }), [], 'a space');
      assert.deepStrictEqual(s.send({ type: 'cursor', uri: 'file:///b.md', offset: 5 }), [], 'another document');
    });

    test('an index past the tokens unlocks', () => {
      const s = drawn('a b');
      s.send({ type: 'lock', token: { index: 40, layer: 0, heads: [] } });
      assert.strictEqual(s.state.locked, null);
    });
  });

  suite('windows, labs, closing', () => {
    test('the window arrows run the next window of the same text, within bounds', () => {
      const s = new Session();
      s.send({ type: 'show', text: text('long text') });
      s.answer(2);
      assert.deepStrictEqual(s.send({ type: 'moveWindow', delta: -1 }), [], 'no window before the first');
      assert.deepStrictEqual(
        encodes(s.send({ type: 'moveWindow', delta: 1 })).map((r) => r.window),
        [1],
      );
      s.answer(2);
      assert.deepStrictEqual(s.send({ type: 'moveWindow', delta: 1 }), [], 'no window after the last');
      const edited = text('long text, edited', { version: 2 });
      assert.deepStrictEqual(
        encodes(s.send({ type: 'moveWindow', delta: -1, fresh: edited })).map((r) => [r.text, r.window]),
        [['long text, edited', 0]],
      );
    });

    test('a lab with nothing shown runs the selection, else the sample; with a drawing, runs nothing', () => {
      const sample = text('The sample.', { uri: '', source: 'sample' });
      const s = new Session();
      const fx = s.send({ type: 'lab', lab: 'multi-head', sample });
      assert.deepStrictEqual(kinds(fx), ['reveal', 'encode', 'showView']);
      assert.strictEqual(encodes(fx)[0].source, 'sample');
      const t = drawn();
      assert.deepStrictEqual(kinds(t.send({ type: 'lab', lab: 'multi-head', text: text('x'), sample })), ['reveal', 'showView']);
      assert.strictEqual(t.state.view, 'labs');
    });

    test('a demonstration that is a view of the panel opens that view on the selection, with no lab', () => {
      const sample = text('The sample.', { uri: '', source: 'sample' });
      const s = new Session();
      const fx = s.send({ type: 'demoView', view: 'rollout', text: text('the cat sat'), sample });
      assert.strictEqual(s.state.view, 'rollout');
      const shown = fx.find((f) => f.type === 'showView');
      assert.deepStrictEqual(shown, { type: 'showView', view: 'rollout' });
      assert.deepStrictEqual(
        encodes(fx).map((r) => r.text),
        ['the cat sat'],
        'the selection runs',
      );
    });

    test('closing forgets everything, cancels the encoder and lets go of the pin', () => {
      const s = drawn();
      s.send({ type: 'pin', pinned: true, fromPanel: true });
      const fx = s.send({ type: 'closed' });
      assert.deepStrictEqual(kinds(fx), ['cancel', 'clearDecorations', 'pinned']);
      assert.deepStrictEqual(s.state, INITIAL_SESSION);
    });
  });

  suite('the model switch', () => {
    test('switching runs the text on show again on the other model, from its first window, and back again', () => {
      const s = drawn('my sister bakes bread');
      const fx = s.send({ type: 'model', model: 'decoder' });
      assert.deepStrictEqual(
        encodes(fx).map((r) => [r.text, r.model, r.window]),
        [['my sister bakes bread', 'decoder', 0]],
      );
      s.answer();
      assert.strictEqual(s.state.shown?.request.model, 'decoder');
      assert.deepStrictEqual(
        encodes(s.send({ type: 'model', model: 'encoder' })).map((r) => r.model),
        ['encoder'],
      );
    });

    test('the same model again runs nothing; a closed panel only remembers the choice', () => {
      const s = drawn();
      assert.deepStrictEqual(s.send({ type: 'model', model: 'encoder' }), []);
      const closed = new Session();
      assert.deepStrictEqual(closed.send({ type: 'model', model: 'decoder' }), []);
      assert.strictEqual(closed.state.model, 'decoder');
      assert.strictEqual(encodes(closed.send({ type: 'show', text: text('a b') }))[0].model, 'decoder');
    });

    test('after a switch the same selection settling again is not a repeat: it was asked of the other model', () => {
      const s = drawn('the cat sat');
      const asked = s.state.asked!;
      // the request for the decoder is still running when the editor fires the same selection again
      s.send({ type: 'model', model: 'decoder' });
      assert.deepStrictEqual(s.send({ type: 'selection', text: text('the cat sat') }), []);
      s.answer();
      assert.notStrictEqual(s.state.shown?.request, asked);
      // an answer from the encoder for the old request is not drawn over the decoder's
      const stale = s.send({ type: 'encoded', request: asked, payload: payloadFor(asked) });
      assert.deepStrictEqual(stale, []);
    });

    test('an error on one model is run again on the other', () => {
      const s = new Session();
      s.send({ type: 'show', text: text('x y') });
      s.send({ type: 'failed', request: s.state.asked!, message: 'boom' });
      assert.deepStrictEqual(
        encodes(s.send({ type: 'model', model: 'decoder' })).map((r) => r.model),
        ['decoder'],
      );
    });
  });

  suite('restore after Reload Window', () => {
    test('a restored panel runs the text it had saved, in its window and view, pinned as it was', () => {
      const s = new Session();
      const saved = { ...text('kept text'), window: 2 };
      const fx = s.send({ type: 'restored', text: saved, view: 'step', pinned: true });
      assert.deepStrictEqual(fx, [
        { type: 'pinned', pinned: true, fromPanel: true },
        { type: 'encode', request: { ...text('kept text'), window: 2, qkv: true, model: 'encoder' } },
      ]);
      assert.strictEqual(s.state.open, true);
      assert.strictEqual(s.state.pinned, true);
    });

    test('a restored panel runs its text on the model it had switched to', () => {
      const s = new Session();
      const fx = s.send({ type: 'restored', text: { ...text('kept text'), window: 0 }, view: 'head', pinned: false, model: 'decoder' });
      assert.deepStrictEqual(
        encodes(fx).map((r) => r.model),
        ['decoder'],
      );
      assert.strictEqual(s.state.model, 'decoder');
    });

    test('a restored panel with nothing saved runs nothing', () => {
      const s = new Session();
      assert.deepStrictEqual(kinds(s.send({ type: 'restored', view: 'head', pinned: false })), ['pinned']);
      assert.strictEqual(s.state.asked, undefined);
    });

    test('saved text is checked before it is trusted', () => {
      const good = { ...text('kept'), window: 0 };
      assert.deepStrictEqual(parseSavedText(good), good);
      assert.deepStrictEqual(parseSavedText({ ...good, extra: 1 }), good, 'unknown fields are dropped');
      for (const bad of [
        null,
        'x',
        { ...good, text: '  ' },
        { ...good, window: -1 },
        { ...good, source: 'file' },
        { ...good, origin: null },
        { ...good, baseOffset: 1.5 },
      ]) {
        assert.strictEqual(parseSavedText(bad), undefined, JSON.stringify(bad));
      }
    });
  });
});
