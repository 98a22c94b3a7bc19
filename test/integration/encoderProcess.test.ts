import * as assert from 'node:assert';
import * as vscode from 'vscode';
import { type PanelView, panelShows, tutor, waitFor, workspaceFile } from './helpers';

/** The panel draws n tokens: its status line counts them ("16 tokens · 4 layers × 4 heads · …"). */
const drawn = (n: number) => (v: PanelView) => v.state === 'ok' && v.status.startsWith(`${n} tokens`);

/** Selects a range of sample/attention.md and shows its attention; resolves with the encoding of exactly that text. */
async function showRange(range: vscode.Range) {
  const api = await tutor();
  const doc = await vscode.workspace.openTextDocument(workspaceFile('attention.md'));
  const editor = await vscode.window.showTextDocument(doc, vscode.ViewColumn.One);
  const text = doc.getText(range);
  editor.selection = new vscode.Selection(range.start, range.end);
  await vscode.commands.executeCommand('transformerTutor.showAttention');
  return { api, text, shown: () => waitFor(`the encoding of "${text}"`, () => (api.attention.current?.request.text === text ? api.attention.current : undefined), 60000) };
}

suite('The encoder process', () => {
  suiteSetup(async () => {
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
  });

  test('the panel is drawn by the encoder process, in another process than the extension host', async () => {
    const { api, shown } = await showRange(new vscode.Range(2, 0, 2, 44));
    const { payload } = await shown();
    assert.ok(payload.attention.length > 0);
    assert.ok(api.encoder.encoderProcessStarts >= 1, 'an encoder process was started');
    await panelShows('the drawing', drawn(payload.tokens.length));
  });

  test('a crash of the encoder process: the text waiting for it is answered by a new one, and the panel goes on', async () => {
    const api = await tutor();
    const starts = api.encoder.encoderProcessStarts;
    // a request on its way when the process aborts
    const waiting = api.encoder.encode({ text: 'The cat sat on the mat.', qkv: false });
    api.encoder.testEncoderCrash();
    const payload = await waiting;
    assert.strictEqual(payload.text, 'The cat sat on the mat.');
    assert.strictEqual(api.encoder.encoderProcessStarts, starts + 1, 'one new process');
    // the panel's next selection is drawn as before
    const { shown } = await showRange(new vscode.Range(2, 0, 2, 30));
    const next = await shown();
    await panelShows('the new drawing', drawn(next.payload.tokens.length));
  });

  test('a hang of the encoder process: the panel says what happened, and the next text is drawn', async () => {
    const api = await tutor();
    const starts = api.encoder.encoderProcessStarts;
    api.encoder.testEncoderHang(60_000, 2000);
    await showRange(new vscode.Range(2, 0, 2, 20));
    const v = await panelShows('the hang reported', (p) => p.state === 'error', 60000);
    assert.match(v.status, /Cannot show attention: the encoder took more than 2 s on this text and was stopped/);
    const { shown } = await showRange(new vscode.Range(2, 0, 2, 36));
    const next = await shown();
    await panelShows('the next drawing', drawn(next.payload.tokens.length));
    assert.strictEqual(api.encoder.encoderProcessStarts, starts + 1, 'a new process replaced the hung one');
  });
});
