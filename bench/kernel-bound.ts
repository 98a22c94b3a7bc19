// What the two missed targets of `npm run bench` ask of ONNX Runtime, against the least any graph that
// draws the views must spend in it. Each round, for every length, times side by side:
//   view      what encode() runs between tokenising and shape-checking (the attention cut, packed)
//   matmuls   a graph of nothing but the matrix multiplies of the view graph, at the same shapes, on
//             the session options the view runs on: ORT's own kernels at these sizes, no other node
//   output    a graph that only hands back an attention-sized tensor ([L·H, 1, T, T], expanded from a
//             scalar): what the binding charges to return the attention, before any arithmetic
//   dispatch  a chain of 64 Adds on one float: what one more node costs a run, whatever it computes
// and runs PyTorch eager (the bench's child process) on the same ids. bound = matmuls + output: any
// graph that returns the attention pays at least that in this runtime. What 3× PyTorch leaves after
// the bound is then shared among the view graph's other nodes (counted after ORT's optimisations) and
// set against the dispatch cost. Ratios are per round, then the median over rounds.
//   npm run bench:bound [-- --lengths 16,64,512 --rounds 6 --runs 30]
// The last line is the figures as JSON.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { onnx } from 'onnx-proto';
import { EncoderCore, viewStacks } from '../src/host/encoder/encoderCore';
import { restrictOutputs } from '../src/host/encoder/onnxGraph';
import { loadRuntime, type Ort } from '../src/host/encoder/runtime';
import { LONG_INPUT_TOKENS, SESSION_OPTIONS, SLEEPING_SESSION_OPTIONS } from '../src/host/encoder/sessionOptions';
import type { ModelConfig } from '../src/shared/modelConfig';
import { modelFlops, ortMatmulGflops } from './floor';
import { BUNDLED, option, sampleText, textOfLength } from './inputs';
import { summarize, timeRuns } from './measure';
import { runTorch } from './torchChild';
import { viewPaths } from './viewPaths';

const ROUNDS = Number(option('rounds', '6'));
const RUNS = Number(option('runs', '30'));
const WARMUP = 5;
const LENGTHS = option('lengths', '16,64,128,512').split(',').map(Number);
const FLOAT = onnx.TensorProto.DataType.FLOAT;

type Dims = { L: number; H: number; d: number; ff: number };

const value = (name: string, shape: number[]) =>
  onnx.ValueInfoProto.create({ name, type: { tensorType: { elemType: FLOAT, shape: { dim: shape.map((dimValue) => ({ dimValue })) } } } });
const weight = (name: string, shape: number[]) =>
  onnx.TensorProto.create({
    name,
    dims: shape,
    dataType: FLOAT,
    floatData: Array.from({ length: shape.reduce((a, b) => a * b, 1) }, () => Math.random() - 0.5),
  });
const encodeModel = (graph: onnx.IGraphProto) =>
  onnx.ModelProto.encode(onnx.ModelProto.create({ irVersion: 8, opsetImport: [{ domain: '', version: 17 }], graph })).finish();

/**
 * The view graph's matrix multiplies at t tokens: Q/K/V, QKᵀ, weights·V, the output projection and the
 * FFN in every layer but the last, which stops at its attention (Q/K/V and QKᵀ). Activations are graph
 * inputs (so nothing is folded at load), weights are initializers; every product is an output, so none is
 * pruned, and only the smallest is fetched.
 */
function matmulGraph(t: number, { L, H, d, ff }: Dims): { bytes: Uint8Array; inputs: Record<string, number[]>; fetch: string } {
  const dk = d / H;
  const inputs: Record<string, number[]> = { x: [t, d], h: [t, ff], q: [H, t, dk], kT: [H, dk, t], p: [H, t, t], v: [H, t, dk] };
  const node: onnx.INodeProto[] = [];
  const initializer: onnx.ITensorProto[] = [];
  const output: onnx.IValueInfoProto[] = [];
  const mul = (a: string, b: string, out: string, shape: number[], w?: number[]) => {
    if (w) initializer.push(weight(b, w));
    node.push(onnx.NodeProto.create({ opType: 'MatMul', input: [a, b], output: [out] }));
    output.push(value(out, shape));
  };
  for (let l = 0; l < L; l++) {
    mul('x', `wqkv${l}`, `qkv${l}`, [t, 3 * d], [d, 3 * d]);
    mul('q', 'kT', `s${l}`, [H, t, t]);
    if (l === L - 1) break;
    mul('p', 'v', `c${l}`, [H, t, dk]);
    mul('x', `wo${l}`, `o${l}`, [t, d], [d, d]);
    mul('x', `w1${l}`, `f${l}`, [t, ff], [d, ff]);
    mul('h', `w2${l}`, `g${l}`, [t, d], [ff, d]);
  }
  const graph = onnx.GraphProto.create({
    name: 'view-matmuls',
    node,
    initializer,
    output,
    input: Object.entries(inputs).map(([n, s]) => value(n, s)),
  });
  return { bytes: encodeModel(graph), inputs, fetch: 'o0' };
}

/** A graph whose one output is attention-sized, made from a scalar: the cost of handing it back. */
function outputGraph(t: number, { L, H }: Dims): { bytes: Uint8Array; inputs: Record<string, number[]>; fetch: string } {
  const shape = onnx.TensorProto.create({
    name: 'shape',
    dims: [4],
    dataType: onnx.TensorProto.DataType.INT64,
    int64Data: [L * H, 1, t, t],
  });
  const node = [onnx.NodeProto.create({ opType: 'Expand', input: ['s', 'shape'], output: ['attn'] })];
  const graph = onnx.GraphProto.create({
    name: 'attention-out',
    node,
    initializer: [shape],
    input: [value('s', [1])],
    output: [value('attn', [L * H, 1, t, t])],
  });
  return { bytes: encodeModel(graph), inputs: { s: [1] }, fetch: 'attn' };
}

const CHAIN = 64;

/** CHAIN Adds one after another on a single float: per node, what a run pays for dispatch alone. */
function dispatchGraph(): { bytes: Uint8Array; inputs: Record<string, number[]>; fetch: string } {
  const node = Array.from({ length: CHAIN }, (_, i) =>
    onnx.NodeProto.create({ opType: 'Add', input: [i ? `a${i - 1}` : 'x', 'x'], output: [`a${i}`] }),
  );
  const last = `a${CHAIN - 1}`;
  const graph = onnx.GraphProto.create({ name: 'dispatch', node, input: [value('x', [1])], output: [value(last, [1])] });
  return { bytes: encodeModel(graph), inputs: { x: [1] }, fetch: last };
}

/** The attention cut of the view graph after ONNX Runtime's optimisations: its nodes, and how many multiply matrices. */
async function viewNodeCount(ort: Ort, core: EncoderCore): Promise<{ nodes: number; matmuls: number }> {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'tutor-bound-'));
  try {
    const file = path.join(dir, 'view.onnx');
    const [attention] = viewStacks(core.attentionOutputs, core.capabilities);
    const bytes = await restrictOutputs(readFileSync(BUNDLED.modelPath), core.attentionOutputs, [attention]);
    const session = await ort.InferenceSession.create(bytes, { ...SESSION_OPTIONS, optimizedModelFilePath: file });
    await session.release();
    const nodes = onnx.ModelProto.decode(readFileSync(file)).graph?.node ?? [];
    return { nodes: nodes.length, matmuls: nodes.filter((n) => /MatMul|Gemm/.test(n.opType ?? '')).length };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

async function runner(ort: Ort, t: number, made: { bytes: Uint8Array; inputs: Record<string, number[]>; fetch: string }) {
  const session = await ort.InferenceSession.create(made.bytes, t >= LONG_INPUT_TOKENS ? SLEEPING_SESSION_OPTIONS : SESSION_OPTIONS);
  const feeds = Object.fromEntries(
    Object.entries(made.inputs).map(([n, s]) => [
      n,
      new ort.Tensor(
        'float32',
        Float32Array.from({ length: s.reduce((a, b) => a * b, 1) }, () => Math.random()),
        s,
      ),
    ]),
  );
  return { session, run: () => session.run(feeds, [made.fetch]) };
}

async function main(): Promise<void> {
  const runtime = await loadRuntime();
  const core = await EncoderCore.load(BUNDLED, runtime);
  const config: ModelConfig & { intermediate_size: number } = JSON.parse(readFileSync(BUNDLED.configPath, 'utf8'));
  const dims: Dims = { L: config.num_layers, H: config.num_heads, d: config.hidden_size, ff: config.intermediate_size };
  const lengths = LENGTHS.filter((n) => n >= 3 && n <= core.maxTokens);
  const text = sampleText();
  const ids: Record<number, number[]> = {};
  const kinds = ['view', 'matmuls', 'output', 'dispatch'] as const;
  const runners: Record<number, Record<(typeof kinds)[number], () => Promise<unknown>>> = {};
  const sessions: { release(): Promise<void> }[] = [];
  for (const n of lengths) {
    ids[n] = core.prepare({ text: textOfLength(core, text, n) }).ids;
    const mm = await runner(runtime.ort, n, matmulGraph(n, dims));
    const out = await runner(runtime.ort, n, outputGraph(n, dims));
    const chain = await runner(runtime.ort, n, dispatchGraph());
    sessions.push(mm.session, out.session, chain.session);
    runners[n] = {
      view: viewPaths(
        core,
        core.feeds(
          ids[n],
          ids[n].map(() => 0),
        ),
      ).view,
      matmuls: mm.run,
      output: out.run,
      dispatch: chain.run,
    };
  }
  const ortGflops = (await ortMatmulGflops(runtime.ort)).gflops;
  const count = await viewNodeCount(runtime.ort, core);
  const others = count.nodes - count.matmuls;
  console.log(
    `Kernel bound, ${ROUNDS} rounds of ${RUNS} runs per graph and length; ${os.cpus().length} CPUs (${os.cpus()[0]?.model}), load average ${os
      .loadavg()
      .map((x) => x.toFixed(2))
      .join(' ')}`,
  );
  type Round = { ms: Record<number, Record<string, number>>; torch: Record<number, number>; torchGflops: number };
  const rounds: Round[] = [];
  for (let r = 0; r < ROUNDS; r++) {
    const ms: Round['ms'] = {};
    const timeOrt = async () => {
      for (const n of lengths) {
        ms[n] = {};
        for (let j = 0; j < kinds.length; j++) {
          const k = kinds[(r + j) % kinds.length];
          ms[n][k] = (await timeRuns(runners[n][k], RUNS, WARMUP)).median;
        }
      }
    };
    if (r % 2 === 0) await timeOrt();
    const torch = runTorch(ids, RUNS, WARMUP, r === 0);
    if (r % 2 === 1) await timeOrt();
    if ('skipped' in torch) throw new Error(`PyTorch is needed for this bench: ${torch.skipped}`);
    if (!torch.sameWeights) throw new Error(`PyTorch did not load the weights of model.onnx (${torch.checkpoint})`);
    rounds.push({
      ms,
      torch: Object.fromEntries(lengths.map((n) => [n, torch.lengths[n].encoder.median])),
      torchGflops: torch.matmulGflops ?? rounds[0]?.torchGflops ?? 0,
    });
    process.stdout.write(`  round ${r + 1}/${ROUNDS} done\n`);
  }
  const gflops = Math.max(ortGflops, rounds[0].torchGflops);
  const med = (f: (x: Round) => number) => summarize(rounds.map(f)).median;
  console.log(
    `\nthe view graph (attention cut) runs ${count.nodes} nodes after ORT's optimisations, ${count.matmuls} of them matrix multiplies`,
  );
  console.log(
    `floor: matmul FLOPs over ${gflops.toFixed(1)} GFLOP/s (1024³: ORT ${ortGflops.toFixed(1)}, PyTorch ${rounds[0].torchGflops.toFixed(1)}); ms are medians over rounds, ratios per round then median`,
  );
  const figures: Record<number, Record<string, number>> = {};
  for (const n of lengths) {
    const floor = (modelFlops(config, n, false) / (gflops * 1e9)) * 1e3;
    const bound = (x: Round) => x.ms[n].matmuls + x.ms[n].output;
    figures[n] = {
      torchMs: med((x) => x.torch[n]),
      viewMs: med((x) => x.ms[n].view),
      matmulsMs: med((x) => x.ms[n].matmuls),
      outputMs: med((x) => x.ms[n].output),
      floorMs: floor,
      torchOverView: med((x) => x.torch[n] / x.ms[n].view),
      // above 1: the bound alone is over the time 3× PyTorch allows the view
      boundOverThirdOfTorch: med((x) => bound(x) / (x.torch[n] / 3)),
      boundOverFloor: med((x) => bound(x) / floor),
      viewOverFloor: med((x) => x.ms[n].view / floor),
      dispatchMicrosPerNode: med((x) => (x.ms[n].dispatch / CHAIN) * 1e3),
      // what 3× PyTorch leaves each non-matmul node of the view graph, after the bound (µs; below 0: nothing)
      leftMicrosPerOtherNode: med((x) => ((x.torch[n] / 3 - bound(x)) / others) * 1e3),
    };
    const f = figures[n];
    console.log(
      `${String(n).padStart(4)} tokens: PyTorch ${f.torchMs.toFixed(2)} ms, view ${f.viewMs.toFixed(2)} (PyTorch ÷ view ${f.torchOverView.toFixed(2)}×); ` +
        `matmuls alone ${f.matmulsMs.toFixed(2)}, output alone ${f.outputMs.toFixed(2)}, floor ${f.floorMs.toFixed(2)}; ` +
        `bound ÷ (PyTorch ÷ 3) ${f.boundOverThirdOfTorch.toFixed(2)}, bound ÷ floor ${f.boundOverFloor.toFixed(2)}, view ÷ floor ${f.viewOverFloor.toFixed(2)}; ` +
        `3× PyTorch leaves ${f.leftMicrosPerOtherNode.toFixed(1)} µs to each of the other ${others} nodes, dispatch alone costs ${f.dispatchMicrosPerNode.toFixed(1)} µs a node`,
    );
  }
  for (const s of [...sessions, core]) await s.release();
  console.log(
    JSON.stringify({
      rounds: ROUNDS,
      runs: RUNS,
      viewNodes: count,
      gflopsUsed: gflops,
      ortMatmulGflops: ortGflops,
      torchMatmulGflops: rounds[0].torchGflops,
      lengths: figures,
    }),
  );
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
