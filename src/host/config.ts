import * as vscode from 'vscode';

/** The extension's settings in one typed object, mirroring package.json's `configuration`. */
export interface TutorConfig {
  followSelection: boolean;
  debounceMs: number;
  customModelPath: string;
  customTokenizerPath: string;
  runtimeBackend: 'auto' | 'wasm';
  hoversEnabled: boolean;
  hoverLanguages: string[];
  extraQuestionFolders: string[];
  statusBarDue: boolean;
}

export function readConfig(): TutorConfig {
  const c = vscode.workspace.getConfiguration('transformerTutor');
  // model paths are machine-scoped (a workspace cannot set them) and ignored in untrusted workspaces
  const trusted = vscode.workspace.isTrusted;
  return {
    followSelection: c.get('attention.followSelection', true),
    debounceMs: c.get('attention.debounceMs', 150),
    customModelPath: trusted ? c.get('model.onnxPath', '') : '',
    customTokenizerPath: trusted ? c.get('model.tokenizerPath', '') : '',
    runtimeBackend: process.env.TUTOR_FORCE_WASM === '1' ? 'wasm' : c.get('runtime.backend', 'auto'),
    hoversEnabled: c.get('hovers.enabled', true),
    hoverLanguages: c.get('hovers.languages', ['*']),
    extraQuestionFolders: trusted ? c.get('questions.extraFolders', []) : [],
    statusBarDue: c.get('quiz.showDueInStatusBar', true),
  };
}
