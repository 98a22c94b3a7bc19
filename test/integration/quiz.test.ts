import * as assert from 'node:assert';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { QuizStepEvent } from '../../src/host/quiz/quizFlow';
import type { Row } from '../../src/host/quiz/quizInput';
import type { PreparedItem } from '../../src/shared/quiz/askedItem';
import { answered, emptyProgress, type Progress, withItem } from '../../src/shared/quiz/progress';
import { Rating } from '../../src/shared/quiz/scheduling';
import type { FitOutcome } from '../../src/host/quiz/personalSchedule';
import { simulateLearner } from '../fixtures/simulatedLearner';
import { screenshot, sleep, tutor, waitFor } from './helpers';

type Api = Awaited<ReturnType<typeof tutor>>;
type Pick = vscode.QuickPick<Row<unknown>>;
type AnyValue = { type?: string; i?: number; v?: boolean } | string;

/** Follows the quiz's inputs as they are shown and answers them through the real quick input. */
class QuizDriver implements vscode.Disposable {
  private readonly events: QuizStepEvent[] = [];
  private seen = 0;
  private readonly sub: vscode.Disposable;

  constructor(api: Api) {
    this.sub = api.quiz.onDidShowStep((e) => this.events.push(e));
  }

  async next(phase: QuizStepEvent['phase']): Promise<QuizStepEvent> {
    const e = await waitFor(`the quiz's ${phase} step`, () => this.events[this.seen]);
    this.seen++;
    assert.strictEqual(e.phase, phase, `expected the ${phase} step, got ${e.phase}`);
    await sleep(200); // let the workbench render it
    return e;
  }

  /** Makes the first row whose value fits the active one and presses Enter in the workbench. */
  async choose(e: QuizStepEvent, fits: (v: AnyValue) => boolean): Promise<void> {
    const pick = e.input as Pick;
    const row = pick.items.find((r) => r.value !== undefined && fits(r.value as AnyValue));
    assert.ok(row, `no row fits in: ${pick.items.map((r) => r.label).join(' | ')}`);
    pick.activeItems = [row];
    await sleep(150); // quick-input updates reach the workbench asynchronously
    await vscode.commands.executeCommand('workbench.action.acceptSelectedQuickOpenItem');
  }

  /** Answers a question step right or wrong, whatever its kind. */
  async answer(e: QuizStepEvent, right: boolean): Promise<void> {
    const item = e.item as PreparedItem;
    switch (item.kind) {
      case 'single':
        return this.choose(e, (v) => typeof v === 'object' && v.type === 'choice' && (v.i === item.answer) === right);
      case 'truefalse':
        return this.choose(e, (v) => typeof v === 'object' && v.type === 'bool' && (v.v === item.answer) === right);
      case 'multiple': {
        const want = right
          ? item.answer
          : item.answer.length
            ? item.answer.slice(0, 1).concat(item.answer.length > 1 ? [] : [(item.answer[0] + 1) % item.choices.length])
            : [0];
        for (const i of want) await this.choose(e, (v) => typeof v === 'object' && v.type === 'toggle' && v.i === i);
        await sleep(150);
        return this.choose(e, (v) => typeof v === 'object' && v.type === 'submit');
      }
      case 'numeric': {
        const box = e.input as vscode.InputBox;
        box.value = String(right ? item.answer : item.answer + 10 * item.tolerance + 1);
        await sleep(150);
        await vscode.commands.executeCommand('workbench.action.acceptSelectedQuickOpenItem');
      }
    }
  }

  /** Steps shown that no test has taken yet: a step appearing means an answer was accepted. */
  get unread(): number {
    return this.events.length - this.seen;
  }

  /** Presses Enter in the workbench, on whatever row VS Code has focused. */
  async enter(): Promise<void> {
    await vscode.commands.executeCommand('workbench.action.acceptSelectedQuickOpenItem');
  }

  /**
   * Presses Down and waits until the extension sees the focus move; returns the row now focused.
   * Pressed again when the focus has not moved after a while: once in five runs a press that came
   * right after the step opened was lost, as a person's would be, who would press again.
   */
  async down(pick: Pick): Promise<Row<unknown>> {
    const before = pick.activeItems[0];
    for (let press = 1; ; press++) {
      await vscode.commands.executeCommand('quickInput.next');
      try {
        const row = await waitFor('the focus to move down', () => (pick.activeItems[0] !== before ? pick.activeItems[0] : undefined), 1500);
        return row;
      } catch (e) {
        if (press === 4) throw e;
      }
    }
  }

  labels(e: QuizStepEvent): string[] {
    return (e.input as Pick).items.map((r) => r.label);
  }

  dispose(): void {
    this.sub.dispose();
  }
}

async function exported(): Promise<{ items: Progress['items']; fitted?: Progress['fitted'] }> {
  const file = vscode.Uri.file(path.join(os.tmpdir(), `quiz-export-${process.pid}-${Date.now()}.json`));
  await vscode.commands.executeCommand('transformerTutor.exportProgress', file);
  return JSON.parse(fs.readFileSync(file.fsPath, 'utf8'));
}

suite('Quizzes', () => {
  let api: Api;
  suiteSetup(async () => {
    api = await tutor();
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
    await api.quiz.store.save(emptyProgress());
  });

  test('Quiz Me runs a question’s items in the quick pick: right, wrong, back, skip, live item, summary; progress is stored', async () => {
    const drive = new QuizDriver(api);
    const running = vscode.commands.executeCommand<{ right: number; wrong: number; skipped: number; total: number }>(
      'transformerTutor.quizQuestion',
      'padding-mask',
    );
    const asked: PreparedItem[] = [];
    let index = 0;
    let wrongKey: string | undefined;
    let skipped: string | undefined;
    const shots = new Set<string>();
    let live: PreparedItem | undefined;
    for (;;) {
      const q = await drive.next('question');
      const item = q.item as PreparedItem;
      assert.strictEqual(q.index, index);
      assert.strictEqual((q.input as vscode.QuickInput).step, index + 1, 'the step counter');
      if (index === 0) await screenshot('quiz-step');
      if (item.kind === 'numeric' && !shots.has('numeric')) {
        shots.add('numeric');
        await screenshot('quiz-numeric');
        // a value that is not a number is refused on Enter, with the reason, and the step stays
        (q.input as vscode.InputBox).value = '1/';
        await sleep(150);
        await vscode.commands.executeCommand('workbench.action.acceptSelectedQuickOpenItem');
        await waitFor(
          'the validation message',
          () => /not a number/.test(String((q.input as vscode.InputBox).validationMessage ?? '')) || undefined,
        );
        await screenshot('quiz-numeric-invalid');
      }
      if (item.kind === 'multiple' && !shots.has('multiple')) {
        // toggle one choice on and off again: the check mark follows, and the answer below starts clean
        shots.add('multiple');
        const toggle = (v: AnyValue) => typeof v === 'object' && v.type === 'toggle' && v.i === 0;
        await drive.choose(q, toggle);
        await waitFor('the toggled choice', () => drive.labels(q).some((l) => l.startsWith('$(pass-filled) A.')) || undefined);
        await screenshot('quiz-multiple');
        await drive.choose(q, toggle);
        await waitFor('the choice toggled off', () => drive.labels(q).some((l) => l.startsWith('$(circle-large-outline) A.')) || undefined);
      }
      if (item.template) {
        live = item;
        assert.match(item.prompt, /built-in sample sentence/, 'with nothing selected the live item says it used the sample');
        await screenshot('quiz-live-item');
      }
      if (index >= 3 && !skipped && item.kind !== 'numeric' && !item.template) {
        // skip one item (through its Skip row, so not a number typed in an input box)
        skipped = item.key;
        asked.push(item);
        await drive.choose(q, (v) => typeof v === 'object' && v.type === 'skip');
        index++;
        if (index === q.input.totalSteps) break;
        continue;
      }
      const right = index !== 1; // the second item is answered wrong, then Back is tried
      asked.push(item);
      await drive.answer(q, right);
      const fb = await drive.next('feedback');
      assert.match(drive.labels(fb)[0], right ? /Right! You (chose|answered) / : /Not right\. You (chose|answered) /);
      if (!right) {
        wrongKey = item.key;
        assert.ok(
          drive.labels(fb).some((l) => l.includes('$(info)')),
          'the explanation is shown',
        );
        assert.ok(
          drive.labels(fb).some((l) => /Again · next review in 1 minute$/.test(l)),
          'when it comes back, in full on a row of its own',
        );
        await screenshot('quiz-feedback');
        // Back shows the previous item's recorded answer; coming forward again shows this wrong answer, not a blank question
        await vscode.commands.executeCommand('workbench.action.quickInputBack');
        const back = await drive.next('feedback');
        assert.strictEqual(back.index, 0, 'Back goes to the previous item');
        assert.match(drive.labels(back)[0], /Right! You (chose|answered) /, 'with the answer given to it');
        await drive.choose(back, (v) => v === 'next');
        const again = await drive.next('feedback');
        assert.strictEqual(again.index, 1);
        assert.deepStrictEqual(
          drive.labels(again).slice(0, 2),
          drive.labels(fb).slice(0, 2),
          'the wrong answer stands: the item is graded once per run',
        );
        await drive.choose(again, (v) => v === 'next');
        index++;
        continue;
      }
      if (item.template)
        assert.ok(
          drive.labels(fb).some((l) => l.startsWith('$(pulse)')),
          'a live item shows what was measured',
        );
      await drive.choose(fb, (v) => v === 'next');
      index++;
      if (index === q.input.totalSteps) break;
    }
    const summary = await drive.next('summary');
    const answeredCount = asked.length - 1;
    assert.match(drive.labels(summary)[0], new RegExp(`${answeredCount - 1} of ${answeredCount} right`));
    assert.ok(
      drive.labels(summary).some((l) => l.includes('Due now:')),
      'says what is due when',
    );
    assert.ok(
      drive.labels(summary).some((l) => /needs 200 more spaced reviews/.test(l)),
      'says how many more reviews a schedule of their own needs',
    );
    assert.ok(
      (summary.input as Pick).items.some((r) => (r.value as { type?: string } | undefined)?.type === 'statistics'),
      'leads on to Quiz Statistics',
    );
    const answerRows = (summary.input as Pick).items.filter(
      (r) => typeof r.value === 'object' && (r.value as { type?: string }).type === 'open',
    );
    assert.strictEqual(answerRows.length, asked.length);
    for (const r of answerRows) {
      assert.strictEqual(r.description, undefined, `nothing is squeezed beside the prompt “${r.label}”`);
      assert.match(r.detail ?? '', /^(next review (now|in \d+ \w+)|skipped)$/);
    }
    await screenshot('quiz-summary');
    await drive.choose(summary, (v) => typeof v === 'object' && v.type === 'done');
    const score = await running;
    drive.dispose();
    assert.ok(live, 'the padding-mask question has a live item');
    assert.deepStrictEqual(score, { right: answeredCount - 1, wrong: 1, skipped: 1, total: asked.length });

    // stored: one record per answered item; the item seen twice through Back counts once
    const file = await exported();
    const keys = Object.keys(file.items).sort();
    assert.ok(skipped, 'an item was skipped');
    assert.deepStrictEqual(
      keys,
      asked
        .filter((a) => a.key !== skipped)
        .map((a) => a.key)
        .sort(),
    );
    for (const k of keys) {
      assert.strictEqual(file.items[k].attempts, 1, k);
      assert.strictEqual(file.items[k].lastCorrect, k !== wrongKey, k);
      assert.ok(file.items[k].card.due > Date.now(), `${k} is scheduled ahead`);
    }
    const progress = api.quiz.progressFor('padding-mask');
    assert.strictEqual(progress.seen, true);
    assert.strictEqual(progress.score, (answeredCount - 1) / answeredCount);
    assert.strictEqual(api.quiz.dueCount(), 0);
  });

  test('Start Quiz on a selection: the scope step offers its concept and live items use the selected text', async () => {
    const doc = await vscode.workspace.openTextDocument({
      content: 'The padding mask hides every [PAD] token, so it gets no attention at all.',
      language: 'markdown',
    });
    const editor = await vscode.window.showTextDocument(doc);
    editor.selection = new vscode.Selection(0, 0, 0, doc.lineAt(0).text.length);
    await api.quiz.store.save(emptyProgress());
    const drive = new QuizDriver(api);
    const running = vscode.commands.executeCommand('transformerTutor.startQuiz');
    const scope = await drive.next('scope');
    assert.match(drive.labels(scope)[0], /Related to the selection: .*padding mask/);
    await screenshot('quiz-scope');
    await drive.choose(scope, (v) => typeof v === 'object' && v.type === 'related');
    let q = await drive.next('question');
    // answer wrong until the live item (new items come in a random mix, so it may be the first), then stop with Escape
    for (;;) {
      const item = q.item as PreparedItem;
      if (item.template) {
        assert.match(item.prompt, /your selection/);
        assert.doesNotMatch(item.prompt, /sample/);
      }
      await drive.answer(q, false);
      const fb = await drive.next('feedback');
      assert.match(drive.labels(fb)[0], /Not right/);
      if (item.template) break;
      await drive.choose(fb, (v) => v === 'next');
      q = await drive.next('question');
    }
    await vscode.commands.executeCommand('workbench.action.closeQuickOpen');
    await running;
    drive.dispose();
    const stored = api.quiz.store.progress.items;
    assert.ok(Object.keys(stored).length >= 1, 'answers before stopping are kept');
    for (const it of Object.values(stored)) {
      assert.strictEqual(it.lastCorrect, false);
      assert.ok(it.card.due - Date.now() <= 61_000, 'a wrong answer is due again within a minute (FSRS Again)');
    }
    assert.strictEqual(api.quiz.dueCount(Date.now() + 61_000), Object.keys(stored).length);
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
  });

  test('The decoder’s live items: on a selection, Quiz Me on the KV cache, causal mask and decoding questions asks what the real decoder computes, and the right choice is taken as right', async () => {
    const doc = await vscode.workspace.openTextDocument({
      content: 'My grandmother waters the tomatoes every evening before dinner.',
      language: 'plaintext',
    });
    const editor = await vscode.window.showTextDocument(doc);
    editor.selection = new vscode.Selection(0, 0, 0, doc.lineAt(0).text.length);
    const templates: Record<string, string> = {
      'kv-cache': 'kv-cache-keys',
      'causal-mask': 'causal-sees',
      'decoding-strategies': 'next-token',
    };
    for (const [question, template] of Object.entries(templates)) {
      await api.quiz.store.save(emptyProgress());
      const drive = new QuizDriver(api);
      const running = vscode.commands.executeCommand('transformerTutor.quizQuestion', question);
      let q = await drive.next('question');
      // answer the fixed items wrong until the decoder's item comes, answer it right, then stop
      for (;;) {
        const item = q.item as PreparedItem;
        if (item.template === template) {
          assert.match(item.prompt, /your selection|“/);
          await screenshot(`quiz-decoder-${template}`);
          await drive.answer(q, true);
          const fb = await drive.next('feedback');
          assert.doesNotMatch(drive.labels(fb)[0], /Not right/, `${template}: the decoder’s own answer is right`);
          break;
        }
        await drive.answer(q, false);
        const fb = await drive.next('feedback');
        await drive.choose(fb, (v) => v === 'next');
        q = await drive.next('question');
      }
      await vscode.commands.executeCommand('workbench.action.closeQuickOpen');
      await running;
      drive.dispose();
    }
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
  });

  test('Review Due asks what is due; the status bar shows the count and hides at zero', async () => {
    const past = Date.now() - 3 * 86_400_000;
    let p = emptyProgress();
    for (const key of ['padding-mask#which-axis', 'padding-mask#all-masked'])
      p = withItem(p, key, answered(undefined, true, Rating.Good, past));
    p = withItem(p, 'padding-mask#renormalise', answered(undefined, true, Rating.Easy, Date.now()));
    const file = path.join(os.tmpdir(), `quiz-import-${process.pid}.json`);
    fs.writeFileSync(file, JSON.stringify({ format: 'transformer-tutor-progress', ...p }));
    await vscode.commands.executeCommand('transformerTutor.importProgress', vscode.Uri.file(file), 'replace');
    assert.strictEqual(api.quiz.dueCount(), 2);
    await waitFor('the status bar count', () => api.quiz.statusBarText === '$(mortar-board) 2' || undefined);

    await vscode.workspace.getConfiguration('transformerTutor').update('quiz.showDueInStatusBar', false, vscode.ConfigurationTarget.Global);
    await waitFor('the status bar to hide when turned off', () => api.quiz.statusBarText === undefined || undefined);
    await vscode.workspace
      .getConfiguration('transformerTutor')
      .update('quiz.showDueInStatusBar', undefined, vscode.ConfigurationTarget.Global);
    await waitFor('the status bar to come back', () => api.quiz.statusBarText === '$(mortar-board) 2' || undefined);
    await screenshot('quiz-status-bar');

    const drive = new QuizDriver(api);
    const running = vscode.commands.executeCommand('transformerTutor.reviewDue');
    const seen: string[] = [];
    for (let i = 0; i < 2; i++) {
      const q = await drive.next('question');
      assert.strictEqual(q.input.totalSteps, 2, 'only the due items');
      seen.push((q.item as PreparedItem).key);
      await drive.answer(q, true);
      await drive.choose(await drive.next('feedback'), (v) => v === 'next');
    }
    await drive.choose(await drive.next('summary'), (v) => typeof v === 'object' && v.type === 'done');
    await running;
    drive.dispose();
    assert.deepStrictEqual(seen.sort(), ['padding-mask#all-masked', 'padding-mask#which-axis']);
    assert.strictEqual(api.quiz.dueCount(), 0);
    await waitFor('the status bar to hide', () => api.quiz.statusBarText === undefined || undefined);
    const stored = api.quiz.store.progress.items;
    assert.strictEqual(stored['padding-mask#which-axis'].attempts, 2);
    assert.ok(stored['padding-mask#which-axis'].card.due > Date.now() + 86_400_000, 'a right review after days pushes it out by days');
  });

  test('Start Quiz cannot be passed by pressing Enter: a fixed-seed run of 40 items, answered with the first option each time, scores near chance', async () => {
    const config = vscode.workspace.getConfiguration('transformerTutor');
    await config.update('quiz.itemsPerRun', 40, vscode.ConfigurationTarget.Global);
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
    await api.quiz.store.save(emptyProgress());
    api.quiz.useSeed(2026);
    const drive = new QuizDriver(api);
    try {
      const running = vscode.commands.executeCommand<{ right: number; wrong: number; skipped: number; total: number }>(
        'transformerTutor.startQuiz',
      );
      const scope = await drive.next('scope');
      await drive.choose(scope, (v) => typeof v === 'object' && v.type === 'all');
      let chance = 0;
      let firstRight = 0;
      let steps = 0;
      for (;;) {
        const q = await drive.next('question');
        steps++;
        const item = q.item as PreparedItem;
        if (item.kind === 'numeric') {
          // Enter on the empty box is refused with the reason; the laziest number is then typed
          await drive.enter();
          await waitFor('the refusal', () => (q.input as vscode.InputBox).validationMessage || undefined);
          (q.input as vscode.InputBox).value = '0';
          await sleep(150);
          await drive.enter();
        } else {
          const pick = q.input as Pick;
          const focused = await waitFor('the row VS Code focuses', () => pick.activeItems[0]);
          assert.strictEqual(focused.value, undefined, `Enter would accept “${focused.label}” in ${item.key}`);
          await drive.enter();
          // Down until an option is focused; Enter on the prompt rows passed over must not have answered
          let row = await drive.down(pick);
          while (row.value === undefined) row = await drive.down(pick);
          assert.strictEqual(drive.unread, 0, `Enter on the prompt answered ${item.key}`);
          await drive.enter();
          if (item.kind === 'multiple') {
            // Enter toggled the first option; then Submit
            await waitFor('the first option ticked', () => drive.labels(q).some((l) => l.startsWith('$(pass-filled) A.')) || undefined);
            await drive.choose(q, (v) => typeof v === 'object' && v.type === 'submit');
          }
          const k = item.kind === 'truefalse' ? 2 : item.choices.length;
          const firstIsRight =
            item.kind === 'truefalse'
              ? item.answer === true
              : item.kind === 'single'
                ? item.answer === 0
                : item.answer.length === 1 && item.answer[0] === 0;
          if (firstIsRight) firstRight++;
          chance += item.kind === 'multiple' ? (item.answer.length === 1 ? 1 / k : 0) : 1 / k;
        }
        const fb = await drive.next('feedback');
        await drive.enter(); // Next question is focused here: Enter goes on
        if (fb.index === (q.input.totalSteps ?? 0) - 1) break;
      }
      const summary = await drive.next('summary');
      await drive.enter();
      const score = await running;
      assert.ok(steps >= 30, `a run of ${steps} items`);
      assert.ok(score.total === steps && score.skipped === 0);
      const rate = score.right / (score.right + score.wrong);
      const expected = chance / steps;
      console.log(
        `Enter-through run: ${score.right} of ${score.right + score.wrong} right (${(rate * 100).toFixed(0)}%), chance ${(expected * 100).toFixed(0)}%; the first option was right in ${firstRight}`,
      );
      assert.match(drive.labels(summary)[0], new RegExp(`${score.right} of ${steps} right`));
      assert.ok(rate < 0.5, `pressing Enter scored ${(rate * 100).toFixed(0)}%`);
      assert.ok(Math.abs(rate - expected) < 0.2, `${(rate * 100).toFixed(0)}% right is not near chance (${(expected * 100).toFixed(0)}%)`);
    } finally {
      drive.dispose();
      api.quiz.useSeed(undefined);
      await config.update('quiz.itemsPerRun', undefined, vscode.ConfigurationTarget.Global);
    }
  });

  test('a learner with enough spaced reviews gets their own FSRS parameters (fitted by the FSRS optimizer in a process of its own) and their schedule changes', async () => {
    // a learner who forgets faster than FSRS's default learner; with this draw a fit passes its held-out check
    const learner = simulateLearner({ items: 120, days: 90, seed: 1, start: Date.UTC(2025, 0, 1) });
    await api.quiz.store.save(emptyProgress());
    const few = await vscode.commands.executeCommand<FitOutcome>('transformerTutor.fitSchedule');
    assert.strictEqual(few?.type, 'not-enough');
    assert.match(api.quiz.scheduleNote(), /needs 200 more spaced reviews/, 'the UI says how many more are needed');

    await api.quiz.store.save(learner);
    const outcome = await vscode.commands.executeCommand<FitOutcome>('transformerTutor.fitSchedule');
    assert.ok(outcome?.type === 'fitted', `fitted, not ${outcome?.type}`);
    const stored = api.quiz.store.progress;
    assert.deepStrictEqual(stored.fitted?.w, outcome.fitted.w, 'kept with the progress (synced, exported)');
    assert.ok(
      outcome.fitted.logLoss && outcome.fitted.logLoss.fitted < outcome.fitted.logLoss.default,
      JSON.stringify(outcome.fitted.logLoss),
    );
    const moved = Object.keys(learner.items).filter((k) => Math.abs(stored.items[k].card.due - learner.items[k].card.due) > 3_600_000);
    assert.ok(moved.length > 20, `${moved.length} items moved`);
    assert.strictEqual(outcome.rescheduled.earlier + outcome.rescheduled.later, moved.length, 'the message counts what moved');
    console.log(
      `fit in the extension host: ${moved.length} of ${Object.keys(learner.items).length} items moved (${outcome.rescheduled.earlier} earlier, ${outcome.rescheduled.later} later), log loss ${JSON.stringify(outcome.fitted.logLoss)}`,
    );
    assert.deepStrictEqual(api.quiz.schedulerOptions().w, outcome.fitted.w, 'the scheduler now uses them');
    assert.match(api.quiz.scheduleNote(), /your own parameters/);
    assert.ok((await exported()).fitted, 'exported with the progress');

    const drive = new QuizDriver(api);
    const showing = vscode.commands.executeCommand('transformerTutor.quizStatistics');
    const stats = await drive.next('statistics');
    // the rows of one paragraph, joined back into its text
    const text = drive
      .labels(stats)
      .map((l) => l.replace(/^\$\([\w-]+\) /, ''))
      .join(' ');
    assert.match(text, /Your retention: \d+% of spaced reviews answered right/);
    assert.match(text, /your own parameters, fitted .* from \d+ spaced reviews/);
    assert.match(text, /Predicted workload at 0\.90 retention: about \d+ reviews in the next 7 days, \d+ in 30 days/);
    assert.match(text, /With FSRS’s default parameters it would be about \d+ in 30 days/);
    await screenshot('quiz-statistics');
    await drive.enter();
    await showing;
    drive.dispose();
    await api.quiz.store.save(emptyProgress());
  });

  test('importing a file whose only entry is damaged is refused: Replace cannot wipe the progress for nothing', async () => {
    await api.quiz.store.save(withItem(emptyProgress(), 'padding-mask#which-axis', answered(undefined, true, Rating.Good, Date.now())));
    const file = path.join(os.tmpdir(), `quiz-import-damaged-${process.pid}.json`);
    fs.writeFileSync(
      file,
      JSON.stringify({ format: 'transformer-tutor-progress', version: 2, items: { 'padding-mask#all-masked': { card: 'gone' } } }),
    );
    const dir = api.quiz.store.backupFolder.fsPath;
    const backups = () => (fs.existsSync(dir) ? fs.readdirSync(dir).filter((f) => f.includes('before-import')).length : 0);
    const before = backups();
    const taken = await vscode.commands.executeCommand('transformerTutor.importProgress', vscode.Uri.file(file), 'replace');
    assert.strictEqual(taken, undefined, 'nothing was imported');
    assert.deepStrictEqual(Object.keys(api.quiz.store.progress.items), ['padding-mask#which-axis'], 'the progress is kept');
    assert.strictEqual(backups(), before, 'nothing was replaced, so nothing needed a backup');
  });

  test('damaged stored progress is repaired, with the original kept in a backup file', async () => {
    const good = answered(undefined, true, Rating.Good, Date.now());
    const damaged = { version: 2, items: { 'padding-mask#which-axis': good, 'padding-mask#all-masked': { card: 'gone' } } };
    await api.quiz.store.storeRaw(damaged);
    const before = new Set(fs.existsSync(api.quiz.store.backupFolder.fsPath) ? fs.readdirSync(api.quiz.store.backupFolder.fsPath) : []);
    const p = api.quiz.store.progress;
    assert.deepStrictEqual(Object.keys(p.items), ['padding-mask#which-axis']);
    const backup = await waitFor('a backup file', () => {
      const dir = api.quiz.store.backupFolder.fsPath;
      return fs.existsSync(dir) ? fs.readdirSync(dir).find((f) => !before.has(f) && f.includes('recovered')) : undefined;
    });
    assert.deepStrictEqual(
      JSON.parse(fs.readFileSync(path.join(api.quiz.store.backupFolder.fsPath, backup), 'utf8')),
      JSON.parse(JSON.stringify(damaged)),
    );
    await waitFor('the cleaned progress stored', async () => Object.keys((await exported()).items).length === 1 || undefined);

    await api.quiz.store.storeRaw(12345);
    assert.deepStrictEqual(api.quiz.store.progress, emptyProgress(), 'unreadable: starts afresh');
    await waitFor('a backup of the unreadable data', () =>
      fs.readdirSync(api.quiz.store.backupFolder.fsPath).find((f) => f.includes('unreadable')),
    );

    // progress saved while a repair is still writing its backup is newer than what was repaired: it stays
    const unreadable = () => fs.readdirSync(api.quiz.store.backupFolder.fsPath).filter((f) => f.includes('unreadable')).length;
    const backupsBefore = unreadable();
    await api.quiz.store.storeRaw(67890);
    assert.deepStrictEqual(api.quiz.store.progress, emptyProgress(), 'unreadable again: the repair starts');
    await api.quiz.store.save(withItem(emptyProgress(), 'padding-mask#which-axis', good));
    await waitFor('the second backup', () => unreadable() > backupsBefore || undefined);
    await new Promise((resolve) => setTimeout(resolve, 500)); // the repair's last step follows its backup
    assert.ok(api.quiz.store.progress.items['padding-mask#which-axis'], 'the save made during the repair is kept');

    await api.quiz.store.save(withItem(emptyProgress(), 'padding-mask#which-axis', good));
    const resetBackup = await api.quiz.store.reset();
    assert.deepStrictEqual(api.quiz.store.progress, emptyProgress());
    assert.ok(JSON.parse(fs.readFileSync(resetBackup.fsPath, 'utf8')).items['padding-mask#which-axis'], 'reset keeps a backup');
  });
});

suite('Quizzes in Chinese @zh', () => {
  test('a Chinese display language gets the zh-cn questions and Chinese quiz chrome', async () => {
    assert.strictEqual(vscode.env.language, 'zh-cn', 'the zh run must start VS Code in Chinese');
    const api = await tutor();
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
    await api.quiz.store.save(emptyProgress());
    const drive = new QuizDriver(api);
    const running = vscode.commands.executeCommand('transformerTutor.quizQuestion', 'padding-mask');
    const q = await drive.next('question');
    assert.match((q.input as vscode.QuickInput).title ?? '', /^测验 · /);
    assert.match((q.item as PreparedItem).prompt, /[\u4e00-\u9fff]/, 'the prompt comes from questions/zh-cn');
    await screenshot('quiz-step-zh');
    await vscode.commands.executeCommand('workbench.action.closeQuickOpen');
    await running;
    drive.dispose();
  });

  test('a file that is not a progress export is refused in Chinese, its reason included', async () => {
    const api = await tutor();
    const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'tutor-zh-import-')), 'other.json');
    fs.writeFileSync(file, JSON.stringify({ format: 'someone-elses-notes', items: {} }));
    await assert.rejects(api.quiz.store.readExport(vscode.Uri.file(file)), (err: Error) => {
      assert.strictEqual(err.message, `无法导入 ${file}：这个文件不是 Transformer Tutor 导出的进度（格式为“someone-elses-notes”）。`);
      return true;
    });
  });
});
