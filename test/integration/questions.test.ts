import * as assert from 'node:assert';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { QuestionNode } from '../../src/host/questions/questionTree';
import type { RenderReport } from '../../src/host/questions/questionPanel';
import { body, frontMatter, questionFile } from '../unit/questionFixtures';
import { EXTENSION_ID, screenshot, sleep, tutor, waitFor, workspaceFile } from './helpers';

/** The hover our provider gives at the first occurrence of `needle` (offset chars into it) in a sample file. */
async function hoverAt(file: string, needle: string, offset = 1): Promise<{ hover: vscode.Hover | undefined; range: vscode.Range }> {
  const uri = workspaceFile(file);
  const doc = await vscode.workspace.openTextDocument(uri);
  await vscode.window.showTextDocument(doc, { preview: false });
  const at = doc.getText().indexOf(needle);
  assert.ok(at >= 0, `${needle} is in ${file}`);
  const start = doc.positionAt(at);
  const hovers =
    (await vscode.commands.executeCommand<vscode.Hover[]>('vscode.executeHoverProvider', uri, start.translate(0, offset))) ?? [];
  const ours = hovers.find((h) => markdownOf(h).includes('command:transformerTutor.openQuestion'));
  return { hover: ours, range: new vscode.Range(start, start.translate(0, needle.length)) };
}

function markdownOf(hover: vscode.Hover): string {
  return hover.contents.map((c) => (typeof c === 'string' ? c : c.value)).join('\n');
}

const encodedArgs = (id: string) => encodeURIComponent(JSON.stringify([id]));

/** Opens a question and waits until the webview has typeset it. */
async function openAndRender(id: string): Promise<RenderReport> {
  const api = await tutor();
  const rendered = new Promise<RenderReport>((resolve) => {
    const sub = api.questions.panel.onDidRender((r) => {
      if (r.id !== id) return;
      sub.dispose();
      resolve(r);
    });
  });
  await vscode.commands.executeCommand('transformerTutor.openQuestion', id);
  return Promise.race([
    rendered,
    new Promise<never>((_, reject) => setTimeout(() => reject(new Error(`question ${id} was not rendered in 30 s`)), 30_000)),
  ]);
}

async function withSetting(key: string, value: unknown, run: () => Promise<void>): Promise<void> {
  const config = vscode.workspace.getConfiguration('transformerTutor');
  await config.update(key, value, vscode.ConfigurationTarget.Global);
  try {
    await run();
  } finally {
    await config.update(key, undefined, vscode.ConfigurationTarget.Global);
  }
}

suite('Questions: bank, hovers, questions view and panel', () => {
  test('activation does not load the question bank', async function () {
    const api = await tutor();
    if (api.questions.bankRequested) this.skip(); // an earlier suite already used it
    assert.strictEqual(api.questions.bankRequested, false);
  });

  test('the bank loads without problems and with at least 20 questions', async () => {
    const bank = await (await tutor()).questions.bank();
    assert.deepStrictEqual(
      bank.problems.map((p) => `${p.path}:${p.line}: ${p.message}`),
      [],
    );
    assert.ok(bank.questions.size >= 20, `${bank.questions.size} questions`);
  });

  test('hovering LayerNorm in a Python file explains it, with links to the three commands', async () => {
    const { hover, range } = await hoverAt('transformer.py', 'LayerNorm', 4);
    assert.ok(hover, 'a concept hover on LayerNorm');
    const md = markdownOf(hover);
    assert.match(md, /LayerNorm|BatchNorm/, md);
    for (const command of ['openQuestion', 'quizQuestion', 'showInPanel']) {
      assert.ok(md.includes(`command:transformerTutor.${command}?${encodedArgs('layernorm-vs-batchnorm')}`), `${command} link in\n${md}`);
    }
    assert.ok(hover.range?.isEqual(range), `the hover covers exactly the term: ${JSON.stringify(hover.range)}`);
    // show it as a person would see it, for the screenshot
    const editor = vscode.window.activeTextEditor;
    assert.ok(editor);
    const cursor = range.start.translate(0, 4);
    editor.selection = new vscode.Selection(cursor, cursor);
    editor.revealRange(range, vscode.TextEditorRevealType.InCenter);
    await vscode.commands.executeCommand('workbench.action.focusActiveEditorGroup');
    await vscode.commands.executeCommand('editor.action.showHover');
    await sleep(1000);
    await screenshot('concept-hover');
    await vscode.commands.executeCommand('editor.action.hideHover');
  });

  test('hovering softmax in code and 多头注意力 in Chinese prose', async () => {
    const softmax = await hoverAt('transformer.py', 'softmax', 2);
    assert.ok(softmax.hover && markdownOf(softmax.hover).includes(encodedArgs('why-scale-sqrt-dk')));
    const chinese = await hoverAt('注意力.md', '多头注意力', 3);
    assert.ok(chinese.hover && markdownOf(chinese.hover).includes(encodedArgs('why-multi-head')));
    const plain = await hoverAt('transformer.py', 'import math', 2);
    assert.strictEqual(plain.hover, undefined, 'no hover where there is no term');
  });

  test('hovers follow the settings: off, or limited to some languages', async () => {
    await withSetting('hovers.enabled', false, async () => {
      assert.strictEqual((await hoverAt('transformer.py', 'LayerNorm', 4)).hover, undefined);
    });
    await withSetting('hovers.languages', ['markdown'], async () => {
      assert.strictEqual((await hoverAt('transformer.py', 'LayerNorm', 4)).hover, undefined, 'python is not listed');
      assert.ok((await hoverAt('注意力.md', '位置编码', 1)).hover, 'markdown is listed');
    });
  });

  test('the questions view lists every question under its topic', async () => {
    const api = await tutor();
    await vscode.commands.executeCommand('workbench.view.extension.transformerTutor');
    const topics = await api.questions.tree.getChildren();
    const questions = (await Promise.all(topics.map((t) => api.questions.tree.getChildren(t)))).flat();
    const bank = await api.questions.bank();
    assert.strictEqual(questions.length, bank.questions.size);
    assert.ok(questions.length >= 20);
    const labels = topics.map((t) => api.questions.tree.getTreeItem(t).label);
    assert.ok(labels.includes('Attention'), `topics: ${labels.join(', ')}`);
    const first = questions[0] as Extract<QuestionNode, { kind: 'question' }>;
    const item = api.questions.tree.getTreeItem(first);
    assert.deepStrictEqual(item.command?.arguments, [first.question.id]);
  });

  test('the getting-started walkthrough has its four steps and their media', async () => {
    const ext = vscode.extensions.getExtension(EXTENSION_ID);
    assert.ok(ext);
    const [walkthrough] = ext.packageJSON.contributes.walkthroughs as {
      id: string;
      steps: { id: string; media: { markdown: string } }[];
    }[];
    assert.deepStrictEqual(
      walkthrough.steps.map((s) => s.id),
      ['select', 'attention', 'hover', 'quiz'],
    );
    for (const step of walkthrough.steps) assert.ok(fs.existsSync(path.join(ext.extensionPath, step.media.markdown)), step.media.markdown);
    await vscode.commands.executeCommand('workbench.action.openWalkthrough', `${EXTENSION_ID}#${walkthrough.id}`, false);
    await sleep(1500);
    await screenshot('walkthrough');
  });

  test('opening a question renders it in English with its formulas, and marks it seen', async () => {
    const api = await tutor();
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
    await vscode.commands.executeCommand('workbench.view.extension.transformerTutor');
    const report = await openAndRender('why-scale-sqrt-dk');
    assert.strictEqual(report.language, 'en');
    assert.ok(report.formulas >= 10, `${report.formulas} formulas`);
    assert.strictEqual(report.formulaErrors, 0);
    assert.strictEqual(api.questions.panel.currentId, 'why-scale-sqrt-dk');
    assert.ok(api.questions.progress('why-scale-sqrt-dk').seen);
    const tree = api.questions.tree;
    const nodes = (await Promise.all((await tree.getChildren()).map((t) => tree.getChildren(t)))).flat();
    const node = nodes.find((n) => n.kind === 'question' && n.question.id === 'why-scale-sqrt-dk');
    assert.ok(node);
    assert.strictEqual(tree.getTreeItem(node).description, 'seen');
    const file = await screenshot('question-en');
    if (file) assert.ok(fs.statSync(file).size > 10_000);
  });

  test('a hidden question panel shows its question again when it comes back', async () => {
    const api = await tutor();
    await openAndRender('padding-mask');
    await vscode.window.showTextDocument(workspaceFile('transformer.py'), { viewColumn: vscode.ViewColumn.Active });
    const again = await openAndRender('padding-mask');
    assert.strictEqual(again.formulaErrors, 0);
    assert.strictEqual(api.questions.panel.currentId, 'padding-mask');
  });

  test('an extra question folder adds its questions; a malformed file is reported with its line, the rest loads', async () => {
    const api = await tutor();
    const folder = fs.mkdtempSync(path.join(os.tmpdir(), 'tutor-extra-'));
    fs.mkdirSync(path.join(folder, 'en'));
    fs.writeFileSync(
      path.join(folder, 'en', 'my-extra.md'),
      questionFile(frontMatter('my-extra').replace('scaled dot-product attention', 'my extra term'), body()),
    );
    fs.writeFileSync(
      path.join(folder, 'en', 'broken.md'),
      questionFile(frontMatter('broken').replace('topic: attention', 'topic: nowhere'), body()),
    );
    try {
      await withSetting('questions.extraFolders', [folder], async () => {
        // the setting change reloads the bank; wait for the reloaded one
        const bank = await waitFor('the extra question to load', async () => {
          const b = await api.questions.bank();
          return b.questions.has('my-extra') ? b : undefined;
        });
        assert.ok(bank.questions.size >= 21, 'the built-in questions still load');
        const problems = bank.problems.map((p) => `${path.basename(p.path)}:${p.line}: ${p.message}`);
        assert.ok(
          problems.includes(
            'broken.md:3: topic: "nowhere" is not one of: attention, embeddings, architecture, decoder, training, bert, tokenization, interpretability',
          ),
          problems.join('\n'),
        );
        assert.ok(
          problems.some((p) => p.startsWith('my-extra.md:undefined: question "my-extra" has no zh-cn version')),
          problems.join('\n'),
        );
      });
      await waitFor(
        'removing the folder from the setting to drop its questions',
        async () => !(await api.questions.bank()).questions.has('my-extra') || undefined,
      );
    } finally {
      fs.rmSync(folder, { recursive: true, force: true });
    }
  });

  test('@zh in Chinese VS Code, the view and the question are in Chinese', async () => {
    assert.strictEqual(vscode.env.language, 'zh-cn', 'the zh run must start VS Code in Chinese');
    const api = await tutor();
    await vscode.commands.executeCommand('workbench.view.extension.transformerTutor');
    const topics = await api.questions.tree.getChildren();
    assert.ok(topics.map((t) => api.questions.tree.getTreeItem(t).label).includes('注意力'));
    const report = await openAndRender('why-multi-head');
    assert.strictEqual(report.language, 'zh-cn');
    assert.strictEqual(report.formulaErrors, 0);
    const file = await screenshot('question-zh');
    if (file) assert.ok(fs.statSync(file).size > 10_000);
  });
});
