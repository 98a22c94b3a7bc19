import * as vscode from 'vscode';
import type { Language } from '../../shared/questions/types';

/** The bank language for VS Code's display language: any Chinese locale reads zh-cn, the rest en. */
export function displayLanguage(): Language {
  return vscode.env.language.toLowerCase().startsWith('zh') ? 'zh-cn' : 'en';
}
