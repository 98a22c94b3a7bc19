import * as assert from 'node:assert';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

/** Every string the questions feature shows has a Chinese translation (runtime bundle and package.nls). */
const ROOT = join(__dirname, '..', '..');
const json = (file: string) => JSON.parse(readFileSync(join(ROOT, file), 'utf8')) as Record<string, string>;

suite('questions feature: Chinese translations', () => {
  test('every vscode.l10n.t string in src/host/questions is in l10n/bundle.l10n.zh-cn.json', () => {
    const bundle = json('l10n/bundle.l10n.zh-cn.json');
    const dir = join(ROOT, 'src', 'host', 'questions');
    const missing: string[] = [];
    let checked = 0;
    for (const file of readdirSync(dir).filter((f) => f.endsWith('.ts'))) {
      const source = readFileSync(join(dir, file), 'utf8');
      // `t('…')` or `l10n.t('…')`; a message with a comment is stored as "message/comment"
      for (const [, message] of source.matchAll(/\bt\(\s*'((?:[^'\\]|\\.)*)'/g)) {
        checked++;
        const known = message in bundle || Object.keys(bundle).some((k) => k.startsWith(`${message}/`));
        if (!known) missing.push(`${file}: ${message}`);
      }
    }
    assert.ok(checked >= 25, `found only ${checked} strings: is the pattern still right?`);
    assert.deepStrictEqual(missing, []);
  });

  test('package.json strings of the questions feature exist in English and Chinese', () => {
    const en = json('package.nls.json');
    const zh = json('package.nls.zh-cn.json');
    const ours = /^(command\.(openQuestion|reloadQuestions)|view\.|viewContainer\.|config\.(hovers|questions)\.|walkthrough\.)/;
    const keys = [...readFileSync(join(ROOT, 'package.json'), 'utf8').matchAll(/"%([^%"]+)%"/g)].map((m) => m[1]).filter((k) => ours.test(k));
    assert.ok(keys.length >= 15, `found only ${keys.length} keys`);
    assert.deepStrictEqual(
      keys.filter((k) => !en[k] || !zh[k]),
      [],
    );
  });
});
