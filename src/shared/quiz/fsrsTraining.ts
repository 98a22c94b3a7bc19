/**
 * What the FSRS optimizer learns from: each item's review log as a history of ratings with the
 * whole days between them, counted on the learner's calendar (a day starts at 4 am local time, as
 * in Anki, so a late-night session and the next morning are different days). Also when there is
 * enough of it, and the schedule replayed with new parameters. Pure: the host hands the histories
 * to `@open-spaced-repetition/binding`.
 */
import type { FittedParameters, ItemProgress, Progress } from './progress';
import { review, type SchedulerOptions, type StoredCard } from './scheduling';

/** One review as the optimizer takes it: the rating and the days since the item's previous review (0 for the first). */
export interface TrainingReview {
  rating: number;
  deltaT: number;
}

/**
 * Spaced reviews (answers a day or more after the item's previous one) a fit needs. With fewer,
 * the optimizer measured here kept FSRS's defaults (160 of them) or fitted only some parameters.
 */
export const MIN_SPACED_REVIEWS = 200;
/** New spaced reviews after which the parameters are fitted again on their own. */
export const REFIT_AFTER = 50;

const DAY = 86_400_000;
const DAY_STARTS_AT = 4 * 3_600_000;

/** The learner's calendar day of a time; `tzOffsetMinutes` as Date.getTimezoneOffset gives it (UTC − local). */
export function dayOf(at: number, tzOffsetMinutes: number): number {
  return Math.floor((at - tzOffsetMinutes * 60_000 - DAY_STARTS_AT) / DAY);
}

/**
 * Whether the item's log holds every answer it ever had. Progress from before the log was kept
 * has older answers missing: its history would start in the middle, so it is left out.
 */
export function hasWholeLog(it: ItemProgress): boolean {
  return it.log.length > 0 && it.log.length === it.attempts;
}

function historyOf(it: ItemProgress, tzOffsetMinutes: number): TrainingReview[] {
  return it.log.map((e, k) => ({
    rating: e.rating,
    deltaT: k === 0 ? 0 : dayOf(e.at, tzOffsetMinutes) - dayOf(it.log[k - 1].at, tzOffsetMinutes),
  }));
}

/** Every item's whole history, in item order. */
export function histories(p: Progress, tzOffsetMinutes: number): TrainingReview[][] {
  return Object.values(p.items)
    .filter(hasWholeLog)
    .map((it) => historyOf(it, tzOffsetMinutes));
}

/**
 * The optimizer's training items: every history cut after each spaced review (a day or more after
 * the one before), the review it is to predict. Same-day answers stay in the histories as context;
 * as the last review of an item they are not predicted, and binding 0.5.0 aborts the whole process
 * (a Rust panic that cannot unwind) on such an item, so they must never reach it.
 */
export function trainingItems(hs: readonly TrainingReview[][]): TrainingReview[][] {
  return hs.flatMap((h) => h.flatMap((r, k) => (k > 0 && r.deltaT >= 1 ? [h.slice(0, k + 1)] : [])));
}

/** A spaced review to predict: the item's history up to it, with the time of each answer. */
export interface SpacedExample {
  history: TrainingReview[];
  times: number[];
}

/** Every training item with its answer times, in the order the predicted reviews happened. */
export function spacedExamples(p: Progress, tzOffsetMinutes: number): SpacedExample[] {
  const out: SpacedExample[] = [];
  for (const it of Object.values(p.items).filter(hasWholeLog)) {
    const history = historyOf(it, tzOffsetMinutes);
    history.forEach((r, k) => {
      if (k > 0 && r.deltaT >= 1) out.push({ history: history.slice(0, k + 1), times: it.log.slice(0, k + 1).map((e) => e.at) });
    });
  }
  return out.sort((a, b) => a.times[a.times.length - 1] - b.times[b.times.length - 1]);
}

export function spacedReviews(hs: readonly TrainingReview[][]): number {
  return trainingItems(hs).length;
}

export interface FitStatus {
  spaced: number;
  /** how many more spaced reviews the first fit needs (0 once there are enough) */
  needed: number;
  fitted?: FittedParameters;
  /** spaced reviews since the last fit */
  sinceFit: number;
}

export function fitStatus(p: Progress, tzOffsetMinutes: number): FitStatus {
  const spaced = spacedReviews(histories(p, tzOffsetMinutes));
  return {
    spaced,
    needed: Math.max(0, MIN_SPACED_REVIEWS - spaced),
    ...(p.fitted ? { fitted: p.fitted } : {}),
    sinceFit: Math.max(0, spaced - (p.fitted?.reviews ?? 0)),
  };
}

/** A fit on its own (after a quiz): the first once there are enough reviews, then every REFIT_AFTER more. */
export function shouldFitNow(s: FitStatus): boolean {
  return s.needed === 0 && (!s.fitted || s.sinceFit >= REFIT_AFTER);
}

/** The card an item's whole history gives with these options, or undefined when its log is not whole. */
export function replayCard(it: ItemProgress, options: SchedulerOptions): StoredCard | undefined {
  if (!hasWholeLog(it)) return undefined;
  let card: StoredCard | undefined;
  for (const e of it.log) card = review(card, e.rating, e.at, options);
  return card;
}

export interface Rescheduled {
  progress: Progress;
  /** items whose next review moved earlier / later by more than an hour, and those replayed */
  earlier: number;
  later: number;
  replayed: number;
  /** median days from the last review to the next one, before and after, over the replayed items in review */
  medianIntervalBefore?: number;
  medianIntervalAfter?: number;
}

/**
 * Every item with a whole log, replayed with new options, so the schedule follows new parameters
 * at once instead of only from each item's next answer. Items without a whole log keep their card.
 */
export function reschedule(p: Progress, options: SchedulerOptions): Rescheduled {
  const items = { ...p.items };
  let earlier = 0;
  let later = 0;
  let replayed = 0;
  const before: number[] = [];
  const after: number[] = [];
  for (const [key, it] of Object.entries(p.items)) {
    const card = replayCard(it, options);
    if (!card) continue;
    replayed++;
    if (card.due < it.card.due - 3_600_000) earlier++;
    else if (card.due > it.card.due + 3_600_000) later++;
    if (card.lastReview !== undefined && it.card.lastReview !== undefined && card.state === 2) {
      before.push((it.card.due - it.card.lastReview) / DAY);
      after.push((card.due - card.lastReview) / DAY);
    }
    items[key] = { ...it, card };
  }
  return { progress: { ...p, items }, earlier, later, replayed, medianIntervalBefore: median(before), medianIntervalAfter: median(after) };
}

function median(xs: number[]): number | undefined {
  if (!xs.length) return undefined;
  const s = [...xs].sort((a, b) => a - b);
  const m = Math.floor(s.length / 2);
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}
