// The encoder benchmark: ONNX Runtime (native and WASM), the extension's own tokenise/postprocess,
// PyTorch eager and the arithmetic floor, side by side on the same weights and inputs.
// Usage: npm run bench [-- --runs 60 --warmup 5 --lengths 16,64,128,256,512 --no-torch --no-wasm]
// Prints tables, then ratios and targets; the LAST line is one JSON object with every figure.
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { EncoderCore, SESSION_OPTIONS } from '../src/host/encoder/encoderCore';
import { restrictOutputs } from '../src/host/encoder/onnxGraph';
import { loadRuntime, type Ort } from '../src/host/encoder/runtime';
import { modelFlops, ortMatmulGflops } from './floor';
import { BUNDLED, option, ROOT, sampleText, textOfLength } from './inputs';
import { runTorch } from './torchChild';
import { viewPaths } from './viewPaths';
import { peakRssMB, type Timing, timeOnce, timeRuns } from './measure';

const RUNS = Math.max(1, Number(option('runs', '60')));
const WARMUP = Number(option('warmup', '5'));
const LENGTHS = option('lengths', '16,64,128,256,512').split(',').map(Number);
const WITH_TORCH = !process.argv.includes('--no-torch');
const WITH_WASM = !process.argv.includes('--no-wasm');

type Outputs = 'attention' | 'attentionQkv' | 'all';
type PerLength<T> = Record<number, T>;

/** Activation in a fresh process: which ONNX or tokenizer packages does it load? */
function activationCheck(): { activated: boolean; loaded: string[]; activateMillis: number | null; error: string | null } {
  const r = spawnSync(process.execPath, [path.join(__dirname, 'activation-check.mjs')], { cwd: ROOT, encoding: 'utf8', timeout: 120_000 });
  const line = r.stdout.trim().split('\n').pop() ?? '';
  try {
    return JSON.parse(line);
  } catch {
    return { activated: false, loaded: [], activateMillis: null, error: `the check did not run: ${r.stderr || r.error?.message || line}` };
  }
}

async function latencies(core: EncoderCore, ids: number[], names: Record<Outputs, string[]>): Promise<Record<Outputs, Timing>> {
  const feeds = core.feeds(
    ids,
    ids.map(() => 0),
  );
  const out = {} as Record<Outputs, Timing>;
  for (const kind of ['attention', 'attentionQkv', 'all'] as const)
    out[kind] = await timeRuns(() => core.run(feeds, names[kind]), RUNS, WARMUP);
  return out;
}

/**
 * The view's outputs (attn+qkv) under other thread settings than the extension's (2 threads that
 * spin between operators): spinning threads are faster on idle cores and slower on shared ones
 * (another process, the rest of VS Code), so the choice is measured rather than assumed.
 */
async function threadSettings(
  ort: Ort,
  core: EncoderCore,
  ids: PerLength<number[]>,
  lengths: number[],
): Promise<Record<string, PerLength<Timing>>> {
  const settings: Record<string, object> = {
    '2 threads, no spinning': { intraOpNumThreads: 2, extra: { session: { intra_op: { allow_spinning: '0' } } } },
    '1 thread': { intraOpNumThreads: 1 },
  };
  const out: Record<string, PerLength<Timing>> = {};
  // the graph the extension runs for the view: pruned to attention + q/k/v
  const viewGraph = await restrictOutputs(readFileSync(BUNDLED.modelPath), core.encodeOutputs);
  for (const [name, options] of Object.entries(settings)) {
    const session = await ort.InferenceSession.create(viewGraph, { ...SESSION_OPTIONS, ...options });
    out[name] = {};
    for (const n of lengths) {
      const feeds = core.feeds(
        ids[n],
        ids[n].map(() => 0),
      );
      out[name][n] = await timeRuns(() => session.run(feeds, core.encodeOutputs), RUNS, WARMUP);
    }
    await session.release();
  }
  return out;
}

const ms = (x: number | undefined) => (x === undefined || !Number.isFinite(x) ? '—' : x < 10 ? x.toFixed(2) : x.toFixed(1));
const ratio = (x: number) => `${x.toFixed(2)}×`;

function table(title: string, header: string[], rows: (string | number)[][]): void {
  const cells = [header, ...rows.map((r) => r.map(String))];
  const widths = header.map((_, i) => Math.max(...cells.map((r) => r[i].length)));
  console.log(`\n${title}`);
  cells.forEach((r, j) => {
    console.log(r.map((c, i) => (i === 0 ? c.padEnd(widths[i]) : c.padStart(widths[i]))).join('  '));
    if (j === 0) console.log(widths.map((w) => '-'.repeat(w)).join('  '));
  });
}

async function main(): Promise<void> {
  const machine = {
    node: process.version,
    cpus: os.cpus().length,
    cpu: os.cpus()[0]?.model ?? '?',
    loadAverage: os.loadavg().map((x) => +x.toFixed(2)),
  };
  console.log(
    `Encoder benchmark: ${RUNS} runs (+${WARMUP} warm-up) per figure; ${machine.cpus} CPUs (${machine.cpu}), load average ${machine.loadAverage.join(' ')}`,
  );
  const activation = activationCheck();
  const rss = { startMB: peakRssMB(), afterNativeMB: 0, afterWasmMB: 0 };

  // Cold: the first import and session of this process, created the way EncoderCore creates them.
  const imported = await timeOnce(() => import('onnxruntime-node') as Promise<Ort>);
  const created = await timeOnce(() => imported.value.InferenceSession.create(BUNDLED.modelPath, SESSION_OPTIONS));
  await created.value.release();
  const native = await loadRuntime();
  const loaded = await timeOnce(() => EncoderCore.load(BUNDLED, native));
  const core = loaded.value;
  const config = JSON.parse(readFileSync(BUNDLED.configPath, 'utf8'));
  const names: Record<Outputs, string[]> = { attention: core.attentionOutputs, attentionQkv: core.encodeOutputs, all: config.outputs };
  const cold = { importOrtNodeMillis: imported.millis, sessionCreateMillis: created.millis, encoderLoadMillis: loaded.millis };

  const text = sampleText();
  const lengths = LENGTHS.filter((n) => n >= 3 && n <= core.maxTokens);
  const texts: PerLength<string> = {};
  const ids: PerLength<number[]> = {};
  for (const n of lengths) {
    texts[n] = textOfLength(core, text, n);
    ids[n] = core.prepare({ text: texts[n] }).ids;
  }

  const ortNode: PerLength<Record<Outputs | 'view' | 'stepView' | 'encode' | 'tokenizePostprocess' | 'prepare' | 'assemble', Timing>> = {};
  for (const n of lengths) {
    const req = { text: texts[n] };
    const prepared = core.prepare(req);
    const segments = prepared.sequence.map((t) => t.segment);
    // what following a selection runs with the head, matrix or model view open: no q/k/v
    const headReq = { ...req, qkv: false };
    const out = await core.run(core.feeds(prepared.ids, segments), core.attentionOutputs);
    const encode = await timeRuns(() => core.encode(headReq), RUNS, WARMUP);
    const paths = viewPaths(core, core.feeds(prepared.ids, segments));
    ortNode[n] = {
      ...(await latencies(core, ids[n], names)),
      view: await timeRuns(paths.view, RUNS, WARMUP),
      stepView: await timeRuns(paths.stepView, RUNS, WARMUP),
      encode,
      tokenizePostprocess: await timeRuns(
        () => {
          const p = core.prepare(req);
          core.feeds(p.ids, segments);
          return core.assemble(headReq, p, out);
        },
        RUNS,
        WARMUP,
      ),
      prepare: await timeRuns(() => core.prepare(req), RUNS, WARMUP),
      assemble: await timeRuns(() => core.assemble(headReq, prepared, out), RUNS, WARMUP),
    };
  }
  const threading = await threadSettings(native.ort, core, ids, lengths);
  const matmul = await ortMatmulGflops(native.ort);
  rss.afterNativeMB = peakRssMB();

  let wasm: { loadMillis: number; lengths: PerLength<Record<Outputs, Timing>> } | { skipped: string } = { skipped: '--no-wasm' };
  if (WITH_WASM) {
    const web = await loadRuntime(true);
    const wasmLoad = await timeOnce(() => EncoderCore.load(BUNDLED, web));
    const w: PerLength<Record<Outputs, Timing>> = {};
    for (const n of lengths) w[n] = await latencies(wasmLoad.value, ids[n], names);
    await wasmLoad.value.release();
    wasm = { loadMillis: wasmLoad.millis, lengths: w };
    rss.afterWasmMB = peakRssMB();
  }
  await core.release();

  const torch = WITH_TORCH ? runTorch(ids, RUNS, WARMUP) : { skipped: '--no-torch' };
  const torchOk = 'lengths' in torch ? torch : undefined;
  const wasmOk = 'lengths' in wasm ? wasm : undefined;
  const gflops = Math.max(matmul.gflops, torchOk?.matmulGflops ?? 0);
  const cfg = { ...core.config, intermediate_size: config.intermediate_size as number };
  const floor: PerLength<{ flopsEncoder: number; flopsAll: number; encoderMillis: number; allMillis: number }> = {};
  for (const n of lengths) {
    const [fe, fa] = [modelFlops(cfg, n, false), modelFlops(cfg, n, true)];
    floor[n] = { flopsEncoder: fe, flopsAll: fa, encoderMillis: (fe / (gflops * 1e9)) * 1e3, allMillis: (fa / (gflops * 1e9)) * 1e3 };
  }

  const header = [
    'tokens',
    'ORT attn',
    'ORT attn+qkv',
    'ORT view',
    'ORT step view',
    'ORT all',
    'encode()',
    'tok+post',
    'WASM attn',
    'WASM attn+qkv',
    'WASM all',
    'torch no-MLM',
    'torch full',
    'floor no-MLM',
    'floor all',
  ];
  const row = (n: number, pick: (t: Timing) => number) => [
    n,
    ms(pick(ortNode[n].attention)),
    ms(pick(ortNode[n].attentionQkv)),
    ms(pick(ortNode[n].view)),
    ms(pick(ortNode[n].stepView)),
    ms(pick(ortNode[n].all)),
    ms(pick(ortNode[n].encode)),
    ms(pick(ortNode[n].tokenizePostprocess)),
    ms(wasmOk && pick(wasmOk.lengths[n].attention)),
    ms(wasmOk && pick(wasmOk.lengths[n].attentionQkv)),
    ms(wasmOk && pick(wasmOk.lengths[n].all)),
    ms(torchOk && pick(torchOk.lengths[n].encoder)),
    ms(torchOk && pick(torchOk.lengths[n].full)),
    ms(floor[n].encoderMillis),
    ms(floor[n].allMillis),
  ];
  table(
    'Median latency, ms (batch 1, 2 threads; WASM 1 thread)',
    header,
    lengths.map((n) => row(n, (t) => t.median)),
  );
  table(
    'p95 latency, ms',
    header.slice(0, -2),
    lengths.map((n) => row(n, (t) => t.p95).slice(0, -2)),
  );
  table(
    'ORT attn+qkv under other thread settings, median (p95), ms',
    ['tokens', `${SESSION_OPTIONS.intraOpNumThreads} threads, spinning (the extension)`, ...Object.keys(threading)],
    lengths.map((n) => [
      n,
      `${ms(ortNode[n].attentionQkv.median)} (${ms(ortNode[n].attentionQkv.p95)})`,
      ...Object.values(threading).map((t) => `${ms(t[n].median)} (${ms(t[n].p95)})`),
    ]),
  );

  console.log(
    `\nCold: import onnxruntime-node ${ms(cold.importOrtNodeMillis)} ms; session create ${ms(cold.sessionCreateMillis)} ms; EncoderCore.load (tokenizer + session) ${ms(cold.encoderLoadMillis)} ms` +
      (wasmOk ? `; WASM EncoderCore.load ${ms(wasmOk.loadMillis)} ms` : `; WASM skipped (${'skipped' in wasm ? wasm.skipped : ''})`),
  );
  console.log(
    `Peak RSS: ${rss.startMB.toFixed(0)} MB at start, ${rss.afterNativeMB.toFixed(0)} MB after ORT-node, ${rss.afterWasmMB ? rss.afterWasmMB.toFixed(0) + ' MB after WASM' : 'WASM skipped'}` +
      (torchOk ? `; PyTorch process ${torchOk.peakRssMB.toFixed(0)} MB` : ''),
  );
  console.log(
    `Matmul throughput (1024³): ORT ${matmul.gflops.toFixed(1)} GFLOP/s, PyTorch ${torchOk?.matmulGflops?.toFixed(1) ?? '—'} GFLOP/s; the floor uses ${gflops.toFixed(1)} GFLOP/s`,
  );
  console.log(
    torchOk
      ? `PyTorch ${torchOk.torch}: ${torchOk.checkpoint} (step ${torchOk.step}); ${torchOk.sameWeights ? 'the same weights as model.onnx' : 'NOT the weights of model.onnx'} (attn_0 max diff ${torchOk.referenceMaxDiff.toExponential(1)})`
      : `PyTorch skipped: ${'skipped' in torch ? torch.skipped : ''}`,
  );
  console.log(
    `Activation: ${activation.activated ? `activate() ran in ${ms(activation.activateMillis ?? NaN)} ms and loaded ${activation.loaded.length ? activation.loaded.join(', ') : 'no ONNX or tokenizer code'}` : `not checked (${activation.error})`}`,
  );

  const speedup: PerLength<{ view: number; stepView: number; full: number }> = {};
  if (torchOk) {
    for (const n of lengths) {
      const enc = torchOk.lengths[n].encoder.median;
      speedup[n] = {
        view: enc / ortNode[n].view.median,
        stepView: enc / ortNode[n].stepView.median,
        full: torchOk.lengths[n].full.median / ortNode[n].all.median,
      };
    }
  }
  const last = lengths[lengths.length - 1];
  const fl = floor[last].encoderMillis;
  const vsFloor = {
    tokens: last,
    view: ortNode[last].view.median / fl,
    stepView: ortNode[last].stepView.median / fl,
    all: ortNode[last].all.median / floor[last].allMillis,
  };
  const at128 = ortNode[128];
  const small = lengths.filter((n) => n <= 64);
  // How close to the arithmetic floor the 3x target asks the ORT view to be: a miss reads differently
  // when the target asks for 1.2x the floor than when it asks for 5x.
  const threeTimesNeeds: PerLength<{ ortMillis: number; timesFloor: number }> = {};
  if (torchOk) {
    for (const n of small) {
      const ortMillis = torchOk.lengths[n].encoder.median / 3;
      threeTimesNeeds[n] = { ortMillis, timesFloor: ortMillis / floor[n].encoderMillis };
    }
  }
  const ratios = {
    speedupOverTorch: speedup,
    ortOverFloor: vsFloor,
    threeTimesTorchNeeds: threeTimesNeeds,
    encode128Millis: at128?.encode.median,
    tokenizePostprocess128Millis: at128?.tokenizePostprocess.median,
  };

  console.log('\nRatios');
  if (torchOk) {
    for (const n of lengths) {
      console.log(
        `  ${String(n).padStart(3)} tokens: PyTorch time ÷ ORT time ${ratio(speedup[n].view)} for the view (torch no-MLM ÷ ORT view), ` +
          `${ratio(speedup[n].stepView)} for the step view (÷ ORT step view), ${ratio(speedup[n].full)} for everything (torch full ÷ ORT all)`,
      );
    }
  }
  console.log(
    `  ${last} tokens: ORT view (attention into the payload) at ${ratio(vsFloor.view)} the floor without heads, the step view (with q/k/v) at ${ratio(vsFloor.stepView)}; ` +
      `all outputs at ${ratio(vsFloor.all)} the floor with heads`,
  );
  if (at128)
    console.log(
      `  128 tokens: encode() ${ms(at128.encode.median)} ms in all, of which tokenise + postprocess ${ms(at128.tokenizePostprocess.median)} ms`,
    );
  if (torchOk) {
    for (const n of small) {
      console.log(
        `  ${String(n).padStart(3)} tokens: 3× PyTorch asks the ORT view for ≤ ${ms(threeTimesNeeds[n].ortMillis)} ms, ${ratio(threeTimesNeeds[n].timesFloor)} the floor without heads (it took ${ms(ortNode[n].view.median)} ms)`,
      );
    }
  }
  const targets = {
    encode128Within5ms: at128 ? at128.encode.median <= 5 : null,
    fasterThanTorchEveryLength: torchOk ? lengths.every((n) => speedup[n].view > 1 && speedup[n].full > 1) : null,
    threeTimesTorchAt16to64: torchOk ? small.every((n) => speedup[n].view >= 3 && speedup[n].full >= 3) : null,
    within2xFloorAt512: last === 512 ? vsFloor.view <= 2 && vsFloor.all <= 2 : null,
    activationLoadsNoOnnx: activation.activated ? activation.loaded.length === 0 : null,
  };
  console.log('\nTargets (reported, never asserted)');
  for (const [k, v] of Object.entries(targets)) console.log(`  ${v === null ? 'n/a ' : v ? 'met ' : 'MISS'}  ${k}`);

  console.log(
    JSON.stringify({
      machine,
      settings: { runs: RUNS, warmup: WARMUP, lengths },
      activation,
      cold,
      rss,
      ortNode,
      ortThreadSettings: threading,
      wasm,
      torch,
      floor: { ortMatmulGflops: matmul.gflops, torchMatmulGflops: torchOk?.matmulGflops ?? null, gflopsUsed: gflops, lengths: floor },
      ratios,
      targets,
    }),
  );
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
