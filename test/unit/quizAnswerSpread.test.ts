import * as assert from 'node:assert';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { readModelFacts } from '../../src/shared/questions/modelFacts';
import { parseQuestionFile } from '../../src/shared/questions/parseQuestion';
import { type Language, LANGUAGES, type QuizItem } from '../../src/shared/questions/types';

/**
 * Where shuffling is turned off, the choices are shown as written, so the bank itself must not give
 * the answer away by its place: in each language, the right answers of the choice items are spread
 * over the positions about as a fair draw would spread them.
 */
const ROOT = join(__dirname, '..', '..');

/** Every choice item in one language, read as the extension reads the files (placeholders filled in). */
function choiceItems(language: Language): Extract<QuizItem, { kind: 'single' | 'multiple' }>[] {
  const model = join(ROOT, 'models', 'tiny-bert');
  const facts = readModelFacts(
    JSON.parse(readFileSync(join(model, 'config.json'), 'utf8')),
    readFileSync(join(model, 'MODEL_CARD.md'), 'utf8'),
  );
  const names = readdirSync(join(ROOT, 'questions', language)).filter((f) => f.endsWith('.md'));
  const read = names.map((name) => ({
    name,
    r: parseQuestionFile({ path: name, language, text: readFileSync(join(ROOT, 'questions', language, name), 'utf8') }, facts),
  }));
  const unread = read.filter((x) => !x.r.question).map((x) => x.name);
  assert.deepStrictEqual(unread, [], 'every question file is read');
  return read.flatMap((x) => x.r.question?.quiz ?? []).filter((i) => i.kind === 'single' || i.kind === 'multiple');
}

/** Observed and expected counts of right answers at each position (expected: each of k places equally likely). */
function spread(items: readonly Extract<QuizItem, { kind: 'single' | 'multiple' }>[]): { seen: number[]; fair: number[] } {
  const seen: number[] = [];
  const fair: number[] = [];
  for (const item of items) {
    const answers = item.kind === 'single' ? [item.answer] : item.answer;
    item.choices.forEach((_, p) => (fair[p] = (fair[p] ?? 0) + answers.length / item.choices.length));
    for (const a of answers) seen[a] = (seen[a] ?? 0) + 1;
  }
  return { seen: fair.map((_, p) => seen[p] ?? 0), fair };
}

suite('quiz answer positions in the bank', () => {
  for (const language of LANGUAGES) {
    for (const kind of ['single', 'multiple'] as const) {
      test(`${language}: the right answers of ${kind}-choice items are spread over the positions`, () => {
        const { seen, fair } = spread(choiceItems(language).filter((i) => i.kind === kind));
        assert.ok(fair.length >= 2, `${kind}-choice items exist`);
        const off = fair.flatMap((f, p) =>
          Math.abs(seen[p] - f) > Math.max(3, 0.25 * f)
            ? [`position ${p + 1}: ${seen[p]} right answers, about ${f.toFixed(1)} expected`]
            : [],
        );
        assert.deepStrictEqual(
          off,
          [],
          `move the right answers of some items to other positions (now ${seen.join('/')}, fair ${fair.map((f) => f.toFixed(1)).join('/')})`,
        );
      });
    }
  }
});
