// The same integration suites in desktop VS Code, for machines that can download it
// (@vscode/test-electron). The suites do not care which host runs them.
import { cpSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runTests } from '@vscode/test-electron';
import { ROOT } from './codeServer.mjs';

const workspace = mkdtempSync(join(tmpdir(), 'tutor-ws-'));
cpSync(join(ROOT, 'sample'), workspace, { recursive: true });
try {
  await runTests({
    extensionDevelopmentPath: ROOT,
    extensionTestsPath: join(ROOT, 'dist', 'test', 'integration', 'index.js'),
    launchArgs: [workspace, '--disable-extensions', '--disable-workspace-trust'],
    extensionTestsEnv: { TUTOR_TEST_GREP_INVERT: '@zh|@vsix' },
  });
} catch (err) {
  console.error(`Desktop integration tests failed: ${err instanceof Error ? err.message : err}`);
  process.exit(1);
}
