// `npm start`: builds the extension and opens it in a real VS Code (code-server on 127.0.0.1), in
// development mode, on a copy of the sample workspace. Prints the URL; Ctrl+C stops it.
import { execFileSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { ROOT, ensureCodeServer, startCodeServer } from './codeServer.mjs';

const port = Number(process.env.PORT ?? 8080);
execFileSync(process.execPath, [join(ROOT, 'scripts', 'build.mjs')], { stdio: 'inherit', cwd: ROOT });
ensureCodeServer();
const runDir = join(ROOT, '.vscode-test', 'dev');
const workspace = join(runDir, 'workspace');
if (!existsSync(workspace)) {
  mkdirSync(runDir, { recursive: true });
  cpSync(join(ROOT, 'sample'), workspace, { recursive: true });
}
const server = await startCodeServer({ runDir, workspace, port, locale: process.env.TUTOR_LOCALE });
const payload = encodeURIComponent(JSON.stringify([['extensionDevelopmentPath', `vscode-remote://127.0.0.1:${port}${ROOT}`]]));
console.log(
  `\nTransformer Tutor is running in VS Code at:\n\n  http://127.0.0.1:${port}/?folder=${encodeURIComponent(workspace)}&payload=${payload}\n`,
);
console.log('Open it in a browser, select some text, and run "Transformer Tutor: Show Attention" (Ctrl+Alt+A). Ctrl+C stops the server.');
const stop = () => {
  server.stop();
  process.exit(0);
};
process.on('SIGINT', stop);
process.on('SIGTERM', stop);
await new Promise(() => {});
