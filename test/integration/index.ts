// Entry point VS Code calls in extension-test mode (code-server or desktop): runs every *.test.js
// bundled next to this file and rejects when any test fails.
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as util from 'node:util';
import Mocha from 'mocha';

export async function run(): Promise<void> {
  // In code-server mocha's output reaches the driver through the browser console, where `%s`/`%d`
  // placeholders are not filled in: format each line here.
  Mocha.reporters.Base.consoleLog = (...args: unknown[]) => console.log(util.format(...args));
  const mocha = new Mocha({ ui: 'tdd', timeout: 120_000, color: false, reporter: 'spec' });
  const grep = process.env.TUTOR_TEST_GREP;
  if (grep) mocha.grep(new RegExp(grep));
  const invert = process.env.TUTOR_TEST_GREP_INVERT;
  if (invert) mocha.grep(new RegExp(invert)).invert();
  const only = process.env.TUTOR_TEST_FILES?.split(',');
  for (const f of fs.readdirSync(__dirname).sort()) {
    if (!f.endsWith('.test.js')) continue;
    if (only && !only.includes(f.replace(/\.test\.js$/, ''))) continue;
    mocha.addFile(path.join(__dirname, f));
  }
  await new Promise<void>((resolve, reject) => {
    mocha.run((failures) => (failures ? reject(new Error(`${failures} integration test(s) failed`)) : resolve()));
  });
}
