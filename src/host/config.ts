import * as vscode from 'vscode';

/** The extension's settings in one typed object, mirroring package.json's `configuration`. */
export interface TutorConfig {
  followSelection: boolean;
  debounceMs: number;
  customModelPath: string;
  customTokenizerPath: string;
  runtimeBackend: 'auto' | 'wasm';
  /** the encoder process exits after this many minutes without a request */
  encoderIdleMinutes: number;
  hoversEnabled: boolean;
  hoverLanguages: string[];
  extraQuestionFolders: string[];
  statusBarDue: boolean;
  shuffleChoices: boolean;
  itemsPerRun: number;
  /** the recall probability FSRS schedules for, 0.7..0.97 */
  desiredRetention: number;
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
    encoderIdleMinutes: clamp(c.get('runtime.idleMinutes', 3), 0.1, 120, 3),
    hoversEnabled: c.get('hovers.enabled', true),
    hoverLanguages: c.get('hovers.languages', ['*']),
    extraQuestionFolders: trusted ? c.get('questions.extraFolders', []) : [],
    statusBarDue: c.get('quiz.showDueInStatusBar', true),
    shuffleChoices: c.get('quiz.shuffleChoices', true),
    itemsPerRun: clamp(Math.round(c.get('quiz.itemsPerRun', 10)), 3, 60, 10),
    desiredRetention: clamp(c.get('quiz.desiredRetention', 0.9), 0.7, 0.97, 0.9),
  };
}

/** A number setting inside its documented range; a value typed into settings.json by hand may not be. */
function clamp(v: unknown, min: number, max: number, fallback: number): number {
  return typeof v === 'number' && Number.isFinite(v) ? Math.min(max, Math.max(min, v)) : fallback;
}
