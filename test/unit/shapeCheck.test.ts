import * as assert from 'node:assert';
import { EncoderCore } from '../../src/host/encoder/encoderCore';
import { loadRuntime } from '../../src/host/encoder/runtime';
import { checkDims, ShapeError } from '../../src/shared/shapeCheck';
import { BUNDLED } from './modelFiles';

function throwsShape(fn: () => void, message: RegExp): void {
  assert.throws(fn, (e: unknown) => {
    assert.ok(e instanceof ShapeError, `a ShapeError, not ${String(e)}`);
    assert.match(e.message, message);
    return true;
  });
}

suite('shape checks name the wrong dimension', () => {
  test('matching shapes pass; null means any size', () => {
    checkDims('attn_0', [1, 4, 7, 7], [1, 4, 7, 7], 'attention');
    checkDims('attn_0', [1, 12, 7, 7], [1, null, 7, 7], 'attention');
  });

  test('wrong key count', () => {
    throwsShape(
      () => checkDims('attn_2', [1, 4, 7, 6], [1, 4, 7, 7], 'attention'),
      /^attn_2 has 6 keys \(dimension 3\) but 7 were expected$/,
    );
  });

  test('wrong query count', () => {
    throwsShape(() => checkDims('attn_0', [1, 4, 9, 7], [1, 4, 7, 7], 'attention'), /attn_0 has 9 queries \(dimension 2\)/);
  });

  test('wrong head count', () => {
    throwsShape(() => checkDims('attn_1', [1, 8, 7, 7], [1, 4, 7, 7], 'attention'), /attn_1 has 8 heads \(dimension 1\) but 4/);
  });

  test('a batch of more than one', () => {
    throwsShape(() => checkDims('attn_0', [2, 4, 7, 7], [1, 4, 7, 7], 'attention'), /2 batch \(dimension 0\)/);
  });

  test('per-head and per-token outputs name their axes', () => {
    throwsShape(() => checkDims('q_0', [1, 4, 7, 16], [1, 4, 7, 32], 'perHead'), /q_0 has 16 head size \(dimension 3\)/);
    throwsShape(() => checkDims('hidden_1', [1, 5, 128], [1, 7, 128], 'perToken'), /hidden_1 has 5 tokens \(dimension 1\)/);
  });

  test('the wrong number of dimensions lists the axes expected', () => {
    throwsShape(
      () => checkDims('attn_0', [4, 7, 7], [1, 4, 7, 7], 'attention'),
      /attn_0 has 3 dimensions \[4, 7, 7\]; expected 4 \(batch, heads, queries, keys\)/,
    );
  });

  suite('in EncoderCore, before anything is posted', () => {
    let core: EncoderCore;
    suiteSetup(async () => {
      core = await EncoderCore.load(BUNDLED, await loadRuntime());
    });
    suiteTeardown(() => core?.release());

    const H = () => core.config.num_heads;

    async function assembleWith(tamper: (out: Record<string, { data: Float32Array; dims: readonly number[] }>, t: number) => void) {
      const req = { text: 'The cat sat on the mat.' };
      const prepared = core.prepare(req);
      const out = await core.run(
        core.feeds(
          prepared.ids,
          prepared.sequence.map((x) => x.segment),
        ),
        core.encodeOutputs,
      );
      tamper(out, prepared.ids.length);
      return () => core.assemble(req, prepared, out);
    }

    test('an attention output one key short', async () => {
      const assemble = await assembleWith(
        (out, t) => (out.attn_2 = { data: out.attn_2.data.subarray(0, H() * t * (t - 1)), dims: [1, H(), t, t - 1] }),
      );
      throwsShape(assemble, /attn_2 has \d+ keys \(dimension 3\)/);
    });

    test('a layer with a different head count', async () => {
      const assemble = await assembleWith((out, t) => (out.attn_1 = { data: out.attn_1.data.subarray(0, 2 * t * t), dims: [1, 2, t, t] }));
      throwsShape(assemble, new RegExp(`attn_1 has 2 heads \\(dimension 1\\) but ${H()} were expected`));
    });

    test('q for the wrong number of tokens', async () => {
      const assemble = await assembleWith(
        (out, t) => (out.q_3 = { data: out.q_3.data, dims: [1, H(), t + 1, core.config.hidden_size / H()] }),
      );
      throwsShape(assemble, /q_3 has \d+ tokens \(dimension 2\)/);
    });
  });
});
