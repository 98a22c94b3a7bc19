import * as assert from 'node:assert';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { EXTENSION_ID, screenshot, tutor } from './helpers';

suite('Activation and the first webview', () => {
  test('activates without loading the ONNX runtime', async () => {
    const ext = vscode.extensions.getExtension(EXTENSION_ID);
    assert.ok(ext, 'extension present');
    await tutor();
    assert.ok(ext.isActive);
    const loaded = Object.keys(require.cache).filter((k) => k.includes('onnxruntime'));
    assert.deepStrictEqual(loaded, [], 'activation must not load onnxruntime');
  });

  test('every contributed command is registered', async () => {
    await tutor();
    const ext = vscode.extensions.getExtension(EXTENSION_ID)!;
    const contributed: { command: string }[] = ext.packageJSON.contributes.commands;
    const all = new Set(await vscode.commands.getCommands(true));
    for (const c of contributed) assert.ok(all.has(c.command), `${c.command} is registered`);
    assert.ok(contributed.length >= 2);
  });

  test('Show Attention opens a webview that answers a typed message', async () => {
    const api = await tutor();
    await vscode.commands.executeCommand('transformerTutor.showAttention');
    assert.ok(api.panel.isOpen, 'panel is open');
    const id = await api.panel.ping();
    assert.ok(id > 0);
    const file = await screenshot('first-webview');
    if (file) assert.ok(fs.statSync(file).size > 1000, `${path.basename(file)} written`);
  });
});
