import * as assert from 'node:assert';
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { FitOutcome } from '../../src/host/quiz/personalSchedule';
import { simulateLearner } from '../fixtures/simulatedLearner';
import { EXTENSION_ID, screenshot, tutor, waitFor, workspaceFile } from './helpers';

// Runs only in the "vsix" run: the packaged extension installed with --install-extension.
suite('The packaged VSIX @vsix', () => {
  test('is installed from the VSIX, not from the source tree, and Show Attention works', async () => {
    const ext = vscode.extensions.getExtension(EXTENSION_ID);
    assert.ok(ext, 'installed');
    // this bundle runs from the source tree's dist/test/integration: the extension must not be that tree
    const sourceTree = path.resolve(__dirname, '..', '..', '..');
    assert.ok(
      path.resolve(ext.extensionPath) !== sourceTree && /exts|extensions/.test(ext.extensionPath),
      `installed copy at ${ext.extensionPath}`,
    );
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

  test('the packaged FSRS optimizer fits a schedule: its binary and the fit process are in the VSIX', async () => {
    const api = await tutor();
    const before = api.quiz.store.progress;
    await api.quiz.store.save(simulateLearner({ items: 120, days: 90, seed: 1, start: Date.UTC(2025, 0, 1) }));
    try {
      const outcome = await vscode.commands.executeCommand<FitOutcome>('transformerTutor.fitSchedule');
      assert.strictEqual(outcome?.type, 'fitted', JSON.stringify(outcome));
    } finally {
      await api.quiz.store.save(before);
    }
  });

  test('where no native optimizer is installed, the WebAssembly build and its runtime in the VSIX fit the same schedule', async () => {
    const api = await tutor();
    const before = api.quiz.store.progress;
    await api.quiz.store.save(simulateLearner({ items: 120, days: 90, seed: 1, start: Date.UTC(2025, 0, 1) }));
    process.env.TUTOR_FSRS_BUILD = 'wasm'; // the fit process inherits the extension host's environment
    try {
      const outcome = await vscode.commands.executeCommand<FitOutcome>('transformerTutor.fitSchedule');
      assert.strictEqual(outcome?.type, 'fitted', JSON.stringify(outcome));
    } finally {
      delete process.env.TUTOR_FSRS_BUILD;
      await api.quiz.store.save(before);
    }
  });
});
