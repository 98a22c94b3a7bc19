/**
 * Where the time of one encoder run goes: ONNX Runtime's own profiler, per operator type, for the
 * outputs the extension asks for (attention + q/k/v), next to the wall-clock time of `session.run`
 * seen from JavaScript. The difference is the binding's work outside the graph (copying each output
 * into a new JavaScript buffer). Matrix-multiply kernels also get their achieved GFLOP/s, to compare
 * with the 1024³ throughput that the latency benchmark's arithmetic floor assumes.
 *
 *   npm run bench:profile [-- --lengths 64,512 --runs 40 --nodes 12]
 *
 * --nodes N also lists the N slowest nodes of each graph, with their output shapes.
 */
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { EncoderCore, SESSION_OPTIONS, viewStacks } from '../src/host/encoder/encoderCore';
import { restrictOutputs } from '../src/host/encoder/onnxGraph';
import { loadRuntime } from '../src/host/encoder/runtime';
import { ortMatmulGflops } from './floor';
import { summarize } from './measure';

const ROOT = path.resolve(__dirname, '..');
const MODEL_DIR = path.join(ROOT, 'models', 'tiny-bert');

function option(name: string, fallback: string): string {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 && process.argv[i + 1] ? process.argv[i + 1] : fallback;
}
const RUNS = Math.max(5, Number(option('runs', '40')));
const LENGTHS = option('lengths', '16,64,128,512').split(',').map(Number);
const NODES = Number(option('nodes', '0'));

interface ProfileEvent {
  cat: string;
  name: string;
  ts: number;
  dur: number;
  args?: { op_name?: string; input_type_shape?: Record<string, number[]>[]; output_type_shape?: Record<string, number[]>[] };
}

const MATMUL_OPS = new Set(['MatMul', 'FusedMatMul', 'Gemm', 'FusedGemm']);

/** 2·M·N·K from the profiler's shapes: K is the first input's last dimension (no op here transposes A). */
function matmulFlops(e: ProfileEvent): number {
  const first = e.args?.input_type_shape?.[0];
  const out = e.args?.output_type_shape?.[0];
  if (!first || !out) return 0;
  const a = Object.values(first)[0];
  const o = Object.values(out)[0];
  return 2 * o.reduce((x, y) => x * y, 1) * a[a.length - 1];
}

async function profileLength(
  core: EncoderCore,
  ort: typeof import('onnxruntime-node'),
  graph: Uint8Array,
  label: string,
  ids: number[],
  dir: string,
) {
  const prefix = path.join(dir, `${label}-${ids.length}`);
  const session = await ort.InferenceSession.create(graph, { ...SESSION_OPTIONS, enableProfiling: true, profileFilePrefix: prefix });
  const feeds = core.feeds(
    ids,
    ids.map(() => 0),
  );
  // the view graph has the layers stacked (one output per kind); the whole graph has them apart
  const outputs = session.outputNames.filter((o) => o.startsWith('tutor_view_')).length ? [...session.outputNames] : core.encodeOutputs;
  for (let i = 0; i < 5; i++) await session.run(feeds, outputs);
  const wall: number[] = [];
  for (let i = 0; i < RUNS; i++) {
    const t0 = performance.now();
    await session.run(feeds, outputs);
    wall.push(performance.now() - t0);
  }
  session.endProfiling();
  await session.release();
  const file = readdirSync(dir).find((f) => f.startsWith(path.basename(prefix) + '_'));
  if (!file) throw new Error('ONNX Runtime wrote no profile');
  const events = JSON.parse(readFileSync(path.join(dir, file), 'utf8')) as ProfileEvent[];
  // the first 5 runs were warm-up: keep the kernels that ran inside the last RUNS model_run spans
  const runs = events.filter((e) => e.cat === 'Session' && e.name === 'model_run').slice(-RUNS);
  const inTimedRun = (e: ProfileEvent) => runs.some((r) => e.ts >= r.ts && e.ts <= r.ts + r.dur);
  const perOp = new Map<string, { count: number; micros: number; flops: number }>();
  const perNode = new Map<string, { op: string; shape: string; micros: number }>();
  for (const e of events) {
    if (e.cat !== 'Node' || !e.name.endsWith('_kernel_time') || !inTimedRun(e)) continue;
    const op = e.args?.op_name ?? '?';
    const row = perOp.get(op) ?? { count: 0, micros: 0, flops: 0 };
    row.count++;
    row.micros += e.dur;
    if (MATMUL_OPS.has(op)) row.flops += matmulFlops(e);
    perOp.set(op, row);
    const node = e.name.slice(0, -'_kernel_time'.length);
    const out = e.args?.output_type_shape?.[0];
    const seen = perNode.get(node) ?? { op, shape: out ? JSON.stringify(Object.values(out)[0]) : '?', micros: 0 };
    seen.micros += e.dur;
    perNode.set(node, seen);
  }
  return { wall: summarize(wall), modelRun: summarize(runs.map((e) => e.dur / 1000)), perOp, perNode };
}

async function main(): Promise<void> {
  const native = await loadRuntime();
  const ort = native.ort as typeof import('onnxruntime-node');
  const core = await EncoderCore.load(
    {
      name: 'tiny-bert',
      modelPath: path.join(MODEL_DIR, 'model.onnx'),
      tokenizerPath: path.join(MODEL_DIR, 'tokenizer.json'),
      configPath: path.join(MODEL_DIR, 'config.json'),
    },
    native,
  );
  const text = ['attention.md', 'transformer.py', 'tokenizer.ts'].map((f) => readFileSync(path.join(ROOT, 'sample', f), 'utf8')).join('\n');
  const all = core.prepare({ text }).ids;
  const dir = mkdtempSync(path.join(os.tmpdir(), 'tutor-ort-profile-'));
  const peak = await ortMatmulGflops(ort);
  console.log(
    `ORT profile: ${RUNS} runs per length and graph, fetching attention + q/k/v, load average ${os
      .loadavg()
      .map((x) => x.toFixed(2))
      .join(' ')}`,
  );
  console.log(`1024³ MatMul with the same thread settings: ${peak.gflops.toFixed(1)} GFLOP/s (what the arithmetic floor assumes)`);
  // the whole graph (what a session on model.onnx runs, MLM head included, whatever is fetched) and the
  // view graph the extension runs for encode(): pruned to attention + q/k/v
  const whole = readFileSync(path.join(MODEL_DIR, 'model.onnx'));
  const graphs = { whole, view: await restrictOutputs(whole, core.encodeOutputs, viewStacks(core.attentionOutputs, core.capabilities)) };
  const summary: Record<string, Record<number, object>> = { whole: {}, view: {} };
  try {
    for (const n of LENGTHS) {
      const ids = [...all.slice(0, n - 1), all[all.length - 1]];
      for (const [label, graph] of Object.entries(graphs)) {
        const r = await profileLength(core, ort, graph, label, ids, dir);
        const perRun = (x: number) => x / RUNS / 1000;
        const rows = [...r.perOp.entries()].sort((a, b) => b[1].micros - a[1].micros);
        const kernels = rows.reduce((sum, [, v]) => sum + v.micros, 0);
        const mm = rows
          .filter(([op]) => MATMUL_OPS.has(op))
          .reduce((sum, [, v]) => ({ micros: sum.micros + v.micros, flops: sum.flops + v.flops }), { micros: 0, flops: 0 });
        console.log(
          `\n${n} tokens, ${label} graph: session.run ${r.wall.median.toFixed(2)} ms median; inside ORT (model_run) ${r.modelRun.median.toFixed(2)} ms; ` +
            `kernels ${perRun(kernels).toFixed(2)} ms in ${rows.reduce((sum, [, v]) => sum + v.count, 0) / RUNS} kernel calls; outside the graph ${(r.wall.median - r.modelRun.median).toFixed(2)} ms`,
        );
        for (const [op, v] of rows.slice(0, 10)) {
          const gf = v.flops ? `  ${(v.flops / (v.micros * 1e3)).toFixed(1)} GFLOP/s` : '';
          console.log(
            `  ${op.padEnd(20)} ${String(v.count / RUNS).padStart(4)} calls  ${perRun(v.micros).toFixed(3).padStart(7)} ms  ${((100 * v.micros) / kernels).toFixed(0).padStart(3)}%${gf}`,
          );
        }
        if (NODES > 0) {
          console.log(`  slowest nodes:`);
          const slowest = [...r.perNode.entries()].sort((a, b) => b[1].micros - a[1].micros).slice(0, NODES);
          for (const [name, v] of slowest)
            console.log(`    ${perRun(v.micros).toFixed(3).padStart(7)} ms  ${v.op.padEnd(18)} ${v.shape.padEnd(16)} ${name}`);
        }
        const mmGflops = mm.flops / (mm.micros * 1e3);
        console.log(
          `  all matrix multiplies: ${(mm.flops / RUNS / 1e6).toFixed(0)} MFLOP per run at ${mmGflops.toFixed(1)} GFLOP/s = ${((100 * mmGflops) / peak.gflops).toFixed(0)}% of the 1024³ figure`,
        );
        summary[label][n] = {
          runMedianMs: r.wall.median,
          modelRunMedianMs: r.modelRun.median,
          kernelsMs: perRun(kernels),
          outsideGraphMs: r.wall.median - r.modelRun.median,
          matmulMflops: mm.flops / RUNS / 1e6,
          matmulGflops: mmGflops,
          perOpMs: Object.fromEntries(rows.map(([op, v]) => [op, perRun(v.micros)])),
        };
      }
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
    await core.release();
  }
  console.log(JSON.stringify({ runs: RUNS, peakMatmulGflops: peak.gflops, loadAverage: os.loadavg(), lengths: summary }));
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
