/**
 * What the questions view shows about a learner's progress on one question. The quiz feature feeds
 * it (score, due date); until then the questions feature reports only which questions were opened.
 */
export interface QuestionProgress {
  seen: boolean;
  /** last quiz score, 0..1 */
  score?: number;
  /** next review, ms since the epoch */
  due?: number;
}

export type ProgressProvider = (questionId: string) => QuestionProgress;

/** `scored`: every latest answer right; `relearn`: some latest answer wrong and not yet due again. */
export type ProgressState = 'new' | 'seen' | 'scored' | 'relearn' | 'due';

export function progressState(p: QuestionProgress, now: number): ProgressState {
  if (p.due !== undefined && p.due <= now) return 'due';
  // a wrong answer is due again within minutes; until then it must not look like a success
  if (p.score !== undefined) return p.score >= 1 ? 'scored' : 'relearn';
  return p.seen ? 'seen' : 'new';
}

/** Words the summary uses, in the user's language. */
export interface ProgressWords {
  seen: string;
  due: string;
}

/** A short line such as "80% · due" or "seen"; empty for a question never opened. */
export function progressLine(p: QuestionProgress, now: number, words: ProgressWords): string {
  const parts: string[] = [];
  if (p.score !== undefined) parts.push(`${Math.round(Math.min(1, Math.max(0, p.score)) * 100)}%`);
  else if (p.seen) parts.push(words.seen);
  if (progressState(p, now) === 'due') parts.push(words.due);
  return parts.join(' · ');
}
