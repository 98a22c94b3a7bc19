/**
 * The order choices are shown in. Each attempt at an item shows its choices in an order drawn from
 * the run's seed and the item's key, so going Back to the item shows the same order again, and a
 * test that fixes the seed sees the same run. Grading and the feedback then work on the item as
 * shown: its choices reordered and its answer renumbered to match.
 */
import type { PreparedItem } from './askedItem';
import { seededRandom, shuffled } from './rng';

/** A 32-bit seed for one item of one run (FNV-1a over the key, mixed with the run's seed). */
export function itemSeed(runSeed: number, key: string): number {
  let h = 0x811c9dc5 ^ (runSeed >>> 0);
  for (let i = 0; i < key.length; i++) h = Math.imul(h ^ key.charCodeAt(i), 0x01000193);
  return h >>> 0;
}

/**
 * The item as shown in this attempt. `order[k]` is the authored index of the choice shown k-th;
 * items without choices come back unchanged. With `shuffle` off the authored order is kept.
 */
export function presentItem(item: PreparedItem, runSeed: number, shuffle = true): PreparedItem & { order?: number[] } {
  if (item.kind !== 'single' && item.kind !== 'multiple') return item;
  const authored = item.choices.map((_, k) => k);
  const order = shuffle ? shuffled(seededRandom(itemSeed(runSeed, item.key)), authored) : authored;
  const shownAt = new Map(order.map((from, to) => [from, to]));
  const choices = order.map((from) => item.choices[from]);
  if (item.kind === 'single') return { ...item, choices, answer: shownAt.get(item.answer) as number, order };
  return { ...item, choices, answer: item.answer.map((a) => shownAt.get(a) as number).sort((a, b) => a - b), order };
}
