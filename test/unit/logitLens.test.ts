import * as assert from 'node:assert/strict';
import { headMaskWithout, lensRows, rankHeads, settledAt, topK } from '../../src/shared/beyond/logitLens';
import { type LabAction, nextLabParams } from '../../src/shared/labs/labParams';
import type { LabParams } from '../../src/shared/labs/labTypes';

const labParamsAfter = (start: LabParams, actions: LabAction[]): LabParams => actions.reduce(nextLabParams, start);

suite('the logit lens and head ranking (pure)', () => {
  test('per row: the top guesses in order, and the probability and rank of the right word', () => {
    // two rows over a vocabulary of four; in the second the right word (id 2) comes first
    const logits = Float32Array.from([3, 1, 0, 0, 0, 1, 4, 0]);
    const [a, b] = lensRows(logits, 2, 4, 2, 2);
    assert.deepEqual(
      a.top.map((g) => g.id),
      [0, 1],
    );
    assert.equal(a.truthRank, 3);
    assert.equal(b.top[0].id, 2);
    assert.equal(b.truthRank, 1);
    const sum = [0, 1, 4, 0].map(Math.exp).reduce((x, y) => x + y, 0);
    assert.ok(Math.abs(b.truthP - Math.exp(4) / sum) < 1e-12);
  });

  test('the layer where the model settled: the first from which the top guess stays the final one', () => {
    const rows = (ids: number[]) => ids.map((id) => ({ top: [{ id, p: 1 }] }));
    assert.equal(settledAt(rows([5, 7, 3, 3, 3])), 2);
    assert.equal(settledAt(rows([3, 3])), 0);
    assert.equal(settledAt(rows([1, 2])), 1);
  });

  test('heads ranked by the drop in the right word’s probability; no head removed is the unmasked run', () => {
    const ranked = rankHeads(0.5, [0.5, 0.1, 0.45, 0.6], 2);
    assert.deepEqual(
      ranked.map((r) => [r.layer, r.head, +r.drop.toFixed(6)]),
      [
        [0, 1, 0.4],
        [1, 0, 0.05],
        [0, 0, 0],
        [1, 1, -0.1],
      ],
    );
    assert.deepEqual(headMaskWithout(2, 2, []), [1, 1, 1, 1]);
    assert.deepEqual(headMaskWithout(2, 2, [1, 3, 9]), [1, 0, 1, 0]);
  });

  test('topK keeps the k largest, ties in id order', () => {
    assert.deepEqual(
      topK([0.1, 0.4, 0.4, 0.1], 2).map((g) => g.id),
      [1, 2],
    );
  });

  test('switching a head off in the lab and on again', () => {
    assert.deepEqual(
      labParamsAfter({ token: 3 }, [
        { kind: 'toggleHead', index: 5 },
        { kind: 'toggleHead', index: 2 },
      ]),
      { token: 3, off: [2, 5] },
    );
    assert.deepEqual(labParamsAfter({ off: [2, 5] }, [{ kind: 'toggleHead', index: 5 }]), { off: [2] });
    // the compare lab: a replacement is chosen for the word; choosing another word drops it
    assert.deepEqual(labParamsAfter({ token: 3 }, [{ kind: 'swap', id: 812 }]), { token: 3, swap: 812 });
    assert.deepEqual(labParamsAfter({ token: 3, swap: 812 }, [{ kind: 'swapText', text: 'motorway' }]), {
      token: 3,
      swapText: 'motorway',
    });
    assert.deepEqual(labParamsAfter({ token: 3, swap: 812 }, [{ kind: 'token', index: 5 }]), { token: 5 });
  });
});
