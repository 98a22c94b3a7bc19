import * as assert from 'node:assert';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { EXTENSION_ID, type PanelView, panelShows, tutor, waitFor, workspaceFile } from './helpers';

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
  return {
    api,
    text,
    shown: () =>
      waitFor(`the encoding of "${text}"`, () => (api.attention.current?.request.text === text ? api.attention.current : undefined), 60000),
  };
}

suite('The encoder process', () => {
  suiteSetup(async () => {
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
  });

  test('the panel is drawn by the encoder process, in another process than the extension host', async () => {
    const { api, shown } = await showRange(new vscode.Range(2, 0, 2, 44));
    const { payload } = await shown();
    assert.ok(payload.attention16.length > 0);
    assert.ok(api.encoder.encoderProcessStarts >= 1, 'an encoder process was started');
    await panelShows('the drawing', drawn(payload.tokens.length));
  });

  test('a crash of the encoder process: the text waiting for it is answered by a new one, and the panel goes on', async () => {
    const api = await tutor();
    // the process may have exited idle during earlier suites: have one running, so a restart is the only start
    await api.encoder.encode({ text: 'warm', qkv: false });
    const starts = api.encoder.encoderProcessStarts;
    // a request on its way when the process aborts: sent after the crash order, so the process cannot
    // answer it first (it reads its messages in order and aborts on the first)
    api.encoder.testEncoderCrash();
    const waiting = api.encoder.encode({ text: 'The cat sat on the mat.', qkv: false });
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
    // as above: the hang is set in a running process, and only its replacement counts as a start
    await api.encoder.encode({ text: 'warm', qkv: false });
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

  test('a bring-your-own export is drawn in the panel; a refused one leaves the bundled model drawing', async () => {
    const api = await tutor();
    const root = vscode.extensions.getExtension(EXTENSION_ID)!.extensionPath;
    const fixture = (name: string) => path.join(root, 'test', 'fixtures', 'byo-models', name, 'model.onnx');
    const settings = vscode.workspace.getConfiguration('transformerTutor');
    const resets = () =>
      new Promise<void>((resolve) => {
        const d = api.encoder.onDidReset(() => (d.dispose(), resolve()));
      });
    try {
      // PyTorch's nn.TransformerEncoder, 2 layers of 4 heads, with the 8,192-entry tokenizer it was made for
      let reset = resets();
      await settings.update(
        'model.tokenizerPath',
        path.join(root, 'test', 'fixtures', 'byo-models', 'tokenizer-8192.json'),
        vscode.ConfigurationTarget.Global,
      );
      await settings.update('model.onnxPath', fixture('torch-encoder'), vscode.ConfigurationTarget.Global);
      await reset;
      const mine = await (await showRange(new vscode.Range(2, 0, 2, 42))).shown();
      assert.deepStrictEqual([mine.payload.modelName, mine.payload.numLayers, mine.payload.numHeads], ['model.onnx', 2, 4]);
      await panelShows('the export drawn', (v) => drawn(mine.payload.tokens.length)(v) && v.status.includes('2 layers × 4 heads'));
      // attention fused into com.microsoft Attention nodes: refused, and the bundled model draws instead
      reset = resets();
      await settings.update('model.onnxPath', fixture('fused-attention'), vscode.ConfigurationTarget.Global);
      await reset;
      const bundled = await (await showRange(new vscode.Range(2, 0, 2, 38))).shown();
      assert.strictEqual(bundled.payload.modelName, 'tiny-bert (bundled)');
      assert.strictEqual(bundled.payload.numLayers, 4);
      await panelShows('the bundled model drawn', drawn(bundled.payload.tokens.length));
    } finally {
      await settings.update('model.onnxPath', undefined, vscode.ConfigurationTarget.Global);
      await settings.update('model.tokenizerPath', undefined, vscode.ConfigurationTarget.Global);
    }
  });
});
