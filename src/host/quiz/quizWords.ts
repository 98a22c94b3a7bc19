import * as vscode from 'vscode';
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
  const min = Math.round((due - now) / 60_000);
  if (min <= 0) return t('now');
  if (min < 60) return min === 1 ? t('in 1 minute') : t('in {0} minutes', min);
  const h = Math.round(min / 60);
  if (h < 24) return h === 1 ? t('in 1 hour') : t('in {0} hours', h);
  const d = Math.round(h / 24);
  if (d < 60) return d === 1 ? t('in 1 day') : t('in {0} days', d);
  return t('in {0} months', Math.round(d / 30));
}

export function letter(i: number): string {
  return String.fromCharCode(65 + i);
}

export function trueFalseWord(v: boolean): string {
  return v ? vscode.l10n.t('True') : vscode.l10n.t('False');
}
