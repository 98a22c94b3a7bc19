import type { Answer, PreparedItem } from './askedItem';
import { gradeAnswer } from './grading';
import { answered, type ItemProgress, type Progress, withItem } from './progress';
import { type QuizRating, ratingFor, type SchedulerOptions } from './scheduling';

export type ItemOutcome =
  | { status: 'pending' }
  | { status: 'skipped' }
  | { status: 'answered'; answer: Answer; correct: boolean; rating: QuizRating; millis: number; after: ItemProgress };

export interface RunScore {
  right: number;
  wrong: number;
  skipped: number;
  total: number;
}

/**
 * One quiz run's answers. An item is graded once per run: going back shows the answer given, and a
 * second answer to it is refused, so it can neither replace the first in the score nor count as a
 * second review in the schedule.
 */
export class QuizRun {
  readonly outcomes: ItemOutcome[];

  constructor(readonly items: readonly PreparedItem[]) {
    this.outcomes = items.map(() => ({ status: 'pending' }));
  }

  isAnswered(index: number): boolean {
    return this.outcomes[index].status === 'answered';
  }

  /** Grades and schedules one answer; returns the progress to store. Throws for an item already answered in this run. */
  answer(
    index: number,
    answer: Answer,
    millis: number,
    now: number,
    current: Progress,
    options?: SchedulerOptions,
  ): { correct: boolean; rating: QuizRating; progress: Progress } {
    const item = this.items[index];
    if (this.isAnswered(index)) throw new Error(`quiz item ${item.key} was already answered in this run`);
    const correct = gradeAnswer(item, answer);
    const rating = ratingFor(correct, millis, item.kind);
    const after = answered(current.items[item.key], correct, rating, now, options);
    this.outcomes[index] = { status: 'answered', answer, correct, rating, millis, after };
    return { correct, rating, progress: withItem(current, item.key, after) };
  }

  /** Skipping leaves the item's schedule alone; an item already answered in this run keeps its answer. */
  skip(index: number): void {
    if (this.outcomes[index].status === 'pending') this.outcomes[index] = { status: 'skipped' };
  }

  score(): RunScore {
    const s: RunScore = { right: 0, wrong: 0, skipped: 0, total: this.items.length };
    for (const o of this.outcomes) {
      if (o.status === 'answered' && o.correct) s.right++;
      else if (o.status === 'answered') s.wrong++;
      else if (o.status === 'skipped') s.skipped++;
    }
    return s;
  }
}
