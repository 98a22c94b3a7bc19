import * as assert from 'node:assert';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { EXTENSION_ID, tutor } from './helpers';

suite('Questions: facts about the bundled model', () => {
  test('the bank the extension loads states the bundled model from its config.json, with no placeholder left', async () => {
    const bank = await (await tutor()).questions.bank();
    const extensionPath = vscode.extensions.getExtension(EXTENSION_ID)?.extensionPath ?? '';
    const config = JSON.parse(fs.readFileSync(path.join(extensionPath, 'models', 'tiny-bert', 'config.json'), 'utf8')) as {
      hidden_size: number;
    };

    assert.deepStrictEqual(
      bank.problems.filter((p) => p.message.startsWith('placeholder ')),
      [],
      'every placeholder was filled',
    );
    const left = [...bank.questions.values()].flatMap((q) =>
      Object.values(q.texts)
        .filter((t) => JSON.stringify(t).includes('{{model.'))
        .map((t) => t.path),
    );
    assert.deepStrictEqual(left, [], 'no question text still holds a placeholder');

    for (const language of ['en', 'zh-cn'] as const) {
      const saved = bank.questions.get('why-q-k-differ')?.texts[language]?.quiz.find((item) => item.id === 'saved');
      assert.ok(saved?.kind === 'numeric', `${language}: the tying quiz item is numeric`);
      assert.strictEqual(saved.answer, config.hidden_size ** 2, `${language}: its answer is d_model² of the bundled model`);
      assert.ok(saved.prompt.includes(`d_model = ${config.hidden_size}`), `${language}: its prompt names the bundled model's d_model`);
    }
  });
});
