import { pickText } from '../../shared/questions/bank';
import { progressLine, type QuestionProgress } from '../../shared/questions/progressSummary';
import type { QuestionView } from '../../shared/questions/questionProtocol';
import type { Language, QuestionBank } from '../../shared/questions/types';
import { progressWords, topicLabel } from './questionStrings';

/** What the question panel shows for one question, in the user's language where it exists. */
export function questionView(bank: QuestionBank, id: string, language: Language, progress: QuestionProgress): QuestionView | undefined {
  const question = bank.questions.get(id);
  if (!question) return undefined;
  const { text, fallback } = pickText(question, language);
  const related = text.related.flatMap((relatedId) => {
    const other = bank.questions.get(relatedId);
    return other ? [{ id: relatedId, title: pickText(other, language).text.title }] : [];
  });
  return {
    id,
    language: text.language,
    fallback,
    topic: topicLabel(question.topic),
    title: text.title,
    summary: text.summary,
    answer: text.answer,
    deeper: text.deeper,
    pitfalls: text.pitfalls,
    related,
    sources: text.sources,
    progress: progressLine(progress, Date.now(), progressWords()),
  };
}
