import * as l10n from '@vscode/l10n';
import * as vscode from 'vscode';
import { TransformerTutor } from './tutor';

// activate() only wires things up; the model, the runtime and the question bank load on first use.
export function activate(context: vscode.ExtensionContext): TransformerTutor {
  // the labs' text (shared with the encoder process, which has no vscode API) is localised with @vscode/l10n
  if (vscode.l10n.bundle) l10n.config({ contents: vscode.l10n.bundle });
  const tutor = new TransformerTutor(context);
  context.subscriptions.push(tutor);
  return tutor;
}

export function deactivate(): void {}
