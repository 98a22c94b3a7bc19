/**
 * What the learner's schedule asks of them: the retention they showed on spaced reviews, and the
 * reviews the scheduler will ask for over the coming days, simulated with the scheduler itself.
 */
import { dayOf } from './fsrsTraining';
import type { Progress } from './progress';
import { type Random, seededRandom } from './rng';
import { Rating, recallChance, review, type SchedulerOptions } from './scheduling';

const DAY = 86_400_000;

/**
 * Share of spaced answers (on a later calendar day than the item's previous one, as fsrsTraining
 * counts them) that were right, from `since` on; no share without any.
 */
export function measuredRetention(p: Progress, tzOffsetMinutes: number, since = 0): { right: number; total: number; share?: number } {
  let right = 0;
  let total = 0;
  for (const it of Object.values(p.items)) {
    it.log.forEach((e, k) => {
      if (k === 0 || e.at < since || dayOf(e.at, tzOffsetMinutes) === dayOf(it.log[k - 1].at, tzOffsetMinutes)) return;
      total++;
      if (e.rating !== Rating.Again) right++;
    });
  }
  return { right, total, ...(total ? { share: right / total } : {}) };
}

/**
 * Expected reviews of the items already studied within `days` from `now`, if the learner keeps
 * every appointment: each review is right with the chance the scheduler's own forgetting curve
 * gives (Good), else Again, averaged over `runs` seeded simulations. New items are not counted.
 */
export function predictedReviews(p: Progress, options: SchedulerOptions, now: number, days: number, runs = 6, seed = 1): number {
  const end = now + days * DAY;
  const rng: Random = seededRandom(seed);
  let count = 0;
  for (let run = 0; run < runs; run++) {
    for (const it of Object.values(p.items)) {
      let card = it.card;
      let t = Math.max(now, card.due);
      // a guard against a card that never leaves the learning steps
      for (let k = 0; t < end && k < 200; k++) {
        count++;
        const right = rng() < recallChance(card, t, options);
        card = review(card, right ? Rating.Good : Rating.Again, t, options);
        t = Math.max(card.due, t + 60_000);
      }
    }
  }
  return count / runs;
}
