// Does activating the extension load any ONNX code? Builds the host bundle as scripts/build.mjs does,
// but with the ONNX and tokenizer packages left external so that loading one shows in require.cache,
// then runs activate() against a stand-in `vscode` module and lists what was loaded.
// Run in a fresh process (the benchmark spawns it); prints one JSON object.
import * as esbuild from 'esbuild';
import { mkdirSync, readdirSync, readFileSync } from 'node:fs';
import Module, { createRequire } from 'node:module';
import { join } from 'node:path';

const ROOT = new URL('..', import.meta.url).pathname;
const WATCHED = ['onnxruntime-node', 'onnxruntime-web', 'onnxruntime-common', 'onnx-proto', 'protobufjs', '@huggingface/tokenizers'];
// inside node_modules so the bundle's require() finds the real packages
const outfile = join(ROOT, 'node_modules', '.cache', 'transformer-tutor-bench', 'extension.cjs');
mkdirSync(join(outfile, '..'), { recursive: true });
await esbuild.build({
  absWorkingDir: ROOT,
  entryPoints: ['src/host/extension.ts'],
  outfile,
  bundle: true,
  platform: 'node',
  format: 'cjs',
  target: 'node20',
  external: ['vscode', ...WATCHED],
  logLevel: 'error',
});

/** Anything: every property, call and construction gives another stand-in; `get(key, default)` gives the default. */
function standIn(name = 'vscode') {
  const target = function () {};
  const assigned = new Map();
  return new Proxy(target, {
    set(_, prop, value) {
      assigned.set(prop, value);
      return true;
    },
    get(_, prop) {
      if (assigned.has(prop)) return assigned.get(prop);
      if (prop === 'then') return undefined; // not a promise
      if (prop === Symbol.iterator) return function* () {};
      if (prop === Symbol.toPrimitive) return (hint) => (hint === 'number' ? 0 : '');
      if (prop === 'get') return (_key, fallback) => (fallback !== undefined ? fallback : standIn(`${name}.get()`));
      if (prop === 'dispose') return () => undefined;
      if (prop === 't') return (message) => String(message); // l10n
      return standIn(`${name}.${String(prop)}`);
    },
    apply: () => standIn(`${name}()`),
    construct: () => standIn(`new ${name}`),
  });
}

const resolve = Module._resolveFilename;
Module._resolveFilename = function (request, ...rest) {
  return request === 'vscode' ? 'vscode' : resolve.call(this, request, ...rest);
};
// the namespaces the host code uses, as own properties (a bundle copies them off the module object)
const used = new Set();
for (const file of readdirSync(join(ROOT, 'src', 'host'), { recursive: true })) {
  if (String(file).endsWith('.ts'))
    for (const m of readFileSync(join(ROOT, 'src', 'host', String(file)), 'utf8').matchAll(/\bvscode\.(\w+)/g)) used.add(m[1]);
}
const vscode = Object.fromEntries([...used].map((k) => [k, standIn(`vscode.${k}`)]));
createRequire(import.meta.url).cache.vscode = { id: 'vscode', filename: 'vscode', loaded: true, exports: vscode };

const loadedNow = () =>
  Object.keys(createRequire(import.meta.url).cache)
    .map((f) => WATCHED.find((p) => f.includes(`/node_modules/${p}/`)))
    .filter((p, i, all) => p && all.indexOf(p) === i);

const result = { activated: false, loaded: [], activateMillis: null, error: null };
try {
  const t0 = performance.now();
  const ext = createRequire(import.meta.url)(outfile);
  const context = standIn('context');
  ext.activate(context);
  result.activateMillis = performance.now() - t0;
  result.activated = true;
  await new Promise((r) => setTimeout(r, 300)); // anything activation starts without awaiting
} catch (err) {
  result.error = err instanceof Error ? err.message : String(err);
}
result.loaded = loadedNow();
console.log(JSON.stringify(result));
