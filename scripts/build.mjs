// One esbuild script for every bundle: the extension host (Node, CommonJS), one browser bundle per
// webview, and the integration suites that run inside VS Code's extension host.
import * as esbuild from 'esbuild';
import { cpSync, mkdirSync, readdirSync } from 'node:fs';

const watch = process.argv.includes('--watch');
const production = process.argv.includes('--production');
const common = { bundle: true, sourcemap: !production, minify: production, logLevel: 'info', legalComments: 'none' };

const host = {
  ...common,
  // the encoder runs in a process of its own (src/host/encoder/encoderProcess.ts starts it)
  // so does the FSRS optimizer, for each fit (src/host/quiz/fsrsFitProcess.ts)
  entryPoints: {
    'host/extension': 'src/host/extension.ts',
    'host/encoderProcess': 'src/host/encoder/encoderProcessMain.ts',
    'host/fsrsFit': 'src/host/quiz/fsrsFitMain.ts',
  },
  outdir: 'dist',
  platform: 'node',
  format: 'cjs',
  target: 'node20',
  // native addon and the WASM fallback ship as packages in the VSIX; vscode is provided by the host
  external: ['vscode', 'onnxruntime-node', 'onnxruntime-web', '@open-spaced-repetition/*'],
};

const webviews = {
  ...common,
  entryPoints: {
    'webview/attention': 'src/webview/attention/main.ts',
    'webview/question': 'src/webview/question/main.ts',
  },
  outdir: 'dist',
  platform: 'browser',
  format: 'iife',
  target: 'chrome120',
  loader: { '.woff2': 'file', '.woff': 'file', '.ttf': 'file' },
};

const integrationEntries = Object.fromEntries(
  readdirSync('test/integration')
    .filter((f) => f.endsWith('.ts'))
    .map((f) => [`test/integration/${f.replace(/\.ts$/, '')}`, `test/integration/${f}`]),
);
const integration = {
  ...common,
  entryPoints: integrationEntries,
  outdir: 'dist',
  platform: 'node',
  format: 'cjs',
  target: 'node20',
  external: ['vscode', 'mocha', 'onnxruntime-node', 'onnxruntime-web', '@open-spaced-repetition/*'],
};

function copyAssets() {
  mkdirSync('dist/media', { recursive: true });
  cpSync('node_modules/katex/dist/katex.min.css', 'dist/media/katex/katex.min.css');
  cpSync('node_modules/katex/dist/fonts', 'dist/media/katex/fonts', { recursive: true });
  cpSync('node_modules/@vscode/codicons/dist/codicon.css', 'dist/media/codicons/codicon.css');
  cpSync('node_modules/@vscode/codicons/dist/codicon.ttf', 'dist/media/codicons/codicon.ttf');
}

const configs = [host, webviews, integration];
if (watch) {
  for (const c of configs) await (await esbuild.context(c)).watch();
} else {
  await Promise.all(configs.map((c) => esbuild.build(c)));
  copyAssets();
}
