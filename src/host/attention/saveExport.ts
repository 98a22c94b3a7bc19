import * as vscode from 'vscode';

/** Saves what the panel exported (PNG as a data URL, SVG or JSON as text) where the user chooses. */
export async function saveExport(format: 'png' | 'svg' | 'json', data: string): Promise<vscode.Uri | undefined> {
  const folder = vscode.workspace.workspaceFolders?.[0]?.uri;
  const name = `attention.${format}`;
  const target = await vscode.window.showSaveDialog({
    defaultUri: folder ? vscode.Uri.joinPath(folder, name) : undefined,
    filters: { [format.toUpperCase()]: [format] },
  });
  if (!target) return undefined;
  const bytes = format === 'png' ? Buffer.from(data.replace(/^data:image\/png;base64,/, ''), 'base64') : Buffer.from(data, 'utf8');
  await vscode.workspace.fs.writeFile(target, bytes);
  void vscode.window.showInformationMessage(vscode.l10n.t('Saved {0}', vscode.workspace.asRelativePath(target)));
  return target;
}
