// Runs the integration suites inside a real VS Code: code-server in Debian's Chromium, driven by
// playwright-core. Prints mocha's full report; exits non-zero when any test (or the harness) fails.
//
//   node scripts/test-integration.mjs            every run below
//   node scripts/test-integration.mjs main       only the named runs
import { cpSync, mkdirSync, renameSync, rmSync, writeFileSync, existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { chromium } from 'playwright-core';
import { CHROMIUM, ROOT, ensureCodeServer, freePort, startCodeServer } from './codeServer.mjs';
import { packageVsix } from './package-vsix.mjs';

const OUT = join(ROOT, 'test-output', 'integration');
const AXE = join(ROOT, 'node_modules', 'axe-core', 'axe.min.js');
const PREFIX = /^%c\s*\w+\s*color:\s*#?[0-9a-fA-F]*\s*/;

/** Each run is one VS Code window: a workspace, a display language, and which suites to run. */
const RUNS = [
  { name: 'main', locale: 'en', env: { TUTOR_TEST_GREP_INVERT: '@zh|@vsix|@reload|@bench' } },
  // Reload Window restarts the extension host and with it the tests: a run of its own (test/integration/reload.test.ts)
  { name: 'reload', locale: 'en', env: { TUTOR_TEST_GREP: '@reload' } },
  { name: 'zh', locale: 'zh-cn', env: { TUTOR_TEST_GREP: '@zh' } },
  { name: 'vsix', locale: 'en', vsix: true, env: { TUTOR_TEST_GREP: '@vsix' } },
];

/** Runs that measure rather than test: only when named (npm run bench:e2e), never in npm test. */
const BENCH_RUNS = [{ name: 'bench', locale: 'en', env: { TUTOR_TEST_GREP: '@bench', TUTOR_TEST_FILES: 'e2eBench' } }];

/* global document, window -- the functions given to frame.evaluate run inside a webview's frame */

/** The first frame (webviews are nested iframes) in which `selector` matches, waiting up to 20 s for one. */
async function frameWith(page, selector) {
  const end = Date.now() + 20000;
  for (;;) {
    for (const frame of page.frames()) {
      const found = await frame.evaluate((sel) => document.querySelector(sel) !== null, selector).catch(() => false);
      if (found) return frame;
    }
    if (Date.now() > end) throw new Error(`no webview frame has ${selector}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

/**
 * Does what a test asked inside a webview (test/integration/helpers.ts: inWebview), as a user would:
 * real focus, clicks and key presses, then an expression evaluated in the frame, or axe-core's report.
 * The answer is written to webview/<id>.json for the test to read.
 */
async function inWebview(page, a) {
  let answer;
  try {
    const frame = await frameWith(page, a.frame);
    let value = null;
    for (const s of a.steps) {
      if (s.focus) await frame.focus(s.focus);
      if (s.click) await frame.click(s.click);
      if (s.tabTo) {
        // Tab through the page until the element has the focus, as a keyboard user gets there
        let reached = false;
        for (let i = 0; i < 60 && !reached; i++) {
          reached = await frame.evaluate((sel) => document.activeElement?.matches(sel) ?? false, s.tabTo);
          if (!reached) await page.keyboard.press('Tab');
        }
        if (!reached) throw new Error(`Tab never reached ${s.tabTo}`);
      }
      for (const key of s.keys ?? []) await page.keyboard.press(key);
      if (s.eval) value = await frame.evaluate(s.eval);
      if (s.axe) {
        if (!(await frame.evaluate(() => 'axe' in window))) await frame.evaluate(readFileSync(AXE, 'utf8'));
        value = await frame.evaluate(
          (context) =>
            window.axe.run(context ?? document, { resultTypes: ['violations'] }).then((r) =>
              r.violations.map((v) => ({
                id: v.id,
                impact: v.impact,
                help: v.help,
                nodes: v.nodes.map((n) => ({ target: n.target.join(' '), summary: n.failureSummary })),
              })),
            ),
          s.axe === true ? null : s.axe,
        );
      }
    }
    answer = { ok: true, value };
  } catch (err) {
    answer = { ok: false, error: String(err?.message ?? err) };
  }
  const file = join(OUT, 'webview', `${a.id}.json`);
  mkdirSync(join(OUT, 'webview'), { recursive: true });
  writeFileSync(`${file}.part`, JSON.stringify(answer));
  renameSync(`${file}.part`, file);
}

async function runOne(run) {
  // one folder per run and process, so runs started side by side do not collide
  const runDir = join(OUT, 'runs', `${run.name}-${process.pid}`);
  rmSync(runDir, { recursive: true, force: true });
  const workspace = join(runDir, 'workspace');
  mkdirSync(runDir, { recursive: true });
  cpSync(join(ROOT, 'sample'), workspace, { recursive: true });
  const port = await freePort();
  let devPath = ROOT;
  if (run.vsix) {
    // the packaged extension is installed like a user would; a bare probe extension hosts the tests
    const vsix = packageVsix({ target: 'linux-x64', quiet: true });
    devPath = join(runDir, 'probe');
    mkdirSync(devPath, { recursive: true });
    writeFileSync(
      join(devPath, 'package.json'),
      JSON.stringify({ name: 'tutor-vsix-probe', publisher: 'test', version: '0.0.0', engines: { vscode: '^1.100.0' } }),
    );
    const { execFileSync } = await import('node:child_process');
    const { CODE_SERVER } = await import('./codeServer.mjs');
    execFileSync(
      process.execPath,
      [
        join(CODE_SERVER, 'out', 'node', 'entry.js'),
        '--extensions-dir',
        join(runDir, 'exts'),
        '--user-data-dir',
        join(runDir, 'ud'),
        '--install-extension',
        vsix,
      ],
      { stdio: 'inherit', env: { ...process.env, XDG_CONFIG_HOME: join(runDir, 'xdg-config'), XDG_DATA_HOME: join(runDir, 'xdg-data') } },
    );
  }
  const server = await startCodeServer({
    runDir,
    workspace,
    port,
    locale: run.locale,
    // TUTOR_TEST_GREP given to this script picks tests inside the run, in place of the run's own choice
    env: { TUTOR_TEST_OUTPUT: OUT, ...(process.env.TUTOR_TEST_GREP ? {} : run.env) },
  });
  const browser = await chromium.launchPersistentContext(join(runDir, 'chromium'), {
    executablePath: CHROMIUM,
    headless: true,
    viewport: { width: 1600, height: 1000 },
    locale: run.locale,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
  const page = browser.pages()[0] ?? (await browser.newPage());
  let settle;
  const result = new Promise((res) => (settle = res));
  await page.exposeFunction('codeAutomationExit', (code) => settle({ code }));
  const pending = [];
  page.on('console', (msg) => {
    const text = msg.text().replace(PREFIX, '');
    if (text.includes('No extension host found that can launch the test runner')) settle({ code: 1, why: text });
    const shot = text.match(/\[\[tutor:screenshot:([\w.-]+)\]\]/);
    if (shot) {
      const file = join(OUT, 'screenshots', `${shot[1]}.png`);
      // written whole under another name, then renamed: the test waits for the file to exist and then
      // reads its size, which must not catch Playwright half-way through writing it
      pending.push(
        page.screenshot().then((png) => {
          writeFileSync(`${file}.part`, png);
          renameSync(`${file}.part`, file);
          console.log(`  [screenshot] ${file}`);
        }),
      );
      return;
    }
    const action = text.match(/\[\[tutor:webview:(.+)\]\]/);
    if (action) {
      pending.push(inWebview(page, JSON.parse(action[1])));
      return;
    }
    if (process.env.TUTOR_TEST_VERBOSE) {
      console.log(`[${msg.type()}] ${text}`);
      return;
    }
    if (msg.type() === 'log' || msg.type() === 'info' || msg.type() === 'error') {
      if (
        /^(\s|✔|✓|\d+\) |\d+ passing|\d+ failing|\d+ pending|[A-Z][\w ,'/()-]*$| {2})/.test(text) ||
        text.includes('Error') ||
        text.includes('assert')
      ) {
        if (
          !/Failed to load resource|ENOTFOUND|sandbox|Content Security Policy of your site blocks|\[Extension Host\]/.test(text) ||
          text.includes('Error:')
        )
          console.log(text);
      }
    }
  });
  const remote = (p) => `vscode-remote://127.0.0.1:${port}${p}`;
  const payload = [
    ['extensionDevelopmentPath', remote(devPath)],
    ['extensionTestsPath', remote(join(ROOT, 'dist', 'test', 'integration', 'index.js'))],
  ];
  const url = `http://127.0.0.1:${port}/?folder=${encodeURIComponent(workspace)}&payload=${encodeURIComponent(JSON.stringify(payload))}`;
  console.log(`\n=== integration run "${run.name}" (${run.locale}) at ${url.split('?')[0]}`);
  const timeout = setTimeout(() => settle({ code: 1, why: 'timed out after 20 minutes' }), 20 * 60 * 1000);
  await page.goto(url);
  const { code, why } = await result;
  clearTimeout(timeout);
  await Promise.allSettled(pending);
  if (why) console.log(`run "${run.name}" failed: ${why}`);
  await browser.close();
  server.stop();
  if (code !== 0) writeFileSync(join(runDir, 'code-server.log'), server.log());
  else rmSync(runDir, { recursive: true, force: true });
  console.log(`=== run "${run.name}": ${code === 0 ? 'passed' : 'FAILED'}`);
  return code === 0;
}

async function main() {
  if (!existsSync(join(ROOT, 'dist', 'test', 'integration', 'index.js'))) throw new Error('Build first: npm run build');
  ensureCodeServer();
  mkdirSync(join(OUT, 'screenshots'), { recursive: true });
  const wanted = process.argv.slice(2);
  const runs = wanted.length ? [...RUNS, ...BENCH_RUNS].filter((r) => wanted.includes(r.name)) : RUNS;
  let ok = true;
  for (const r of runs) ok = (await runOne(r)) && ok;
  const times = join(OUT, 'render-times-512.json');
  if (existsSync(times)) console.log(`\nRender time in the real VS Code, 512 tokens, ms per view: ${readFileSync(times, 'utf8')}`);
  console.log(ok ? '\nAll integration runs passed.' : '\nIntegration runs FAILED.');
  process.exit(ok ? 0 : 1);
}

main().catch((err) => {
  console.error(err.message ?? err);
  process.exit(1);
});
