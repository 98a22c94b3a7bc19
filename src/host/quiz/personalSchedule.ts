import * as vscode from 'vscode';
import { type FitStatus, fitStatus, reschedule, type Rescheduled, spacedExamples } from '../../shared/quiz/fsrsTraining';
import type { FittedParameters } from '../../shared/quiz/progress';
import * as path from 'node:path';
import { fitInChildProcess } from './fsrsFitProcess';
import type { ProgressStore } from './progressStore';

export type FitOutcome =
  | { type: 'not-enough'; status: FitStatus }
  /** the optimizer handed back FSRS's defaults: the reviews do not tell them apart yet */
  | { type: 'kept-defaults'; status: FitStatus }
  /** parameters fitted to the earlier reviews predicted the latest ones no better than the defaults */
  | { type: 'no-better'; status: FitStatus; logLoss: { default: number; fitted: number } }
  | { type: 'fitted'; fitted: FittedParameters; rescheduled: Rescheduled };

/** The fit process's bundle, next to the extension's own (scripts/build.mjs). */
const FIT_ENTRY = path.join(__dirname, 'fsrsFit.js');

/** The learner's clock, for counting days in their own time zone. */
export const tzOffset = (now = Date.now()) => new Date(now).getTimezoneOffset();

/**
 * Fits the learner's FSRS parameters to their review log, stores them with the progress and
 * replays every whole history with them, so the schedule changes at once.
 */
export async function fitSchedule(store: ProgressStore, desiredRetention: number, now = Date.now()): Promise<FitOutcome> {
  const status = fitStatus(store.progress, tzOffset(now));
  if (status.needed > 0) return { type: 'not-enough', status };
  const fit = await fitInChildProcess(
    FIT_ENTRY,
    spacedExamples(store.progress, tzOffset(now)).map((x) => x.history),
  );
  if (!fit.adopted)
    return fit.why === 'no-better' && fit.logLoss ? { type: 'no-better', status, logLoss: fit.logLoss } : { type: 'kept-defaults', status };
  const fitted: FittedParameters = { w: fit.w, fittedAt: now, reviews: status.spaced, logLoss: fit.logLoss };
  // answers given while the optimizer ran are in the latest progress: replay that one
  const rescheduled = reschedule({ ...store.progress, fitted }, { desiredRetention, w: fit.w });
  await store.save(rescheduled.progress);
  return { type: 'fitted', fitted, rescheduled };
}

/** What a fit did, in a sentence or two. */
export function fitMessage(o: FitOutcome): string {
  const t = vscode.l10n.t;
  switch (o.type) {
    case 'not-enough':
      return t(
        'Your own scheduling parameters need {0} spaced reviews (answers a day or more after the previous answer to the same item); you have {1}, so {2} more.',
        o.status.spaced + o.status.needed,
        o.status.spaced,
        o.status.needed,
      );
    case 'kept-defaults':
      return t(
        'The optimizer kept FSRS’s default parameters: your {0} spaced reviews do not yet tell them apart. Your schedule is unchanged.',
        o.status.spaced,
      );
    case 'no-better':
      return t(
        'Parameters fitted to your earlier reviews predicted your latest ones no better than FSRS’s defaults (log loss {0} against {1}), so the defaults stay. Your schedule is unchanged.',
        o.logLoss.fitted.toFixed(3),
        o.logLoss.default.toFixed(3),
      );
    case 'fitted': {
      const r = o.rescheduled;
      const loss = o.fitted.logLoss
        ? ` ${t('On your latest reviews, held out from the check fit, they score a log loss of {0} against {1} for the defaults (lower is better).', o.fitted.logLoss.fitted.toFixed(3), o.fitted.logLoss.default.toFixed(3))}`
        : '';
      const interval =
        r.medianIntervalBefore !== undefined && r.medianIntervalAfter !== undefined
          ? ` ${t('Median interval: {0} → {1} days.', r.medianIntervalBefore.toFixed(1), r.medianIntervalAfter.toFixed(1))}`
          : '';
      return `${t('Your own scheduling parameters were fitted from {0} spaced reviews.', o.fitted.reviews)}${loss} ${t('{0} items now come back earlier and {1} later.', r.earlier, r.later)}${interval}`;
    }
  }
}
