/**
 * Spaced repetition with FSRS (ts-fsrs). Cards are stored as plain JSON (times in epoch ms) so they
 * survive globalState, Settings Sync and export files; ts-fsrs's Date-based cards live only here.
 */
import { type Card, createEmptyCard, default_w, type FSRS, fsrs, type Grade, Rating, State } from 'ts-fsrs';
import type { AskedKind } from './askedItem';

export interface StoredCard {
  /** epoch ms when the item is next due */
  due: number;
  stability: number;
  difficulty: number;
  scheduledDays: number;
  learningSteps: number;
  reps: number;
  lapses: number;
  /** ts-fsrs State: 0 New, 1 Learning, 2 Review, 3 Relearning */
  state: 0 | 1 | 2 | 3;
  lastReview?: number;
}

export { Rating };
export type QuizRating = Grade;

/** How the scheduler runs: the recall chance it aims for, and the learner's own parameters once fitted. */
export interface SchedulerOptions {
  /** 0.7..0.97; the setting transformerTutor.quiz.desiredRetention */
  desiredRetention: number;
  /** fitted FSRS parameters; undefined for FSRS's defaults */
  w?: readonly number[];
}

export const DEFAULT_RETENTION = 0.9;
export const DEFAULT_SCHEDULER: SchedulerOptions = { desiredRetention: DEFAULT_RETENTION };
/** FSRS's default parameters, the ones used until the learner's own are fitted. */
export const DEFAULT_W: readonly number[] = default_w;

const schedulers = new Map<string, FSRS>();

/**
 * One ts-fsrs scheduler per distinct options, made once. No fuzz: the same history always gives
 * the same due date, which keeps tests exact and keeps items answered together due together.
 * FSRS's default learning steps (1 min, 10 min) apply.
 */
function schedulerFor(o: SchedulerOptions): FSRS {
  const key = `${o.desiredRetention}|${o.w?.join(',') ?? ''}`;
  let s = schedulers.get(key);
  if (!s) {
    s = fsrs({ enable_fuzz: false, request_retention: o.desiredRetention, ...(o.w ? { w: [...o.w] } : {}) });
    if (schedulers.size > 16) schedulers.clear();
    schedulers.set(key, s);
  }
  return s;
}

/**
 * Answer-time thresholds (ms) that turn a right answer into Easy (at most `fast`) or Hard (at least
 * `slow`); in between is Good, and a wrong answer is always Again. Choosing an option is quicker
 * than working out a number or weighing every option of a select-all item, so those get longer.
 */
export const ANSWER_TIME: Record<AskedKind, { fast: number; slow: number }> = {
  truefalse: { fast: 6_000, slow: 25_000 },
  single: { fast: 8_000, slow: 30_000 },
  multiple: { fast: 15_000, slow: 60_000 },
  numeric: { fast: 15_000, slow: 60_000 },
};

export function ratingFor(correct: boolean, millis: number, kind: AskedKind): QuizRating {
  if (!correct) return Rating.Again;
  const t = ANSWER_TIME[kind];
  if (millis <= t.fast) return Rating.Easy;
  if (millis >= t.slow) return Rating.Hard;
  return Rating.Good;
}

export function newCard(now: number): StoredCard {
  return fromFsrs(createEmptyCard(new Date(now)));
}

/** The card after one review with the given rating at `now`. */
export function review(
  card: StoredCard | undefined,
  rating: QuizRating,
  now: number,
  options: SchedulerOptions = DEFAULT_SCHEDULER,
): StoredCard {
  return fromFsrs(schedulerFor(options).next(toFsrs(card ?? newCard(now), now), new Date(now), rating).card);
}

/** The chance of recalling the card at `at`, by the scheduler's forgetting curve (1 before any review). */
export function recallChance(card: StoredCard, at: number, options: SchedulerOptions = DEFAULT_SCHEDULER): number {
  if (card.lastReview === undefined || card.stability <= 0) return 1;
  return schedulerFor(options).forgetting_curve(Math.max(0, (at - card.lastReview) / 86_400_000), card.stability);
}

export function isDue(card: StoredCard, now: number): boolean {
  return card.due <= now;
}

function toFsrs(c: StoredCard, now: number): Card {
  return {
    due: new Date(c.due),
    stability: c.stability,
    difficulty: c.difficulty,
    // deprecated in ts-fsrs but still part of its Card; it recomputes it from last_review
    elapsed_days: c.lastReview === undefined ? 0 : Math.max(0, Math.floor((now - c.lastReview) / 86_400_000)),
    scheduled_days: c.scheduledDays,
    learning_steps: c.learningSteps,
    reps: c.reps,
    lapses: c.lapses,
    state: c.state as State,
    last_review: c.lastReview === undefined ? undefined : new Date(c.lastReview),
  };
}

function fromFsrs(c: Card): StoredCard {
  const out: StoredCard = {
    due: c.due.getTime(),
    stability: c.stability,
    difficulty: c.difficulty,
    scheduledDays: c.scheduled_days,
    learningSteps: c.learning_steps,
    reps: c.reps,
    lapses: c.lapses,
    state: c.state as StoredCard['state'],
  };
  if (c.last_review) out.lastReview = c.last_review.getTime();
  return out;
}
