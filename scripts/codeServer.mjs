// code-server (a real VS Code, from the npm registry) installed into a cache folder on first use,
// started on 127.0.0.1, and stopped again. Shared by the integration tests and `npm start`.
import { execFileSync, spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, writeFileSync, copyFileSync, rmSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { createServer } from 'node:net';

export const CODE_SERVER_VERSION = '4.100.3';
export const ROOT = resolve(import.meta.dirname, '..');
export const CACHE = join(ROOT, '.vscode-test', `code-server-${CODE_SERVER_VERSION}`);
export const CODE_SERVER = join(CACHE, 'node_modules', 'code-server');
export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

/** What must be on the machine before code-server can be installed and driven, with the fix. */
function missingPrerequisites() {
  const missing = [];
  const need = (ok, what) => {
    if (!ok) missing.push(what);
  };
  need(existsSync(CHROMIUM), `Chromium at ${CHROMIUM} (Debian: apt-get install chromium, or set CHROMIUM_PATH)`);
  if (!existsSync(join(CODE_SERVER, 'out', 'node', 'entry.js'))) {
    need(existsSync('/usr/include/gssapi/gssapi.h'), 'Kerberos headers gssapi/gssapi.h (Debian: apt-get install libkrb5-dev)');
    need(existsSync('/usr/include/X11/Xlib.h'), 'X11 headers (Debian: apt-get install libx11-dev)');
    need(existsSync('/usr/include/X11/extensions/XKBfile.h'), 'xkbfile headers (Debian: apt-get install libxkbfile-dev)');
    need(existsSync('/usr/include/libsecret-1'), 'libsecret headers (Debian: apt-get install libsecret-1-dev)');
    need(hasCommand('rg'), 'ripgrep (Debian: apt-get install ripgrep)');
    need(hasCommand('pkg-config'), 'pkg-config (Debian: apt-get install pkg-config)');
    need(hasCommand('make') && hasCommand('g++'), 'a C++ toolchain (Debian: apt-get install build-essential)');
  }
  return missing;
}

function hasCommand(cmd) {
  try {
    execFileSync('sh', ['-c', `command -v ${cmd}`], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

export function ensureCodeServer() {
  const missing = missingPrerequisites();
  if (missing.length) {
    throw new Error(`Cannot run the real VS Code (code-server ${CODE_SERVER_VERSION}); this machine lacks:\n  - ${missing.join('\n  - ')}`);
  }
  if (existsSync(join(CODE_SERVER, 'out', 'node', 'entry.js')) && existsSync(join(CODE_SERVER, 'lib', 'vscode', 'node_modules'))) return;
  console.log(`Installing code-server ${CODE_SERVER_VERSION} into ${CACHE} (first run only, about a minute)…`);
  mkdirSync(CACHE, { recursive: true });
  writeFileSync(join(CACHE, 'package.json'), JSON.stringify({ private: true, name: 'code-server-cache' }));
  // @vscode/ripgrep's postinstall downloads rg from GitHub: seed its cache with Debian's rg instead
  const tmp = join(CACHE, 'tmp');
  const rgCache = join(tmp, 'vscode-ripgrep-cache-1.15.11');
  mkdirSync(rgCache, { recursive: true });
  const stage = join(tmp, 'rg-stage');
  mkdirSync(stage, { recursive: true });
  copyFileSync(execFileSync('sh', ['-c', 'command -v rg']).toString().trim(), join(stage, 'rg'));
  execFileSync('tar', ['czf', join(rgCache, 'ripgrep-v13.0.0-10-x86_64-unknown-linux-musl.tar.gz'), '-C', stage, 'rg']);
  const env = {
    ...process.env,
    TMPDIR: tmp,
    npm_config_unsafe_perm: 'true', // code-server's postinstall refuses to run as root otherwise
    npm_config_yes: 'true', // node-pty runs `npx node-gyp`
    npm_config_audit: 'false',
    npm_config_fund: 'false',
    // npm 11 blocks dependencies' install scripts by default; code-server's (and the nested installs
    // its postinstall runs) are what builds VS Code, and it is the one package this cache holds
    npm_config_dangerously_allow_all_scripts: 'true',
  };
  try {
    execFileSync('npm', ['install', `code-server@${CODE_SERVER_VERSION}`, '--foreground-scripts'], { cwd: CACHE, env, stdio: 'inherit' });
  } catch (err) {
    throw new Error(`Installing code-server failed (see npm's output above): ${err.message}`);
  }
  if (!existsSync(join(CODE_SERVER, 'lib', 'vscode', 'node_modules'))) {
    rmSync(join(CACHE, 'node_modules'), { recursive: true, force: true });
    throw new Error('code-server installed without its VS Code dependencies (its postinstall did not run).');
  }
}

export async function freePort() {
  return new Promise((res, rej) => {
    const srv = createServer();
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address();
      srv.close(() => res(port));
    });
    srv.on('error', rej);
  });
}

/** Starts code-server in its own process group; resolves when /healthz answers. */
/** Quiet, predictable workbench settings: no welcome page, no git prompts, no telemetry. */
export const BASE_SETTINGS = {
  'workbench.startupEditor': 'none',
  'workbench.tips.enabled': false,
  'git.openRepositoryInParentFolders': 'never',
  'git.enabled': false,
  'telemetry.telemetryLevel': 'off',
  'extensions.ignoreRecommendations': true,
  'security.workspace.trust.enabled': false,
  'window.commandCenter': false,
};

/**
 * `--locale zh-cn` alone leaves VS Code in English, and `vscode.env.language` is 'en': the server only
 * switches to a language it has a language pack for (listed in <user-data-dir>/languagepacks.json).
 * Tests need what the extension sees (env.language, package.nls.<locale>.json, l10n bundles), not
 * VS Code's own menus translated, so this registers a pack with no translations: the workbench keeps
 * its English strings, while env.language becomes the locale. No download, so runs stay offline.
 */
function registerEmptyLanguagePack(runDir, locale) {
  const translations = join(runDir, 'language-pack', 'main.i18n.json');
  mkdirSync(join(runDir, 'language-pack'), { recursive: true });
  writeFileSync(translations, JSON.stringify({ contents: {} }));
  const extension = { extensionIdentifier: { id: `tutor-test.empty-language-pack-${locale}` }, version: '0.0.0' };
  const hash = createHash('md5').update(extension.extensionIdentifier.id).update(extension.version).digest('hex');
  const packs = { [locale]: { hash, extensions: [extension], translations: { vscode: translations }, label: locale } };
  writeFileSync(join(runDir, 'ud', 'languagepacks.json'), JSON.stringify(packs));
}

export async function startCodeServer({ runDir, workspace, port, env = {}, locale, settings = {} }) {
  for (const d of ['xdg-config', 'xdg-data', 'tmp', 'ud/User', 'exts']) mkdirSync(join(runDir, d), { recursive: true });
  writeFileSync(join(runDir, 'ud', 'User', 'settings.json'), JSON.stringify({ ...BASE_SETTINGS, ...settings }, null, 2));
  writeFileSync(join(runDir, 'config.yaml'), 'auth: none\n');
  if (locale) {
    writeFileSync(join(runDir, 'ud', 'User', 'argv.json'), JSON.stringify({ locale }));
    if (!locale.startsWith('en')) registerEmptyLanguagePack(runDir, locale);
  }
  const args = [
    join(CODE_SERVER, 'out', 'node', 'entry.js'),
    '--config',
    join(runDir, 'config.yaml'),
    '--auth',
    'none',
    '--bind-addr',
    `127.0.0.1:${port}`,
    '--disable-telemetry',
    '--disable-update-check',
    '--disable-workspace-trust',
    '--user-data-dir',
    join(runDir, 'ud'),
    '--extensions-dir',
    join(runDir, 'exts'),
    ...(locale ? ['--locale', locale] : []),
    workspace,
  ];
  const child = spawn(process.execPath, args, {
    detached: true,
    stdio: ['ignore', 'pipe', 'pipe'],
    env: {
      ...process.env,
      ...env,
      XDG_CONFIG_HOME: join(runDir, 'xdg-config'),
      XDG_DATA_HOME: join(runDir, 'xdg-data'),
      TMPDIR: join(runDir, 'tmp'),
    },
  });
  let log = '';
  child.stdout.on('data', (d) => (log += d));
  child.stderr.on('data', (d) => (log += d));
  const deadline = Date.now() + 30000;
  while (Date.now() < deadline) {
    try {
      const r = await fetch(`http://127.0.0.1:${port}/healthz`);
      if (r.ok) break;
    } catch {
      /* not up yet */
    }
    if (child.exitCode !== null) throw new Error(`code-server exited early:\n${log}`);
    await new Promise((r) => setTimeout(r, 200));
  }
  if (Date.now() >= deadline) throw new Error(`code-server did not answer /healthz in 30 s:\n${log}`);
  return {
    child,
    log: () => log,
    stop: () => {
      try {
        process.kill(-child.pid, 'SIGTERM');
      } catch {
        /* already gone */
      }
    },
  };
}
