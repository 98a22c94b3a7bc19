/**
 * The FSRS project's own optimizer (fsrs-rs), loaded on first use: fitting is rare, and its binary need not
 * load at activation. Free of `vscode`, so the fit bench runs the very same calls.
 *
 * Native first: the addon's platform package (loaded directly, not through the `binding` wrapper: the
 * wrapper lists an optional package for every platform at its own version, and the registry has 0.5.0
 * only for linux-x64, so `npm ci` refuses a lock file that names the wrapper). Everywhere else, the
 * optimizer's WebAssembly build, vendored in `vendor/fsrs-binding-wasm32-wasi` (see its SOURCE.md); it
 * is slower and has no `evaluate`, so log losses then come from ts-fsrs's memory model.
 */
import { createRequire } from 'node:module';
import type { TrainingReview } from '../../shared/quiz/fsrsTraining';
import { logLoss } from '../../shared/quiz/fsrsLogLoss';
import { DEFAULT_W } from '../../shared/quiz/scheduling';
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';

/** The part of the addon's API this extension uses (as the binding's own index.d.ts declares it). */
interface Binding {
  computeParameters(items: BindingItem[], options?: { enableShortTerm: boolean; timeout?: number }): Promise<number[]>;
  FSRSBindingItem: new (reviews: BindingReview[]) => BindingItem;
  FSRSBindingReview: new (rating: number, deltaT: number) => BindingReview;
  /** absent from the WebAssembly build */
  FSRSBinding: new (parameters?: number[]) => { evaluate?(items: BindingItem[]): { logLoss: number } };
}
declare const itemBrand: unique symbol;
declare const reviewBrand: unique symbol;
type BindingItem = { [itemBrand]: true };
type BindingReview = { [reviewBrand]: true };

/** The addon's package suffix for each platform it is built for (napi-rs's names). */
const PLATFORM_PACKAGE: Record<string, string> = {
  'linux-x64': 'linux-x64-gnu',
  'linux-arm64': 'linux-arm64-gnu',
  'darwin-x64': 'darwin-x64',
  'darwin-arm64': 'darwin-arm64',
  'win32-x64': 'win32-x64-msvc',
  'win32-arm64': 'win32-arm64-msvc',
};

/** The npm package that holds this platform's optimizer binary. */
export function optimizerPackage(platform: string = process.platform, arch: string = process.arch): string | undefined {
  const suffix = PLATFORM_PACKAGE[`${platform}-${arch}`];
  return suffix && `@open-spaced-repetition/binding-${suffix}`;
}

export type OptimizerBuild = 'native' | 'wasm';

/** The WebAssembly build's loader, in the extension's root: the first folder up from here that holds it (bundle or sources). */
function wasmLoaderPath(): string {
  const rel = join('vendor', 'fsrs-binding-wasm32-wasi', 'fsrs-binding.wasi.cjs');
  for (let dir = __dirname; ; dir = dirname(dir)) {
    if (existsSync(join(dir, rel))) return join(dir, rel);
    if (dirname(dir) === dir) throw new Error(`${rel} is missing from the extension`);
  }
}

function loadNative(): Binding {
  const name = optimizerPackage();
  if (!name) throw new Error(`no native FSRS optimizer is built for ${process.platform}-${process.arch}`);
  return createRequire(__filename)(name) as Binding;
}

const loaders: Record<OptimizerBuild, () => Binding> = {
  native: loadNative,
  wasm: () => createRequire(__filename)(wasmLoaderPath()) as Binding,
};

let loading: Promise<{ build: OptimizerBuild; b: Binding }> | undefined;

/**
 * The optimizer, native where this platform's package is installed, else WebAssembly; `prefer` forces
 * one (tests and the bench compare them). Rejects with both reasons when neither loads.
 */
export function loadOptimizer(prefer?: OptimizerBuild): Promise<{ build: OptimizerBuild; b: Binding }> {
  if (prefer) return Promise.resolve().then(() => ({ build: prefer, b: checked(loaders[prefer](), prefer) }));
  loading ??= Promise.resolve().then(() => {
    const reasons: string[] = [];
    for (const build of ['native', 'wasm'] as const) {
      try {
        return { build, b: checked(loaders[build](), build) };
      } catch (e) {
        reasons.push(`${build}: ${e instanceof Error ? e.message : String(e)}`);
      }
    }
    throw new Error(`the FSRS optimizer could not be loaded (${reasons.join('; ')})`);
  });
  // a failed load is tried again next time (the person may have fixed the install)
  loading.catch(() => (loading = undefined));
  return loading;
}

// touching an export makes a broken binary fail here, not in the middle of a fit
function checked(b: Binding, build: OptimizerBuild): Binding {
  if (typeof b.computeParameters !== 'function') throw new Error(`the ${build} FSRS optimizer has no computeParameters`);
  return b;
}

function toItems(b: Binding, items: readonly TrainingReview[][]) {
  return items.map((h) => new b.FSRSBindingItem(h.map((r) => new b.FSRSBindingReview(r.rating, r.deltaT))));
}

/** FSRS-6 parameters fitted to the training items (FSRS's defaults when they tell the optimizer too little). */
export async function fitParameters(items: readonly TrainingReview[][], prefer?: OptimizerBuild): Promise<number[]> {
  const { b } = await loadOptimizer(prefer);
  // timeout 0: hand back the result at once (the binding otherwise waits 500 ms to batch progress reports)
  return b.computeParameters(toItems(b, items), { enableShortTerm: true, timeout: 0 });
}

/**
 * The log loss of parameters (FSRS's defaults when `w` is undefined) on items, by the optimizer's
 * own evaluation; undefined when the items hold no review it can score.
 */
export async function evaluateLogLoss(
  items: readonly TrainingReview[][],
  w?: readonly number[],
  prefer?: OptimizerBuild,
): Promise<number | undefined> {
  const { b } = await loadOptimizer(prefer);
  const model = new b.FSRSBinding(w ? [...w] : undefined);
  if (!model.evaluate) return logLoss(items, w ?? DEFAULT_W);
  try {
    return model.evaluate(toItems(b, items)).logLoss;
  } catch {
    return undefined;
  }
}

/** The share of the latest spaced reviews a fit is checked on before it is used. */
export const HELD_OUT_SHARE = 0.25;

export type CheckedFit =
  | { adopted: true; w: number[]; logLoss: { default: number; fitted: number } }
  | { adopted: false; why: 'no-better' | 'kept-defaults'; logLoss?: { default: number; fitted: number } };

/**
 * A fit that must earn its place: parameters fitted to the earlier reviews (in time order) are
 * scored on the latest HELD_OUT_SHARE against FSRS's defaults. Only when they predict those better
 * are parameters fitted to every review adopted; the log losses reported are the held-out ones.
 * With a few hundred reviews the optimizer often overfits: the fit bench saw fitted parameters
 * score worse than the defaults on later reviews in most simulated logs of that size.
 */
export async function checkedFit(itemsInTimeOrder: readonly TrainingReview[][], prefer?: OptimizerBuild): Promise<CheckedFit> {
  const cut = Math.floor(itemsInTimeOrder.length * (1 - HELD_OUT_SHARE));
  const [earlier, later] = [itemsInTimeOrder.slice(0, cut), itemsInTimeOrder.slice(cut)];
  const trial = await fitParameters(earlier, prefer);
  if (sameAsDefaults(trial)) return { adopted: false, why: 'kept-defaults' };
  const [before, after] = [await evaluateLogLoss(later, undefined, prefer), await evaluateLogLoss(later, trial, prefer)];
  if (before === undefined || after === undefined) return { adopted: false, why: 'kept-defaults' };
  const logLoss = { default: before, fitted: after };
  if (after >= before) return { adopted: false, why: 'no-better', logLoss };
  const w = await fitParameters(itemsInTimeOrder, prefer);
  return sameAsDefaults(w) ? { adopted: false, why: 'kept-defaults' } : { adopted: true, w, logLoss };
}

function sameAsDefaults(w: readonly number[]): boolean {
  return w.every((x, i) => Math.abs(x - DEFAULT_W[i]) < 1e-6);
}
