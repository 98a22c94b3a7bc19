// Interleaved A/B of the ways to run the view (attention + q/k/v, packed as the payload holds them):
// blocks of runs alternate between variants, so a change in machine load hits them all alike.
//   npm run bench:view-ab [-- --lengths 16,64,512 --rounds 12 --block 8]
// Variants: what encode() runs (the view graph with its outputs stacked per kind, on the session
// EncoderCore picks for the length, packed into the payload's arrays), and the view graph with
// per-layer outputs on sessions with fixed thread settings (spinning, sleeping, one thread), each run
// copying its outputs into the payload's arrays.
import { readFileSync } from 'node:fs';
import * as os from 'node:os';
import { concatLayers, EncoderCore, LONG_INPUT_TOKENS, SESSION_OPTIONS } from '../src/host/encoder/encoderCore';
import { restrictOutputs } from '../src/host/encoder/onnxGraph';
import { loadRuntime } from '../src/host/encoder/runtime';
import { BUNDLED, option, sampleText } from './inputs';
import { summarize } from './measure';

const LENGTHS = option('lengths', '16,64,512').split(',').map(Number);
const ROUNDS = Number(option('rounds', '12'));
const BLOCK = Number(option('block', '8'));

async function main(): Promise<void> {
  const rt = await loadRuntime();
  const ort = rt.ort;
  const core = await EncoderCore.load(BUNDLED, rt);
  const graph = await restrictOutputs(readFileSync(BUNDLED.modelPath), core.encodeOutputs);
  const settings = {
    'spinning, 2 threads': {},
    'sleeping, 2 threads': { extra: { session: { intra_op: { allow_spinning: '0' } } } },
    '1 thread': { intraOpNumThreads: 1 },
  };
  const sessions = await Promise.all(Object.values(settings).map((s) => ort.InferenceSession.create(graph, { ...SESSION_OPTIONS, ...s })));
  const text = sampleText();
  const all = core.tokenize(text).tokens;
  const layers = core.attentionOutputs.map((_, l) => l);
  console.log(
    `View A/B: ${ROUNDS} rounds × ${BLOCK} runs per variant and length, load average ${os
      .loadavg()
      .map((x) => x.toFixed(2))
      .join(' ')}; ` + `encode() sleeps from ${LONG_INPUT_TOKENS} tokens on`,
  );
  for (const n of LENGTHS) {
    const req = { text: text.slice(0, all[Math.min(all.length, n - 2) - 1].span.end) };
    const prepared = core.prepare(req);
    const t = prepared.ids.length;
    const feeds = core.feeds(
      prepared.ids,
      prepared.sequence.map((x) => x.segment),
    );
    const variants: Record<string, () => Promise<unknown>> = {
      'encode() path': async () => core.assemble(req, prepared, await core.run(feeds, core.encodeOutputs)),
    };
    Object.keys(settings).forEach((name, i) => {
      variants[`per-layer, ${name}`] = async () => {
        const res = await sessions[i].run(feeds, core.encodeOutputs);
        for (const p of ['attn', 'q', 'k', 'v']) concatLayers(layers.map((l) => res[`${p}_${l}`].data as Float32Array));
      };
    });
    const samples: Record<string, number[]> = Object.fromEntries(Object.keys(variants).map((k) => [k, []]));
    for (const fn of Object.values(variants)) for (let i = 0; i < 3; i++) await fn();
    for (let r = 0; r < ROUNDS; r++) {
      for (const [name, fn] of Object.entries(variants)) {
        for (let i = 0; i < BLOCK; i++) {
          const t0 = performance.now();
          await fn();
          samples[name].push(performance.now() - t0);
        }
      }
    }
    const ref = summarize(samples['encode() path']).median;
    console.log(`\n${t} tokens`);
    for (const [name, s] of Object.entries(samples)) {
      const m = summarize(s);
      console.log(
        `  ${name.padEnd(28)} median ${m.median.toFixed(2).padStart(6)} ms  p95 ${m.p95.toFixed(2).padStart(6)}  ${(m.median / ref).toFixed(2)}× the first`,
      );
    }
  }
  await Promise.all(sessions.map((s) => s.release()));
  await core.release();
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
