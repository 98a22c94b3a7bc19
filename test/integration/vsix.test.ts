import * as assert from 'node:assert';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { EXTENSION_ID, screenshot, tutor, waitFor, workspaceFile } from './helpers';

// Runs only in the "vsix" run: the packaged extension installed with --install-extension.
suite('The packaged VSIX @vsix', () => {
  test('is installed from the VSIX, not from the source tree, and Show Attention works', async () => {
    const ext = vscode.extensions.getExtension(EXTENSION_ID);
    assert.ok(ext, 'installed');
    // this bundle runs from the source tree's dist/test/integration: the extension must not be that tree
    const sourceTree = path.resolve(__dirname, '..', '..', '..');
    assert.ok(path.resolve(ext.extensionPath) !== sourceTree && /exts|extensions/.test(ext.extensionPath), `installed copy at ${ext.extensionPath}`);
    const api = await tutor();
    const doc = await vscode.workspace.openTextDocument(workspaceFile('attention.md'));
    const editor = await vscode.window.showTextDocument(doc);
    editor.selection = new vscode.Selection(2, 0, 2, 44);
    await vscode.commands.executeCommand('transformerTutor.showAttention');
    const shown = await waitFor('an encoding from the packaged model', () => api.attention.current, 60000);
    assert.strictEqual(shown.payload.numLayers, 4);
    assert.ok(shown.payload.tokens.length > 5);
    assert.match((await api.encoder.get()).runtime.provider, /onnxruntime-node/);
    await screenshot('vsix-panel');
  });
});
