import { randomBytes } from 'node:crypto';
import * as vscode from 'vscode';

export interface WebviewPage {
  title: string;
  script: string; // file under dist/webview/
  styles: string[]; // files under dist/media/ or media/
  /** load the codicon font with the id @vscode-elements/elements looks for */
  codicons?: boolean;
  /** JSON handed to the page (strings, initial state); read by the page, never executed */
  bootstrap: unknown;
  bodyClass?: string;
}

/**
 * The HTML shell for every webview: CSP `default-src 'none'`, the one script loaded by nonce,
 * styles, fonts and images only from the extension's own folders.
 */
export function renderWebviewHtml(webview: vscode.Webview, extensionUri: vscode.Uri, page: WebviewPage): string {
  const nonce = randomBytes(16).toString('base64');
  const asset = (rel: string) => webview.asWebviewUri(vscode.Uri.joinPath(extensionUri, rel)).toString();
  const csp = [
    "default-src 'none'",
    `img-src ${webview.cspSource} data: blob:`,
    `style-src ${webview.cspSource} 'nonce-${nonce}'`,
    `font-src ${webview.cspSource}`,
    `script-src 'nonce-${nonce}'`,
  ].join('; ');
  const styles = [
    ...(page.codicons ? [`<link rel="stylesheet" id="vscode-codicon-stylesheet" href="${asset('dist/media/codicons/codicon.css')}">`] : []),
    ...page.styles.map((s) => `<link rel="stylesheet" href="${asset(s)}">`),
  ].join('\n');
  // JSON inside a non-executable script tag; '<' escaped so text cannot close the tag
  const boot = JSON.stringify(page.bootstrap).replace(/</g, '\\u003c');
  return `<!DOCTYPE html>
<html lang="${vscode.env.language}">
<head>
<meta charset="UTF-8">
<meta http-equiv="Content-Security-Policy" content="${csp}">
<meta name="viewport" content="width=device-width, initial-scale=1.0">
${styles}
<title>${escapeHtml(page.title)}</title>
</head>
<body class="${page.bodyClass ?? ''}">
<script type="application/json" id="bootstrap" nonce="${nonce}">${boot}</script>
<script nonce="${nonce}" src="${asset(`dist/${page.script}`)}"></script>
</body>
</html>`;
}

export function escapeHtml(s: string): string {
  return s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c] as string);
}

/** Scripts on, and resources only from the extension's own built assets and media. */
export function webviewOptions(extensionUri: vscode.Uri): vscode.WebviewPanelOptions & vscode.WebviewOptions {
  return {
    enableScripts: true,
    localResourceRoots: [vscode.Uri.joinPath(extensionUri, 'dist'), vscode.Uri.joinPath(extensionUri, 'media')],
  };
}
