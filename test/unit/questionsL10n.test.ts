import * as assert from 'node:assert';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

/** Every string the questions feature shows has a Chinese translation (runtime bundle and package.nls). */
const ROOT = join(__dirname, '..', '..');
const json = (file: string) => JSON.parse(readFileSync(join(ROOT, file), 'utf8')) as Record<string, string>;

suite('questions feature: Chinese translations', () => {
  test('package.json strings of the questions feature exist in English and Chinese', () => {
    const en = json('package.nls.json');
    const zh = json('package.nls.zh-cn.json');
    const ours = /^(command\.(openQuestion|reloadQuestions)|view\.|viewContainer\.|config\.(hovers|questions)\.|walkthrough\.)/;
    const keys = [...readFileSync(join(ROOT, 'package.json'), 'utf8').matchAll(/"%([^%"]+)%"/g)]
      .map((m) => m[1])
      .filter((k) => ours.test(k));
    assert.ok(keys.length >= 15, `found only ${keys.length} keys`);
    assert.deepStrictEqual(
      keys.filter((k) => !en[k] || !zh[k]),
      [],
    );
  });
});
