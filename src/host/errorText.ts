import * as vscode from 'vscode';
import { isModelProblem, MODEL_PROBLEM_TEXT, type ModelProblem } from '../shared/modelProblem';
import { PROGRESS_PROBLEM_TEXT, type ProgressProblem } from '../shared/quiz/progressFormat';

/** A model problem in the user's language; the English text of each code is its l10n key. */
export function modelProblemText(p: ModelProblem): string {
  return vscode.l10n.t(MODEL_PROBLEM_TEXT[p.code], ...p.args);
}

/** A problem with stored or imported quiz progress, in the user's language. */
export function progressProblemText(p: ProgressProblem): string {
  return vscode.l10n.t(PROGRESS_PROBLEM_TEXT[p.code], ...p.args);
}

/**
 * What to show for an error inside a localised message: the problem it carries (a ModelFormatError,
 * or an encoder failure that brought one across the process boundary) in the user's language, else
 * its message as it is.
 */
export function errorText(err: unknown): string {
  const problem = typeof err === 'object' && err !== null ? (err as { problem?: unknown }).problem : undefined;
  if (isModelProblem(problem)) return modelProblemText(problem);
  return err instanceof Error ? err.message : String(err);
}
