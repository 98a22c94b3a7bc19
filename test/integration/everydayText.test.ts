import * as assert from 'node:assert';
import * as vscode from 'vscode';
import type { ViewKind } from '../../src/shared/protocol';
import { hasWebviewDriver, inAttentionPanel, renderedView, screenshot, tutor, waitFor, workspaceFile } from './helpers';

/** Selects line `line` of sample/everyday.md (one paragraph) and waits for its encoding. */
async function showParagraph(line: number) {
  const api = await tutor();
  const doc = await vscode.workspace.openTextDocument(workspaceFile('everyday.md'));
  const editor = await vscode.window.showTextDocument(doc, vscode.ViewColumn.One);
  const range = doc.lineAt(line).range;
  const before = api.attention.encodingsPosted;
  editor.selection = new vscode.Selection(range.start, range.end);
  await vscode.commands.executeCommand('transformerTutor.showAttention');
  const shown = await waitFor('an encoding', () => (api.attention.encodingsPosted > before ? api.attention.current : undefined), 60000);
  const base = shown.request.baseOffset;
  const text = doc.getText();
  const pieces = shown.payload.tokens
    .filter((t) => !t.special)
    .map((t) => ({ text: t.text, source: text.slice(base + t.start, base + t.end) }));
  return { api, pieces, tokens: shown.payload.tokens.length };
}

/** Shows each view in turn, waiting until it is drawn over all the tokens, with a screenshot of each. */
async function lookAtViews(name: string, tokens: number) {
  const api = await tutor();
  // the README shows one of these: toasts left by earlier suites' error cases do not belong in it
  await vscode.commands.executeCommand('notifications.clearAll');
  for (const view of ['head', 'matrix', 'model'] as ViewKind[]) {
    api.panel.post({ type: 'showView', view });
    await renderedView(view, tokens);
    await screenshot(`everyday-${name}-${view}`);
  }
}

/** The model view's caption under every thumbnail, as drawn. */
const modelCaptions = () => inAttentionPanel<string[]>(`[...document.querySelectorAll('#view .thumb .pattern')].map((c) => c.textContent)`);

suite('Everyday text', () => {
  suiteSetup(async () => {
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
  });

  test('an everyday English paragraph: its common words stay whole, and the model view names previous-token, next-token and punctuation heads', async () => {
    const { pieces, tokens } = await showParagraph(2);
    // the words the old vocabulary split into fragments
    for (const w of ['animal', 'mother', 'birthday', 'breakfast', 'coffee', 'teacher', 'dinner', 'rain', 'yesterday', 'daughter']) {
      assert.ok(
        pieces.some((p) => p.text === w && p.source === w),
        `"${w}" is one piece: ${pieces.map((p) => p.text).join(' ')}`,
      );
    }
    const words = pieces.filter((p) => /^[A-Za-z']+$/.test(p.source) && !p.text.startsWith('##')).length;
    const wordPieces = pieces.filter((p) => /^[A-Za-z']+$/.test(p.source)).length;
    assert.ok(wordPieces / words <= 1.15, `${wordPieces} pieces for ${words} words`);
    assert.ok(!pieces.some((p) => p.text === '[UNK]'));
    await lookAtViews('en', tokens);
    if (hasWebviewDriver()) {
      const captions = await waitFor('16 captions', async () => {
        const c = await modelCaptions();
        return c.length === 16 ? c : undefined;
      });
      for (const label of ['previous token', 'next token', 'punctuation']) {
        assert.ok(
          captions.some((c) => c.startsWith(label)),
          `a head labelled "${label}": ${captions.join(' | ')}`,
        );
      }
    }
  });

  test('an everyday Chinese paragraph: one token per character, no [UNK], the common characters of family life in the vocabulary', async () => {
    const { pieces, tokens } = await showParagraph(6);
    assert.ok(!pieces.some((p) => p.text === '[UNK]'), pieces.map((p) => p.text).join(' '));
    const cjk = pieces.filter((p) => /[\u4e00-\u9fff]/.test(p.source));
    assert.ok(cjk.length > 80 && cjk.every((p) => p.text === p.source), 'each character its own token, as written');
    for (const ch of ['她', '妈', '哥', '姐', '猫', '医'])
      assert.ok(
        cjk.some((p) => p.text === ch),
        ch,
      );
    await lookAtViews('zh', tokens);
    if (hasWebviewDriver()) {
      const captions = await modelCaptions();
      assert.ok(
        captions.some((c) => c.startsWith('punctuation')),
        `the full stops and commas draw a head: ${captions.join(' | ')}`,
      );
    }
  });
});
