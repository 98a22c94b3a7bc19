import * as assert from 'node:assert';
import * as vscode from 'vscode';
import { LAB_QUESTION } from '../../src/shared/labs/labTypes';
import { LAB_IDS } from '../../src/shared/questions/types';
import { screenshot, tutor, waitFor, workspaceFile } from './helpers';

suite('Concept labs', () => {
  suiteSetup(async () => {
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
    const doc = await vscode.workspace.openTextDocument(workspaceFile('attention.md'));
    const editor = await vscode.window.showTextDocument(doc, vscode.ViewColumn.One);
    editor.selection = new vscode.Selection(2, 0, 3, 40);
    await vscode.commands.executeCommand('transformerTutor.showAttention');
    const api = await tutor();
    await waitFor('an encoding', () => api.attention.current, 60000);
  });

  for (const lab of LAB_IDS) {
    test(`${lab}: computed on the selection, with its claim and question`, async () => {
      const api = await tutor();
      api.attention.labResults.delete(lab);
      await vscode.commands.executeCommand('transformerTutor.showInPanel', lab);
      const result = await waitFor(`lab ${lab}`, () => api.attention.labResults.get(lab), 60000);
      assert.strictEqual(result.blocks[0].kind, 'claim');
      assert.strictEqual(result.questionId, LAB_QUESTION[lab]);
      assert.ok(result.blocks.length >= 3, 'claim, evidence and explanation');
      assert.ok(!result.blocks.some((b) => b.kind === 'note' && /sample/.test(b.text)), 'uses the selection, not the sample');
      await screenshot(`lab-${lab}`);
    });
  }

  test('Try it on a question opens its lab', async () => {
    const api = await tutor();
    api.attention.lastLab = undefined;
    await vscode.commands.executeCommand('transformerTutor.showInPanel', 'why-scale-sqrt-dk');
    const r = await waitFor('lab from a question', () => api.attention.lastLab, 60000);
    assert.strictEqual(r.lab, 'scale-sqrt-dk');
  });
});
