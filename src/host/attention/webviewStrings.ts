import * as vscode from 'vscode';

/** Every string the attention webview shows, localised here (the webview has no vscode.l10n). */
export function webviewStrings(): Record<string, string> {
  const t = vscode.l10n.t;
  return {
    empty: t('Select some text in an editor to see how the encoder attends over it.'),
    loading: t('Loading the encoder…'),
    ready: t('Ready'),
  };
}
