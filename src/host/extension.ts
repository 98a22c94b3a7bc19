import * as vscode from 'vscode';
import { TransformerTutor } from './tutor';

// activate() only wires things up; the model, the runtime and the question bank load on first use.
export function activate(context: vscode.ExtensionContext): TransformerTutor {
  const tutor = new TransformerTutor(context);
  context.subscriptions.push(tutor);
  return tutor;
}

export function deactivate(): void {}
