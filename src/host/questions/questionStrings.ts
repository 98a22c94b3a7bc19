import * as vscode from 'vscode';
import type { ProgressWords } from '../../shared/questions/progressSummary';
import type { QuestionStrings } from '../../shared/questions/questionProtocol';
import type { Topic } from '../../shared/questions/types';

/** Topic names in the user's language; the comment keeps them apart from same-sounding UI strings. */
export function topicLabel(topic: Topic): string {
  const t = (message: string) => vscode.l10n.t({ message, comment: ['a topic in the questions view'] });
  switch (topic) {
    case 'attention':
      return t('Attention');
    case 'embeddings':
      return t('Embeddings and positions');
    case 'architecture':
      return t('Architecture');
    case 'decoder':
      return t('Decoder');
    case 'training':
      return t('Training');
    case 'bert':
      return t('BERT');
    case 'tokenization':
      return t('Tokenization');
    case 'interpretability':
      return t('Interpretability');
  }
}

export function progressWords(): ProgressWords {
  return { seen: vscode.l10n.t('seen'), due: vscode.l10n.t('due for review') };
}

/** Every string the question webview shows, localised here (the webview has no vscode.l10n). */
export function questionWebviewStrings(): QuestionStrings {
  const t = vscode.l10n.t;
  return {
    answer: t('Interview answer'),
    deeper: t('Deeper'),
    pitfalls: t('Pitfalls'),
    related: t('Related questions'),
    sources: t('Sources'),
    quiz: t('Quiz me'),
    tryIt: t('Try it'),
    tryItTitle: t('Open the live demonstration in the attention panel'),
    quizTitle: t('Answer a few questions on this topic'),
    fallback: t('This question has not been written in your language yet; showing the other version.'),
    formulaError: t('This formula could not be typeset'),
  };
}
