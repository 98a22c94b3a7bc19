import * as vscode from 'vscode';
import { type FitStatus, reschedule } from '../../shared/quiz/fsrsTraining';
import type { Progress } from '../../shared/quiz/progress';
import type { SchedulerOptions } from '../../shared/quiz/scheduling';
import { measuredRetention, predictedReviews } from '../../shared/quiz/workload';
import type { QuizStepEvent } from './quizFlow';
import { pickStep, type Row } from './quizInput';
import { textRows } from './quizRows';

export type StatisticsAction = 'fit' | 'settings' | 'done';

export interface StatisticsInput {
  progress: Progress;
  status: FitStatus;
  scheduler: SchedulerOptions;
  /** why the last fit failed (the optimizer could not load or stopped), if it did */
  unavailable?: string;
  now: number;
  /** the learner's time zone, as Date.getTimezoneOffset gives it */
  tzOffset: number;
  observe: (e: QuizStepEvent) => void;
}

const pct = (x: number) => `${Math.round(x * 100)}%`;

/**
 * Quiz Statistics: the retention the learner showed, the retention the scheduler aims for, whose
 * parameters it uses (and how many more reviews personal ones need), and the predicted workload,
 * with what other retentions or the default parameters would ask instead.
 */
export async function showStatistics(s: StatisticsInput): Promise<StatisticsAction | undefined> {
  const t = vscode.l10n.t;
  const p = s.progress;
  const answers = Object.values(p.items).reduce((n, it) => n + it.log.length, 0);
  const shown = measuredRetention(p, s.tzOffset);
  const recent = measuredRetention(p, s.tzOffset, s.now - 30 * 86_400_000);
  const workload = (o: SchedulerOptions, days: number) => Math.round(predictedReviews(p, o, s.now, days));
  const retention = s.scheduler.desiredRetention;
  const rows: Row<StatisticsAction>[] = [
    ...textRows<StatisticsAction>(
      t(
        '{0} answers logged on {1} items; {2} of them spaced reviews (a day or more after the previous answer).',
        answers,
        Object.keys(p.items).length,
        s.status.spaced,
      ),
      'history',
      2,
    ),
    ...textRows<StatisticsAction>(
      shown.share === undefined
        ? t('Your retention: not measured yet (no spaced reviews).')
        : t(
            'Your retention: {0} of spaced reviews answered right ({1} of {2}); last 30 days: {3}.',
            pct(shown.share),
            shown.right,
            shown.total,
            recent.share === undefined ? '–' : pct(recent.share),
          ),
      'target',
      2,
    ),
  ];
  const parameters = s.status.fitted
    ? t(
        'Scheduling: your own parameters, fitted {0} from {1} spaced reviews.',
        new Date(s.status.fitted.fittedAt).toLocaleDateString(vscode.env.language),
        s.status.fitted.reviews,
      )
    : s.status.needed > 0
      ? t('Scheduling: FSRS’s default parameters. Your own need {0} more spaced reviews.', s.status.needed)
      : t('Scheduling: FSRS’s default parameters. You have enough reviews to fit your own.');
  rows.push(...textRows<StatisticsAction>(parameters, 'beaker', 2));
  if (s.status.fitted?.logLoss) {
    rows.push(
      ...textRows<StatisticsAction>(
        t(
          'On your latest reviews, held out from the check fit, they scored a log loss of {0}; the defaults {1} (lower is better).',
          s.status.fitted.logLoss.fitted.toFixed(3),
          s.status.fitted.logLoss.default.toFixed(3),
        ),
        'blank',
        2,
      ),
    );
  }
  const week = workload(s.scheduler, 7);
  const month = workload(s.scheduler, 30);
  rows.push(
    ...textRows<StatisticsAction>(
      t('Predicted workload at {0} retention: about {1} reviews in the next 7 days, {2} in 30 days.', retention.toFixed(2), week, month),
      'calendar',
      2,
    ),
  );
  const others = [0.8, 0.85, 0.9, 0.95].filter((r) => Math.abs(r - retention) > 1e-9);
  rows.push(
    ...textRows<StatisticsAction>(
      t(
        'In 30 days at other retentions: {0}.',
        others.map((r) => `${r.toFixed(2)} → ${workload({ ...s.scheduler, desiredRetention: r }, 30)}`).join(' · '),
      ),
      'blank',
      2,
    ),
  );
  if (s.scheduler.w) {
    // the defaults' schedule from the same answers: every whole history replayed with them
    const defaults = { desiredRetention: retention };
    const withDefaults = Math.round(predictedReviews(reschedule(p, defaults).progress, defaults, s.now, 30));
    rows.push(
      ...textRows<StatisticsAction>(t('With FSRS’s default parameters it would be about {0} in 30 days.', withDefaults), 'blank', 2),
    );
  }
  if (s.unavailable) rows.push(...textRows<StatisticsAction>(t('The last fit failed: {0}', s.unavailable), 'warning', 3));
  const done: Row<StatisticsAction> = { label: `$(check) ${t('Done')}`, value: 'done', alwaysShow: true };
  rows.push(
    { label: '', kind: vscode.QuickPickItemKind.Separator },
    done,
    ...(s.status.needed === 0
      ? [
          {
            label: `$(sync) ${t('Fit My Review Schedule')}`,
            description: t('from your review log, now'),
            value: 'fit',
            alwaysShow: true,
          } as Row<StatisticsAction>,
        ]
      : []),
    {
      label: `$(settings-gear) ${t('Change the desired retention')}`,
      description: 'transformerTutor.quiz.desiredRetention',
      value: 'settings',
      alwaysShow: true,
    },
  );
  const r = await pickStep<StatisticsAction>({
    chrome: { title: t('Quiz Statistics'), canGoBack: false, canSkip: false },
    rows,
    active: done,
    placeholder: t('Press Enter to close'),
    observe: (input) => s.observe({ phase: 'statistics', input }),
  });
  return r.type === 'value' ? r.value : undefined;
}
