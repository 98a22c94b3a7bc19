/**
 * Quiz progress: one FSRS card, a few counts and the log of answers per quiz item, keyed
 * `<questionId>#<itemId>`, and the learner's own FSRS parameters once they were fitted from those
 * logs. Immutable updates.
 */
import { parseItemKey } from './askedItem';
import type { QuestionProgress } from '../questions/progressSummary';
import { isDue, type QuizRating, review, type SchedulerOptions, type StoredCard } from './scheduling';

export const PROGRESS_VERSION = 3;

/** One answer to an item: when (epoch ms) and the FSRS rating it gave (1 Again, 2 Hard, 3 Good, 4 Easy). */
export interface ReviewEntry {
  at: number;
  rating: QuizRating;
}

/** Answers kept per item: far more than fitting needs from one item, and a bound on what Settings Sync carries. */
export const MAX_LOG = 200;

/** The learner's own FSRS parameters, fitted from the review logs. */
export interface FittedParameters {
  w: number[];
  /** epoch ms */
  fittedAt: number;
  /** how many spaced reviews the fit used (see fsrsTraining) */
  reviews: number;
  /** log loss of FSRS's default and of these parameters on the same reviews */
  logLoss?: { default: number; fitted: number };
}

export interface ItemProgress {
  card: StoredCard;
  attempts: number;
  correct: number;
  lastCorrect: boolean;
  /** epoch ms */
  lastAnsweredAt: number;
  /**
   * Every answer since the review log was introduced, oldest first (at most MAX_LOG). Progress from
   * before that has `attempts` larger than the log's length: its earlier answers were never recorded.
   */
  log: ReviewEntry[];
}

export interface Progress {
  version: typeof PROGRESS_VERSION;
  items: Record<string, ItemProgress>;
  fitted?: FittedParameters;
}

export function emptyProgress(): Progress {
  return { version: PROGRESS_VERSION, items: {} };
}

/** The item's progress after one answer, scheduled with the given options. */
export function answered(
  before: ItemProgress | undefined,
  correct: boolean,
  rating: QuizRating,
  now: number,
  options?: SchedulerOptions,
): ItemProgress {
  return {
    card: review(before?.card, rating, now, options),
    attempts: (before?.attempts ?? 0) + 1,
    correct: (before?.correct ?? 0) + (correct ? 1 : 0),
    lastCorrect: correct,
    lastAnsweredAt: now,
    log: [...(before?.log ?? []), { at: now, rating }].slice(-MAX_LOG),
  };
}

/** A copy with one item replaced (or removed, for `undefined`). */
export function withItem(p: Progress, key: string, item: ItemProgress | undefined): Progress {
  const items = { ...p.items };
  if (item) items[key] = item;
  else delete items[key];
  return { ...p, items };
}

/** Keys that are due at `now`, earliest first; `known` limits them to items that still exist. */
export function dueKeys(p: Progress, now: number, known?: ReadonlySet<string>): string[] {
  return Object.entries(p.items)
    .filter(([k, it]) => isDue(it.card, now) && (!known || known.has(k)))
    .sort((a, b) => a[1].card.due - b[1].card.due)
    .map(([k]) => k);
}

/** The earliest due time after `now`, to know when the due count next changes. */
export function nextDueAfter(p: Progress, now: number, known?: ReadonlySet<string>): number | undefined {
  let next: number | undefined;
  for (const [k, it] of Object.entries(p.items)) {
    if (it.card.due > now && (!known || known.has(k)) && (next === undefined || it.card.due < next)) next = it.card.due;
  }
  return next;
}

/**
 * What the questions tree shows for one question: seen once any item was answered; score is the
 * share of its answered items whose latest answer was right; due is the earliest due time (ms).
 */
export function questionProgress(p: Progress, questionId: string): QuestionProgress {
  const mine = Object.entries(p.items)
    .filter(([k]) => parseItemKey(k)?.questionId === questionId)
    .map(([, it]) => it);
  if (!mine.length) return { seen: false };
  return {
    seen: true,
    score: mine.filter((it) => it.lastCorrect).length / mine.length,
    due: Math.min(...mine.map((it) => it.card.due)),
  };
}

/**
 * Combines two progress records item by item, keeping whichever was answered last, with the answers
 * of both logs (one device may hold answers the other never saw); the newer fit wins.
 */
export function mergeProgress(a: Progress, b: Progress): { progress: Progress; taken: number } {
  const items = { ...a.items };
  let taken = 0;
  for (const [k, it] of Object.entries(b.items)) {
    const mine = items[k];
    if (!mine || it.lastAnsweredAt > mine.lastAnsweredAt) {
      items[k] = mine ? { ...it, log: mergeLogs(mine.log, it.log) } : it;
      taken++;
    } else items[k] = { ...mine, log: mergeLogs(mine.log, it.log) };
  }
  const fitted = !b.fitted || (a.fitted && a.fitted.fittedAt >= b.fitted.fittedAt) ? a.fitted : b.fitted;
  return { progress: { version: PROGRESS_VERSION, items, ...(fitted ? { fitted } : {}) }, taken };
}

function mergeLogs(a: readonly ReviewEntry[], b: readonly ReviewEntry[]): ReviewEntry[] {
  const byTime = new Map([...a, ...b].map((e) => [e.at, e]));
  return [...byTime.values()].sort((x, y) => x.at - y.at).slice(-MAX_LOG);
}

/** Counts of items due in each period from `now`, for the summary at the end of a quiz. */
export interface DueBuckets {
  now: number;
  hour: number;
  day: number;
  week: number;
  later: number;
}

export function dueBuckets(p: Progress, now: number, known?: ReadonlySet<string>): DueBuckets {
  const b: DueBuckets = { now: 0, hour: 0, day: 0, week: 0, later: 0 };
  for (const [k, it] of Object.entries(p.items)) {
    if (known && !known.has(k)) continue;
    const dt = it.card.due - now;
    if (dt <= 0) b.now++;
    else if (dt <= 3_600_000) b.hour++;
    else if (dt <= 86_400_000) b.day++;
    else if (dt <= 7 * 86_400_000) b.week++;
    else b.later++;
  }
  return b;
}
