// npm run bench:e2e: selection change → panel painted in the real VS Code, per view at 16, 128 and 512 tokens
// (test/integration/e2eBench.test.ts does the measuring inside code-server), then the figures as a table.
//   TUTOR_BENCH_RUNS=20 (default) selections per view and size, after two warm-up ones
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ROOT } from '../scripts/codeServer.mjs';

execFileSync(process.execPath, [join(ROOT, 'scripts', 'test-integration.mjs'), 'bench'], { cwd: ROOT, stdio: 'inherit' });
const result = JSON.parse(readFileSync(join(ROOT, 'test-output', 'bench', 'e2e.json'), 'utf8'));
const f = (x) => (x === undefined ? '—' : x.toFixed(1)).padStart(8);
console.log(`\nselection → painted, the ${result.debounceMs} ms debounce subtracted (ms); load average ${result.loadavg}`);
console.log('view           tokens  runs   e2e p50  e2e p95  draw p50  draw p95  encode p50  into webview p50  back p50');
for (const r of result.rows)
  console.log(
    `${r.view.padEnd(14)} ${String(r.tokens).padStart(6)} ${String(r.runs).padStart(5)} ${f(r.e2eP50)} ${f(r.e2eP95)} ${f(r.drawP50)}  ${f(r.drawP95)}    ${f(r.encodeP50)}          ${f(r.intoWebviewP50)}  ${f(r.backP50)}`,
  );
