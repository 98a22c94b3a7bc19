import * as vscode from 'vscode';
import type { DemoId, Topic } from '../../shared/questions/types';
import type { Answer, PreparedItem } from '../../shared/quiz/askedItem';
import { parseNumericAnswer } from '../../shared/quiz/grading';
import { presentItem } from '../../shared/quiz/choiceOrder';
import { dueBuckets, nextDueAfter } from '../../shared/quiz/progress';
import { QuizRun, type RunScore } from '../../shared/quiz/quizRun';
import type { SchedulerOptions } from '../../shared/quiz/scheduling';
import type { ProgressStore } from './progressStore';
import { pickStep, type Row, type StepChrome, type StepOutcome, textStep } from './quizInput';
import { choiceRow, givenAnswerText, rightAnswerText, separator, shortPrompt, textRows } from './quizRows';
import { demoTitle } from '../labs/labTitles';
import { topicLabel } from '../questions/questionStrings';
import { dueIn, ratingName, trueFalseWord } from './quizWords';

/** One item of a run with what the UI says about its question. */
export interface QuizEntry {
  item: PreparedItem;
  title: string;
  topic: Topic;
  demo: DemoId;
}

export type QuizPhase = 'scope' | 'question' | 'feedback' | 'summary' | 'statistics';

/** Fired for every input the quiz shows; the integration tests answer through it. */
export interface QuizStepEvent {
  phase: QuizPhase;
  input: vscode.QuickPick<Row<unknown>> | vscode.InputBox;
  index?: number;
  item?: PreparedItem;
}

export interface FlowDeps {
  store: ProgressStore;
  /** keys of items that exist in the bank, for the due counts in the summary */
  knownKeys: ReadonlySet<string>;
  observe: (e: QuizStepEvent) => void;
  openQuestion: (id: string) => Thenable<unknown>;
  openDemo: (id: string) => Thenable<unknown>;
  openStatistics: () => Thenable<unknown>;
  /** draws the order of every item's choices in this run (see choiceOrder) */
  seed: number;
  /** false keeps the authored order of the choices (the setting transformerTutor.quiz.shuffleChoices) */
  shuffle: boolean;
  /** desired retention and the learner's fitted parameters, read at each answer */
  scheduler: () => SchedulerOptions;
  /** a line on whose parameters schedule the reviews, or how many more reviews personal ones need */
  scheduleNote: () => string;
}

type Ask =
  { type: 'choice'; i: number } | { type: 'toggle'; i: number } | { type: 'submit' } | { type: 'skip' } | { type: 'bool'; v: boolean };
type Next = 'next' | 'question' | 'demo';

/** Asks the entries one by one, with feedback after each answer and a summary at the end. */
export async function runQuizFlow(authored: readonly QuizEntry[], deps: FlowDeps): Promise<RunScore> {
  const entries = authored.map((e) => ({ ...e, item: presentItem(e.item, deps.seed, deps.shuffle) }));
  const run = new QuizRun(entries.map((e) => e.item));
  const n = entries.length;
  let i = 0;
  while (i < n) {
    // an item answered earlier in this run (reached with Back) shows its recorded answer, not a blank question
    if (!run.isAnswered(i)) {
      const asked = await askItem(entries[i], i, n, deps);
      if (asked.type === 'cancel') return stopped(run);
      if (asked.type === 'back') {
        i = Math.max(0, i - 1);
        continue;
      }
      if (asked.type === 'skip') {
        run.skip(i);
        i++;
        continue;
      }
      const result = run.answer(i, asked.value.answer, asked.value.millis, Date.now(), deps.store.progress, deps.scheduler());
      await deps.store.save(result.progress);
    }
    const next = await feedback(entries[i], i, n, run, deps);
    if (next === 'cancel') return stopped(run);
    i = next === 'back' ? Math.max(0, i - 1) : i + 1;
  }
  await summary(entries, run, deps);
  return run.score();
}

function chrome(e: QuizEntry, i: number, n: number, canSkip: boolean): StepChrome {
  return { title: `${vscode.l10n.t('Quiz')} · ${topicLabel(e.topic)} · ${e.title}`, step: i + 1, totalSteps: n, canGoBack: i > 0, canSkip };
}

async function askItem(e: QuizEntry, i: number, n: number, deps: FlowDeps): Promise<StepOutcome<{ answer: Answer; millis: number }>> {
  const t = vscode.l10n.t;
  const item = e.item;
  const started = Date.now();
  const observe = (input: QuizStepEvent['input']) => deps.observe({ phase: 'question', input, index: i, item });
  const timed = (answer: Answer): StepOutcome<{ answer: Answer; millis: number }> => ({
    type: 'value',
    value: { answer, millis: Date.now() - started },
  });
  if (item.kind === 'numeric') {
    const r = await textStep({
      chrome: chrome(e, i, n, true),
      prompt: item.prompt.replace(/\n/g, ' — '),
      placeholder: t('Type a number, e.g. 0.25, 1e-3 or 1/3, then press Enter'),
      validate: (v) =>
        parseNumericAnswer(v) === undefined ? t('“{0}” is not a number: type digits such as 0.25, 1e-3 or 1/3', v.trim()) : undefined,
      observe,
    });
    return r.type === 'value' ? timed({ kind: 'numeric', value: parseNumericAnswer(r.value) as number }) : r;
  }
  const prompt = textRows<Ask>(item.prompt, 'question');
  const skipRow: Row<Ask> = {
    label: `$(debug-step-over) ${t('Skip')}`,
    description: t('leave this one for later'),
    value: { type: 'skip' },
    alwaysShow: true,
  };
  if (item.kind === 'multiple') {
    const chosen = new Set<number>();
    const rows = () => [
      ...prompt,
      separator<Ask>(),
      ...item.choices.map((c, k) => choiceRow<Ask>(k, c, { type: 'toggle', i: k }, chosen.has(k) ? 'pass-filled' : 'circle-large-outline')),
      separator<Ask>(),
      {
        label: `$(check) ${t('Submit')}`,
        description: t('{0} chosen', chosen.size),
        value: { type: 'submit' },
        alwaysShow: true,
      } as Row<Ask>,
      skipRow,
    ];
    const r = await pickStep<Ask>({
      chrome: chrome(e, i, n, true),
      rows: rows(),
      placeholder: t('Select every right answer (Enter toggles), then choose Submit'),
      onAccept: (row, pick) => {
        if (row.value?.type !== 'toggle') return false;
        const k = row.value.i;
        if (chosen.has(k)) chosen.delete(k);
        else chosen.add(k);
        const next = rows();
        pick.items = next;
        pick.activeItems = [next.find((x) => x.value?.type === 'toggle' && x.value.i === k) as Row<Ask>];
        return true;
      },
      observe,
    });
    if (r.type !== 'value') return r;
    return r.value.type === 'skip' ? { type: 'skip' } : timed({ kind: 'multiple', choices: [...chosen].sort((a, b) => a - b) });
  }
  const options: Row<Ask>[] =
    item.kind === 'single'
      ? item.choices.map((c, k) => choiceRow<Ask>(k, c, { type: 'choice', i: k }))
      : [true, false].map((v) => ({ label: trueFalseWord(v), value: { type: 'bool', v }, alwaysShow: true }) as Row<Ask>);
  const r = await pickStep<Ask>({
    chrome: chrome(e, i, n, true),
    rows: [...prompt, separator<Ask>(), ...options, separator<Ask>(), skipRow],
    placeholder: item.kind === 'single' ? t('Choose one answer') : t('True or false?'),
    observe,
  });
  if (r.type !== 'value') return r;
  const v = r.value;
  if (v.type === 'skip') return { type: 'skip' };
  return timed(v.type === 'bool' ? { kind: 'truefalse', value: v.v } : { kind: 'single', choice: v.type === 'choice' ? v.i : -1 });
}

async function feedback(e: QuizEntry, i: number, n: number, run: QuizRun, deps: FlowDeps): Promise<'next' | 'back' | 'cancel'> {
  const t = vscode.l10n.t;
  const o = run.outcomes[i];
  if (o.status !== 'answered') return 'next';
  // the verdict and the answer given, then when it comes back, each on rows of their own so
  // that nothing is cut off at the right edge of the quick pick
  const verdict = o.correct
    ? `${t('Right!')} ${givenAnswerText(o.answer)}`
    : `${t('Not right.')} ${givenAnswerText(o.answer)} ${rightAnswerText(e.item)}`;
  const head: Row<Next>[] = [
    ...textRows<Next>(verdict, o.correct ? 'pass-filled' : 'error', 5),
    ...textRows<Next>(t('{0} · next review {1}', ratingName(o.rating), dueIn(o.after.card.due, Date.now())), 'calendar', 1),
  ];
  const next: Row<Next> = {
    label: i + 1 < n ? `$(arrow-right) ${t('Next question')}` : `$(checklist) ${t('See the summary')}`,
    value: 'next',
    alwaysShow: true,
  };
  const rows: Row<Next>[] = [
    ...head,
    ...textRows<Next>(e.item.explain, 'info'),
    ...(e.item.facts ?? []).flatMap((f) => textRows<Next>(f, 'pulse', 4)),
    separator<Next>(),
    next,
    { label: `$(book) ${t('Open the question')}`, description: e.title, value: 'question', alwaysShow: true },
    { label: `$(play) ${t('Try the demonstration')}`, description: demoTitle(e.demo), value: 'demo', alwaysShow: true },
  ];
  for (;;) {
    const r = await pickStep<Next>({
      chrome: chrome(e, i, n, false),
      rows,
      active: next,
      placeholder: o.correct ? t('Right — press Enter to go on') : t('Not right — read why, then press Enter to go on'),
      observe: (input) => deps.observe({ phase: 'feedback', input, index: i, item: e.item }),
    });
    if (r.type === 'back') return 'back';
    if (r.type !== 'value') return 'cancel';
    if (r.value === 'next') return 'next';
    // open it beside the quiz, then come back to this feedback
    await (r.value === 'question' ? deps.openQuestion(e.item.questionId) : deps.openDemo(e.item.questionId));
  }
}

async function summary(entries: readonly QuizEntry[], run: QuizRun, deps: FlowDeps): Promise<void> {
  const t = vscode.l10n.t;
  const s = run.score();
  const now = Date.now();
  const p = deps.store.progress;
  const b = dueBuckets(p, now, deps.knownKeys);
  const next = nextDueAfter(p, now, deps.knownKeys);
  type Done = { type: 'done' } | { type: 'open'; id: string } | { type: 'statistics' };
  // one question (Quiz Me): its title is in every row already, so rows name the items only
  const manyQuestions = new Set(entries.map((e) => e.item.questionId)).size > 1;
  const answers: Row<Done>[] = entries.map((e, k) => {
    const o = run.outcomes[k];
    const icon = o.status === 'answered' ? (o.correct ? 'pass' : 'error') : 'debug-step-over';
    const when = o.status === 'answered' ? t('next review {0}', dueIn(o.after.card.due, now)) : t('skipped');
    // the review time goes on the detail line, which has the row's whole width: beside a long
    // prompt, as a description, it was cut to "next…"
    return {
      label: `$(${icon}) ${shortPrompt(e.item)}`,
      detail: manyQuestions ? `${when} · ${e.title}` : when,
      value: { type: 'open', id: e.item.questionId },
    };
  });
  const done: Row<Done> = {
    label: `$(check) ${t('Done')}`,
    description: t('or choose an answer below to open its question'),
    value: { type: 'done' },
    alwaysShow: true,
  };
  const rows: Row<Done>[] = [
    {
      label: `$(star-full) ${t('{0} of {1} right', s.right, s.right + s.wrong)}`,
      description: s.skipped ? t('{0} skipped', s.skipped) : undefined,
      alwaysShow: true,
    },
    ...textRows<Done>(
      t('Due now: {0} · in an hour: {1} · in a day: {2} · in a week: {3} · later: {4}', b.now, b.hour, b.day, b.week, b.later),
      'calendar',
      2,
    ),
    ...(next !== undefined ? textRows<Done>(t('Next review: {0}', dueIn(next, now)), 'clock', 1) : []),
    ...textRows<Done>(deps.scheduleNote(), 'beaker', 2),
    done,
    {
      label: `$(graph) ${t('Quiz Statistics')}`,
      description: t('your retention, workload and schedule'),
      value: { type: 'statistics' },
      alwaysShow: true,
    },
    separator<Done>(),
    ...answers,
  ];
  const r = await pickStep<Done>({
    chrome: { title: manyQuestions ? t('Quiz summary') : `${t('Quiz summary')} · ${entries[0].title}`, canGoBack: false, canSkip: false },
    rows,
    active: done,
    placeholder: t('Press Enter to close'),
    observe: (input) => deps.observe({ phase: 'summary', input }),
  });
  if (r.type === 'value' && r.value.type === 'open') await deps.openQuestion(r.value.id);
  if (r.type === 'value' && r.value.type === 'statistics') await deps.openStatistics();
}

function stopped(run: QuizRun): RunScore {
  const s = run.score();
  if (s.right + s.wrong > 0) {
    void vscode.window.showInformationMessage(
      vscode.l10n.t('Quiz stopped: {0} of {1} answered right so far. Your answers are saved.', s.right, s.right + s.wrong),
    );
  }
  return s;
}
