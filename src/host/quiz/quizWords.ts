import * as vscode from 'vscode';
import { dueSpan } from '../../shared/quiz/dueSpan';
import { Rating, type QuizRating } from '../../shared/quiz/scheduling';

export function ratingName(r: QuizRating): string {
  switch (r) {
    case Rating.Again:
      return vscode.l10n.t('Again');
    case Rating.Hard:
      return vscode.l10n.t('Hard');
    case Rating.Good:
      return vscode.l10n.t('Good');
    default:
      return vscode.l10n.t('Easy');
  }
}

/** "now", "in 10 minutes", "in 3 days": when something is due, from `now`. */
export function dueIn(due: number, now: number): string {
  const t = vscode.l10n.t;
  const span = dueSpan(due, now);
  switch (span.unit) {
    case 'now':
      return t('now');
    case 'minute':
      return span.count === 1 ? t('in 1 minute') : t('in {0} minutes', span.count);
    case 'hour':
      return span.count === 1 ? t('in 1 hour') : t('in {0} hours', span.count);
    case 'day':
      return span.count === 1 ? t('in 1 day') : t('in {0} days', span.count);
    case 'month':
      return t('in {0} months', span.count);
  }
}

export function letter(i: number): string {
  return String.fromCharCode(65 + i);
}

export function trueFalseWord(v: boolean): string {
  return v ? vscode.l10n.t('True') : vscode.l10n.t('False');
}
