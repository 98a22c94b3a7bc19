import * as assert from 'node:assert';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Command } from '../../src/host/commandIds';

const ROOT = join(__dirname, '..', '..');

suite('command ids', () => {
  test('package.json contributes exactly the commands of the Command enum, each with a category', () => {
    const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as {
      contributes: { commands: { command: string; category?: string }[] };
    };
    const contributed = pkg.contributes.commands.map((c) => c.command).sort();
    const declared = Object.values(Command).sort();
    assert.deepStrictEqual(contributed, declared);
    assert.deepStrictEqual(
      pkg.contributes.commands.filter((c) => !c.category).map((c) => c.command),
      [],
      'every command has a category',
    );
  });
});
