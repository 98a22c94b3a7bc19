/**
 * Reading stored or imported progress: validates every item, keeps what is valid, names what was
 * not, and migrates older formats. Never throws; the caller keeps a backup of anything not `ok`.
 *
 * Formats:
 * - version 3 (current): `{ version: 3, items: { "<qid>#<item>": ItemProgress }, fitted?: FittedParameters }`,
 *   times in epoch ms; each item carries its review log.
 * - version 2: the same without review logs and fitted parameters; migrated with empty logs (the
 *   answers before were never recorded one by one).
 * - version 1 (first development builds): `{ version: 1, cards: { key: ts-fsrs Card as JSON } ,
 *   results?: { key: { right, wrong } } }`, dates as ISO strings and state as a number or a name.
 */
import { fillTemplate } from '../modelProblem';
import { parseItemKey } from './askedItem';
import {
  emptyProgress,
  type FittedParameters,
  type ItemProgress,
  MAX_LOG,
  type Progress,
  PROGRESS_VERSION,
  type ReviewEntry,
} from './progress';
import type { StoredCard } from './scheduling';

export type LoadOutcome =
  /** nothing stored yet */
  | 'empty'
  | 'ok'
  /** an older format, converted */
  | 'migrated'
  /** some items were invalid and dropped; the rest kept */
  | 'recovered'
  /** nothing could be read: starts empty */
  | 'unreadable';

export interface LoadedProgress {
  progress: Progress;
  outcome: LoadOutcome;
  /** one per problem, naming the item (the first argument of an item's problem) and what was wrong */
  problems: ProgressProblem[];
}

/**
 * What was wrong with stored or imported progress, as a code and its arguments, so the host says it
 * in the user's language (vscode.l10n.t with PROGRESS_PROBLEM_TEXT[code] as the key) and logs the English.
 * An item's problem names the item key first.
 */
export const PROGRESS_PROBLEM_TEXT = {
  notJson: 'the stored progress is text that is not JSON',
  listNotObject: 'the stored progress is a list, not an object',
  notObject: 'the stored progress is {0}, not an object',
  newerVersion: 'the progress was written by a newer version of Transformer Tutor (format {0}; this version reads format {1} and older)',
  unknownVersion: 'the progress has no known format version (found {0})',
  noItems: 'the progress has no "items" object',
  noCards: 'the version 1 progress has no "cards" object',
  fittedDamaged: 'the fitted scheduling parameters are damaged; the defaults apply until the next fit',
  notExport: 'the file is not a Transformer Tutor progress export (format "{0}")',
  badKey: '{0}: the key is not "<question-id>#<item-id>"',
  itemNotObject: '{0}: not an object',
  cardMissing: '{0}: card is missing',
  cardDue: '{0}: card.due is not a time',
  cardStability: '{0}: card.stability is not a non-negative number',
  cardDifficulty: '{0}: card.difficulty is not between 0 and 10',
  cardScheduledDays: '{0}: card.scheduledDays is not a non-negative number',
  cardCount: '{0}: card.{1} is not a count',
  cardState: '{0}: card.state is not 0–3',
  cardLastReview: '{0}: card.lastReview is not a time',
  counts: '{0}: attempts/correct are not counts with correct ≤ attempts',
  lastCorrect: '{0}: lastCorrect is not true/false',
  lastAnsweredAt: '{0}: lastAnsweredAt is not a time',
  logDamaged: '{0}: the review log is not a list of answers ({ at, rating }) in time order; the schedule is kept without it',
} as const;

export type ProgressProblemCode = keyof typeof PROGRESS_PROBLEM_TEXT;

export interface ProgressProblem {
  code: ProgressProblemCode;
  args: string[];
}

const problem = (code: ProgressProblemCode, ...args: (string | number)[]): ProgressProblem => ({ code, args: args.map(String) });

/** The problem in English, for logs and tests. */
export function progressProblemEnglish(p: ProgressProblem): string {
  return fillTemplate(PROGRESS_PROBLEM_TEXT[p.code], p.args);
}

/** Marks an exported file, so importing some other JSON gives a clear message. */
export const EXPORT_FORMAT = 'transformer-tutor-progress';

const isObj = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
const isCount = (v: unknown): v is number => Number.isInteger(v) && (v as number) >= 0;
const isNum = (v: unknown): v is number => typeof v === 'number' && Number.isFinite(v);
const STATE_NAMES = ['New', 'Learning', 'Review', 'Relearning'];
// dates before 2000 or after 2200 are corruption, not schedules
const isTime = (v: unknown): v is number => isNum(v) && v > 946_684_800_000 && v < 7_258_118_400_000;

export function parseProgress(raw: unknown): LoadedProgress {
  if (raw === undefined || raw === null) return { progress: emptyProgress(), outcome: 'empty', problems: [] };
  if (typeof raw === 'string') {
    try {
      raw = JSON.parse(raw);
    } catch {
      return unreadable(problem('notJson'));
    }
  }
  if (!isObj(raw)) return unreadable(Array.isArray(raw) ? problem('listNotObject') : problem('notObject', typeof raw));
  const version = raw.version;
  if (version === PROGRESS_VERSION) return withFitted(readItems(raw.items, 'ok'), raw.fitted);
  if (version === 2) return readItems(raw.items, 'migrated');
  if (version === 1) return migrateV1(raw);
  if (isNum(version) && version > PROGRESS_VERSION) {
    return unreadable(problem('newerVersion', version, PROGRESS_VERSION));
  }
  return unreadable(problem('unknownVersion', JSON.stringify(version) ?? 'none'));
}

function unreadable(why: ProgressProblem): LoadedProgress {
  return { progress: emptyProgress(), outcome: 'unreadable', problems: [why] };
}

function readItems(items: unknown, outcome: 'ok' | 'migrated'): LoadedProgress {
  if (!isObj(items)) return unreadable(problem('noItems'));
  const progress = emptyProgress();
  const problems: ProgressProblem[] = [];
  for (const [key, value] of Object.entries(items)) {
    const why = checkItem(key, value);
    if (why) {
      problems.push(problem(why[0], key, ...why.slice(1)));
      continue;
    }
    // older formats kept no log; a damaged log costs only the log, the schedule stays
    const raw = (value as { log?: unknown }).log;
    const log = raw === undefined && outcome === 'migrated' ? [] : readLog(raw);
    if (!log) problems.push(problem('logDamaged', key));
    progress.items[key] = normaliseItem(value as ItemProgress, log ?? []);
  }
  return { progress, outcome: problems.length ? 'recovered' : outcome, problems };
}

function readLog(v: unknown): ReviewEntry[] | undefined {
  if (!Array.isArray(v) || v.length > MAX_LOG) return undefined;
  const log: ReviewEntry[] = [];
  for (const e of v) {
    if (!isObj(e) || !isTime(e.at) || ![1, 2, 3, 4].includes(e.rating as number)) return undefined;
    if (log.length && e.at < log[log.length - 1].at) return undefined;
    log.push({ at: e.at, rating: e.rating as ReviewEntry['rating'] });
  }
  return log;
}

/** Adds the fitted parameters when they are sound; damaged ones are named and the defaults apply until the next fit. */
function withFitted(loaded: LoadedProgress, raw: unknown): LoadedProgress {
  if (raw === undefined || loaded.outcome === 'unreadable') return loaded;
  const fitted = readFitted(raw);
  if (fitted) return { ...loaded, progress: { ...loaded.progress, fitted } };
  return { ...loaded, outcome: 'recovered', problems: [...loaded.problems, problem('fittedDamaged')] };
}

function readFitted(v: unknown): FittedParameters | undefined {
  if (!isObj(v) || !Array.isArray(v.w) || v.w.length !== FSRS_PARAMETER_COUNT || !v.w.every(isNum)) return undefined;
  if (!isTime(v.fittedAt) || !isCount(v.reviews)) return undefined;
  const out: FittedParameters = { w: [...(v.w as number[])], fittedAt: v.fittedAt, reviews: v.reviews };
  const ll = v.logLoss;
  if (isObj(ll) && isNum(ll.default) && isNum(ll.fitted)) out.logLoss = { default: ll.default, fitted: ll.fitted };
  return out;
}

/** FSRS-6, as ts-fsrs 5 and the optimizer use it. */
export const FSRS_PARAMETER_COUNT = 21;

/** Why an item is invalid (a code and the arguments after the item key), or undefined when it is fine. */
type ItemFault = [ProgressProblemCode, ...string[]];

function checkItem(key: string, v: unknown): ItemFault | undefined {
  if (!parseItemKey(key)) return ['badKey'];
  if (!isObj(v)) return ['itemNotObject'];
  const card = checkCard(v.card);
  if (card) return card;
  if (!isCount(v.attempts) || !isCount(v.correct) || v.correct > v.attempts) return ['counts'];
  if (typeof v.lastCorrect !== 'boolean') return ['lastCorrect'];
  if (!isTime(v.lastAnsweredAt)) return ['lastAnsweredAt'];
  return undefined;
}

function checkCard(c: unknown): ItemFault | undefined {
  if (!isObj(c)) return ['cardMissing'];
  if (!isTime(c.due)) return ['cardDue'];
  if (!isNum(c.stability) || c.stability < 0) return ['cardStability'];
  if (!isNum(c.difficulty) || c.difficulty < 0 || c.difficulty > 10) return ['cardDifficulty'];
  if (!isNum(c.scheduledDays) || c.scheduledDays < 0) return ['cardScheduledDays'];
  for (const k of ['learningSteps', 'reps', 'lapses'] as const) if (!isCount(c[k])) return ['cardCount', k];
  if (![0, 1, 2, 3].includes(c.state as number)) return ['cardState'];
  if (c.lastReview !== undefined && !isTime(c.lastReview)) return ['cardLastReview'];
  return undefined;
}

/** Only the known fields, so extra junk in a file does not travel on. */
function normaliseItem(v: ItemProgress, log: ReviewEntry[]): ItemProgress {
  const c = v.card;
  const card: StoredCard = {
    due: c.due,
    stability: c.stability,
    difficulty: c.difficulty,
    scheduledDays: c.scheduledDays,
    learningSteps: c.learningSteps,
    reps: c.reps,
    lapses: c.lapses,
    state: c.state,
  };
  if (c.lastReview !== undefined) card.lastReview = c.lastReview;
  return { card, attempts: v.attempts, correct: v.correct, lastCorrect: v.lastCorrect, lastAnsweredAt: v.lastAnsweredAt, log };
}

function migrateV1(raw: Record<string, unknown>): LoadedProgress {
  if (!isObj(raw.cards)) return unreadable(problem('noCards'));
  const results = isObj(raw.results) ? raw.results : {};
  const items: Record<string, unknown> = {};
  const problems: ProgressProblem[] = [];
  for (const [key, c] of Object.entries(raw.cards)) {
    if (!isObj(c)) {
      problems.push(problem('itemNotObject', key));
      continue;
    }
    const time = (v: unknown) => (typeof v === 'string' || isNum(v) ? new Date(v).getTime() : NaN);
    const state = typeof c.state === 'string' ? STATE_NAMES.indexOf(c.state) : c.state;
    const r = isObj(results[key]) ? (results[key] as Record<string, unknown>) : {};
    const right = isCount(r.right) ? r.right : 0;
    const wrong = isCount(r.wrong) ? r.wrong : 0;
    const lastReview = c.last_review === undefined || c.last_review === null ? undefined : time(c.last_review);
    const card = {
      due: time(c.due),
      stability: c.stability,
      difficulty: c.difficulty,
      scheduledDays: c.scheduled_days,
      learningSteps: c.learning_steps ?? 0,
      reps: c.reps,
      lapses: c.lapses,
      state,
      lastReview,
    };
    // v1 kept no per-answer record: the last review stands in for the last answer, and a lapse
    // count that did not grow on it cannot be known, so "last answer right" follows the state
    items[key] = {
      card,
      attempts: Math.max(right + wrong, isCount(c.reps) ? c.reps : 0),
      correct: right,
      lastCorrect: state !== 3,
      lastAnsweredAt: lastReview ?? time(c.due),
    };
  }
  const read = readItems(items, 'migrated');
  const all = [...problems, ...read.problems];
  return { progress: read.progress, outcome: all.length ? 'recovered' : 'migrated', problems: all };
}

/** The JSON written by Export Progress. */
export function exportProgress(p: Progress, now: number): Record<string, unknown> {
  return {
    format: EXPORT_FORMAT,
    exportedAt: new Date(now).toISOString(),
    version: p.version,
    items: p.items,
    ...(p.fitted ? { fitted: p.fitted } : {}),
  };
}

/** Reads an exported file's JSON (or a raw stored record); a file of another kind is unreadable. */
export function parseExport(raw: unknown): LoadedProgress {
  if (isObj(raw) && raw.format !== undefined && raw.format !== EXPORT_FORMAT) {
    return unreadable(problem('notExport', String(raw.format).slice(0, 60)));
  }
  return parseProgress(raw);
}

/**
 * What Import Quiz Progress may offer for a file it read. A file with no valid item is refused
 * before anything is asked, so Replace can never swap the learner's progress for nothing; a file
 * with some damaged items names them in the question, before the learner chooses.
 */
export type ImportDecision =
  { type: 'refuse'; why: 'damaged' | 'empty'; problems: ProgressProblem[] } | { type: 'ask'; count: number; problems: ProgressProblem[] };

export function importDecision(loaded: LoadedProgress): ImportDecision {
  const count = Object.keys(loaded.progress.items).length;
  if (count === 0) return { type: 'refuse', why: loaded.problems.length ? 'damaged' : 'empty', problems: loaded.problems };
  return { type: 'ask', count, problems: loaded.problems };
}
