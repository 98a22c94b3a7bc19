import * as assert from 'node:assert';
import * as fs from 'node:fs';
import * as vscode from 'vscode';
import { inWebview, panelShows, screenshot, tutor, waitFor, workspaceFile } from './helpers';

/** Written before Reload Window, read after it: what the panel showed. */
const marker = () => workspaceFile('.reload-test.json').fsPath;

interface Before {
  text: string;
  tokens: number;
}

// Reload Window restarts the extension host, and with it this suite (scripts/test-integration.mjs runs
// it alone): the first pass sets the panel up and reloads, the second checks what came back.
suite('Attention panel across Reload Window @reload', () => {
  test('Reload Window brings the panel back with its text, view, layer and pin', async () => {
    const api = await tutor();
    if (!fs.existsSync(marker())) {
      const doc = await vscode.workspace.openTextDocument(workspaceFile('attention.md'));
      const editor = await vscode.window.showTextDocument(doc, vscode.ViewColumn.One);
      editor.selection = new vscode.Selection(2, 0, 2, 44);
      await vscode.commands.executeCommand('transformerTutor.showAttention');
      const shown = await waitFor('an encoding', () => api.attention.current, 60000);
      api.panel.post({ type: 'showView', view: 'model' });
      await panelShows('the model view', (v) => v.tab === 'model');
      // a thumbnail opens its head in the head view: layer 2, head 2
      await inWebview('main#view', { click: '.thumb[data-layer="1"][data-head="1"]' });
      await panelShows('layer 2 in the head view', (v) => v.tab === 'head' && v.layer === '1');
      api.panel.post({ type: 'showView', view: 'matrix' });
      await inWebview('main#view', { click: 'vscode-button[icon="pin"]' });
      await panelShows('the matrix view, pinned', (v) => v.tab === 'matrix' && v.pin.pressed === 'true');
      const before: Before = { text: shown.request.text, tokens: shown.payload.tokens.length };
      fs.writeFileSync(marker(), JSON.stringify(before));
      await vscode.commands.executeCommand('workbench.action.reloadWindow');
      // the window reloads under this test: it never finishes, the second pass reports
      await new Promise(() => undefined);
    }
    const before = JSON.parse(fs.readFileSync(marker(), 'utf8')) as Before;
    fs.rmSync(marker());
    const back = await waitFor('the panel restored with its text', () => api.attention.current, 60000);
    assert.strictEqual(back.request.text, before.text);
    assert.strictEqual(api.attention.isPinned, true, 'still pinned');
    const v = await panelShows('the restored drawing', (p) => p.state === 'ok' && p.tab === 'matrix');
    assert.strictEqual(v.layer, '1', 'layer 2 still chosen');
    assert.strictEqual(v.pin.pressed, 'true');
    assert.deepStrictEqual(v.hidden, { layer: false, heads: false, window: true, exports: false }, 'a whole toolbar');
    await waitFor(
      'the matrix drawn',
      () => (api.attention.lastRendered?.view === 'matrix' && api.attention.lastRendered.tokens === before.tokens) || undefined,
      30000,
    );
    await screenshot('trust-reload-restored');
  });
});
