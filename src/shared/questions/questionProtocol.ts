/**
 * Messages between the host and the question webview: a discriminated union per direction.
 * Messages from the webview are untrusted input and go through `parseQuestionWebviewMessage`.
 */
import { ProtocolError } from '../protocol';
import type { Language } from './types';

/** One question, ready to show: Markdown sections (with $…$ math) in one language. */
export interface QuestionView {
  id: string;
  language: Language;
  /** the question was not written in the user's language; this is the other one */
  fallback: boolean;
  topic: string;
  title: string;
  summary: string;
  answer: string;
  deeper: string;
  pitfalls: string;
  related: { id: string; title: string }[];
  sources: string[];
  /** e.g. "seen · 80%"; empty when never opened */
  progress: string;
}

/** The webview's fixed strings, localised by the host (the webview has no vscode.l10n). */
export type QuestionStrings = Record<
  'answer' | 'deeper' | 'pitfalls' | 'related' | 'sources' | 'quiz' | 'tryIt' | 'tryItTitle' | 'quizTitle' | 'fallback' | 'formulaError',
  string
>;

/** Host → question webview. */
export type QuestionHostMessage = { type: 'show'; view: QuestionView };

/** Question webview → host. */
export type QuestionWebviewMessage =
  | { type: 'ready' }
  | { type: 'openQuestion'; id: string }
  | { type: 'quiz'; id: string }
  | { type: 'tryDemo'; id: string }
  | { type: 'rendered'; id: string; language: Language; formulas: number; formulaErrors: number };

/** What the webview keeps with setState, so the serializer can restore the panel after a reload. */
export interface QuestionWebviewState {
  id: string;
}

const isCount = (v: unknown): v is number => typeof v === 'number' && Number.isInteger(v) && v >= 0;
const isId = (v: unknown): v is string => typeof v === 'string' && /^[a-z0-9-]{1,80}$/.test(v);

/** Validates a message from the question webview; throws ProtocolError naming what does not fit. */
export function parseQuestionWebviewMessage(raw: unknown): QuestionWebviewMessage {
  if (typeof raw !== 'object' || raw === null || typeof (raw as { type?: unknown }).type !== 'string') {
    throw new ProtocolError('message is not an object with a string "type"');
  }
  const m = raw as Record<string, unknown>;
  switch (m.type) {
    case 'ready':
      return { type: 'ready' };
    case 'openQuestion':
    case 'quiz':
    case 'tryDemo':
      if (!isId(m.id)) throw new ProtocolError(`${m.type}.id must be a question id`);
      return { type: m.type, id: m.id };
    case 'rendered':
      if (!isId(m.id) || (m.language !== 'en' && m.language !== 'zh-cn') || !isCount(m.formulas) || !isCount(m.formulaErrors)) {
        throw new ProtocolError('rendered needs id, language, formulas and formulaErrors');
      }
      return { type: 'rendered', id: m.id, language: m.language, formulas: m.formulas, formulaErrors: m.formulaErrors };
    default:
      throw new ProtocolError(`unknown message type "${String(m.type).slice(0, 40)}"`);
  }
}

export function parseQuestionWebviewState(raw: unknown): QuestionWebviewState | undefined {
  const id = typeof raw === 'object' && raw !== null ? (raw as { id?: unknown }).id : undefined;
  return isId(id) ? { id } : undefined;
}
