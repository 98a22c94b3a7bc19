import * as vscode from 'vscode';
import { pickText } from '../../shared/questions/bank';
import type { Language, QuestionBank, QuizItem } from '../../shared/questions/types';
import { itemKey, parseItemKey, type PreparedItem } from '../../shared/quiz/askedItem';
import type { EncoderService } from '../encoder/encoderService';
import type { Log } from '../log';
import type { QuizFactsAnswer } from '../../shared/encoderProtocol';
import { liveTextFromEditor } from './liveText';
import { modelItemWords } from './modelItemText';
import type { QuizEntry } from './quizFlow';
import { errorText } from '../errorText';

/** Every item key in the bank, in bank order (topic, then order), across languages. */
export function bankKeys(bank: QuestionBank, questionIds?: ReadonlySet<string>): string[] {
  const keys: string[] = [];
  for (const q of bank.questions.values()) {
    if (questionIds && !questionIds.has(q.id)) continue;
    const ids = new Set(Object.values(q.texts).flatMap((text) => text?.quiz.map((i) => i.id) ?? []));
    for (const id of ids) keys.push(itemKey(q.id, id));
  }
  return keys;
}

/**
 * The entries for the chosen keys, in the given language: bank items as written, model items
 * computed on the selection (or the sample) now. A model item the text or model cannot carry is
 * left out and named in the log; the rest of the run goes ahead.
 */
export async function prepareEntries(
  keys: readonly string[],
  bank: QuestionBank,
  language: Language,
  encoder: EncoderService,
  log: Log,
  seed: number,
): Promise<QuizEntry[]> {
  const found = keys.flatMap((key) => {
    const k = parseItemKey(key);
    const q = k && bank.questions.get(k.questionId);
    if (!k || !q) return [];
    const { text } = pickText(q, language);
    const item = text.quiz.find((i) => i.id === k.itemId);
    return item ? [{ key, q: text, item }] : [];
  });
  const templates = found.flatMap((f) => (f.item.kind === 'model' ? [f.item.template] : []));
  const live = liveTextFromEditor();
  // every model item's facts in one request to the encoder process, in the order they are asked
  let answers: QuizFactsAnswer[] | undefined;
  if (templates.length) {
    try {
      answers = await encoder.quizFacts({ live, seed, templates });
    } catch (err) {
      log.error('The encoder could not load; the quiz leaves out its live model items', err);
      void vscode.window.showWarningMessage(
        vscode.l10n.t('The encoder could not load, so this quiz leaves out the questions computed on your text: {0}', errorText(err)),
      );
    }
  }
  const entries: QuizEntry[] = [];
  let nth = 0;
  for (const { key, q, item } of found) {
    const base = { key, questionId: q.id, itemId: item.id, explain: item.explain };
    let prepared: PreparedItem | undefined;
    if (item.kind !== 'model') prepared = { ...base, ...asked(item) };
    else if (answers) {
      const answer = answers[nth++];
      try {
        if (!answer?.ok) throw new Error(answer?.message ?? 'no answer from the encoder');
        const words = modelItemWords(answer.facts, live, answer.tokens);
        prepared = { ...base, ...words.asked, facts: words.facts, template: item.template };
      } catch (err) {
        log.warn(`Quiz item ${key} (${item.template}) left out: ${errorText(err)}`);
      }
    }
    if (prepared) entries.push({ item: prepared, title: q.title, topic: q.topic, demo: q.demo });
  }
  return entries;
}

function asked(item: Exclude<QuizItem, { kind: 'model' }>) {
  switch (item.kind) {
    case 'single':
      return { kind: item.kind, prompt: item.prompt, choices: item.choices, answer: item.answer };
    case 'multiple':
      return { kind: item.kind, prompt: item.prompt, choices: item.choices, answer: item.answer };
    case 'truefalse':
      return { kind: item.kind, prompt: item.prompt, answer: item.answer };
    case 'numeric':
      return { kind: item.kind, prompt: item.prompt, answer: item.answer, tolerance: item.tolerance };
  }
}
