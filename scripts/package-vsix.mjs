// Builds a platform-specific VSIX: the bundles, the model, and only the target platform's
// onnxruntime-node binaries. Usage: npm run package [-- --target linux-x64|linux-arm64|darwin-arm64|darwin-x64|win32-x64|win32-arm64]
import { execFileSync } from 'node:child_process';
import { existsSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ROOT } from './codeServer.mjs';

const TARGETS = ['linux-x64', 'linux-arm64', 'darwin-x64', 'darwin-arm64', 'win32-x64', 'win32-arm64'];
/** The package suffix of @open-spaced-repetition/binding's binary for each target. */
const FSRS_BINARY = {
  'linux-x64': 'linux-x64-gnu',
  'linux-arm64': 'linux-arm64-gnu',
  'darwin-x64': 'darwin-x64',
  'darwin-arm64': 'darwin-arm64',
  'win32-x64': 'win32-x64-msvc',
  'win32-arm64': 'win32-arm64-msvc',
};

/** The ignore file for one target: everything of src/tests/other platforms out. */
function ignoreFor(target) {
  const [os, arch] = target.split('-');
  const ortBin = 'node_modules/onnxruntime-node/bin/napi-v6';
  const lines = [
    '**', // start from nothing and add back what the extension needs
    '!package.json',
    '!package.nls*.json',
    '!README.md',
    '!LICENSE',
    '!CHANGELOG.md',
    '!dist/host/**',
    '!dist/webview/**',
    '!dist/media/**',
    '!media/**',
    '!l10n/**',
    '!questions/**',
    '!sample/**',
    '!models/tiny-bert/**',
    '!models/tiny-bert/**/*.json',
    '!models/tiny-gpt/**',
    'dist/**/*.map',
    'models/tiny-bert/reference*.json',
    'models/tiny-gpt/reference*.json',
    '!node_modules/onnxruntime-common/**',
    '!node_modules/onnxruntime-node/package.json',
    '!node_modules/onnxruntime-node/dist/**',
    `!${ortBin}/${os}/${arch}/**`,
    '!node_modules/onnxruntime-web/package.json',
    '!node_modules/onnxruntime-web/dist/ort.node.min.js',
    '!node_modules/onnxruntime-web/dist/ort-wasm-simd-threaded.wasm',
    '!node_modules/onnxruntime-web/dist/ort-wasm-simd-threaded.mjs',
    '!node_modules/onnxruntime-web/dist/ort.node.min.mjs',
    // the FSRS optimizer: this target's binary (the extension loads its package directly), and the
    // WebAssembly build with its runtime for when the binary is not installed
    `!node_modules/@open-spaced-repetition/binding-${FSRS_BINARY[target]}/**`,
    '!vendor/fsrs-binding-wasm32-wasi/**',
    '!node_modules/@napi-rs/wasm-runtime/**',
    '!node_modules/@emnapi/**',
    '!node_modules/@tybys/wasm-util/**',
    '!node_modules/tslib/**',
    'node_modules/**/*.map',
    'node_modules/**/*.d.ts',
  ];
  return lines.join('\n') + '\n';
}

export function packageVsix({ target = 'linux-x64', quiet = false } = {}) {
  if (!TARGETS.includes(target)) throw new Error(`Unknown target ${target}; one of ${TARGETS.join(', ')}`);
  execFileSync(process.execPath, [join(ROOT, 'scripts', 'build.mjs'), '--production'], { cwd: ROOT, stdio: quiet ? 'ignore' : 'inherit' });
  // npm installs only this machine's binary: another target's must be installed first, or the VSIX fits no schedules
  if (!existsSync(join(ROOT, 'node_modules', '@open-spaced-repetition', `binding-${FSRS_BINARY[target]}`))) {
    console.warn(
      `warning: @open-spaced-repetition/binding-${FSRS_BINARY[target]} is not installed: this VSIX fits personal review schedules with the slower WebAssembly optimizer (install it with npm install --no-save --force @open-spaced-repetition/binding-${FSRS_BINARY[target]})`,
    );
  }
  const ignore = join(ROOT, '.vscode-test', `vscodeignore-${target}`);
  writeFileSync(ignore, ignoreFor(target));
  const out = join(ROOT, `transformer-tutor-${target}.vsix`);
  execFileSync(
    join(ROOT, 'node_modules', '.bin', 'vsce'),
    [
      'package',
      '--target',
      target,
      '--ignoreFile',
      ignore,
      '--out',
      out,
      '--allow-missing-repository',
      '--skip-license',
      '--no-rewrite-relative-links',
    ],
    { cwd: ROOT, stdio: quiet ? 'ignore' : 'inherit' },
  );
  const mb = statSync(out).size / 1024 / 1024;
  console.log(`VSIX for ${target}: ${out} (${mb.toFixed(1)} MB)`);
  return out;
}

if (process.argv[1] && import.meta.filename === process.argv[1]) {
  const i = process.argv.indexOf('--target');
  packageVsix({ target: i > 0 ? process.argv[i + 1] : 'linux-x64' });
}
