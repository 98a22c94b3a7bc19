/**
 * How far away a due time is, in the unit the UI names it by. "now" means exactly what the due
 * counts mean (due ≤ now, as in dueKeys and dueBuckets); a time still ahead is never rounded down
 * to "now", so a summary row cannot say "now" for an item its header does not count as due.
 */
export type DueSpan = { unit: 'now' } | { unit: 'minute' | 'hour' | 'day' | 'month'; count: number };

export function dueSpan(due: number, now: number): DueSpan {
  if (due <= now) return { unit: 'now' };
  const minutes = Math.ceil((due - now) / 60_000);
  if (minutes < 60) return { unit: 'minute', count: minutes };
  const hours = Math.round(minutes / 60);
  if (hours < 24) return { unit: 'hour', count: hours };
  const days = Math.round(hours / 24);
  if (days < 60) return { unit: 'day', count: days };
  return { unit: 'month', count: Math.round(days / 30) };
}
