/**
 * Quiz progress: one FSRS card and a few counts per quiz item, keyed `<questionId>#<itemId>`.
 * Immutable updates, so a quiz run can keep the state before its first answer to an item and
 * replace (not add to) that answer when the person goes back and answers again.
 */
import { parseItemKey } from './askedItem';
import type { QuestionProgress } from '../questions/progressSummary';
import { isDue, type QuizRating, review, type StoredCard } from './scheduling';

export const PROGRESS_VERSION = 2;

export interface ItemProgress {
  card: StoredCard;
  attempts: number;
  correct: number;
  lastCorrect: boolean;
  /** epoch ms */
  lastAnsweredAt: number;
}

export interface Progress {
  version: typeof PROGRESS_VERSION;
  items: Record<string, ItemProgress>;
}

export function emptyProgress(): Progress {
  return { version: PROGRESS_VERSION, items: {} };
}

/** The item's progress after one answer. */
export function answered(before: ItemProgress | undefined, correct: boolean, rating: QuizRating, now: number): ItemProgress {
  return {
    card: review(before?.card, rating, now),
    attempts: (before?.attempts ?? 0) + 1,
    correct: (before?.correct ?? 0) + (correct ? 1 : 0),
    lastCorrect: correct,
    lastAnsweredAt: now,
  };
}

/** A copy with one item replaced (or removed, for `undefined`). */
export function withItem(p: Progress, key: string, item: ItemProgress | undefined): Progress {
  const items = { ...p.items };
  if (item) items[key] = item;
  else delete items[key];
  return { version: PROGRESS_VERSION, items };
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
  const mine = Object.entries(p.items).filter(([k]) => parseItemKey(k)?.questionId === questionId).map(([, it]) => it);
  if (!mine.length) return { seen: false };
  return {
    seen: true,
    score: mine.filter((it) => it.lastCorrect).length / mine.length,
    due: Math.min(...mine.map((it) => it.card.due)),
  };
}

/** Combines two progress records item by item, keeping whichever was answered last. */
export function mergeProgress(a: Progress, b: Progress): { progress: Progress; taken: number } {
  const items = { ...a.items };
  let taken = 0;
  for (const [k, it] of Object.entries(b.items)) {
    if (!items[k] || it.lastAnsweredAt > items[k].lastAnsweredAt) {
      items[k] = it;
      taken++;
    }
  }
  return { progress: { version: PROGRESS_VERSION, items }, taken };
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
