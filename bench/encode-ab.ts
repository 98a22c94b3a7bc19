// Interleaved A/B of EncoderCore.encode() end to end, blocks of runs alternating between two encoders
// so that a change in load hits both alike, on the same text and lengths. The two differ in either
//   the code:  --checkout DIR     another checkout of the repository (an earlier commit, checked out with
//                                 `git worktree add`, its node_modules linked to this one's) against this one
//   the graph: --models A.onnx B.onnx   two exports of the model, with the bundled tokenizer and config
//   npm run bench:encode-ab -- (--checkout DIR | --models A.onnx B.onnx) [--lengths 16,64,128,512 --rounds 12 --block 8]
import * as os from 'node:os';
import * as path from 'node:path';
import { EncoderCore } from '../src/host/encoder/encoderCore';
import { loadRuntime } from '../src/host/encoder/runtime';
import { BUNDLED, option, sampleText } from './inputs';
import { summarize } from './measure';

const LENGTHS = option('lengths', '16,64,128,512').split(',').map(Number);
const ROUNDS = Number(option('rounds', '12'));
const BLOCK = Number(option('block', '8'));
type Encoder = Pick<EncoderCore, 'encode' | 'release'>;

async function encoders(): Promise<Record<string, Encoder>> {
  const checkout = option('checkout', '');
  const models = process.argv.indexOf('--models');
  if (checkout) {
    const other = (await import(path.resolve(checkout, 'src/host/encoder/encoderCore.ts'))) as typeof import('../src/host/encoder/encoderCore');
    const otherRuntime = (await import(path.resolve(checkout, 'src/host/encoder/runtime.ts'))) as typeof import('../src/host/encoder/runtime');
    return { 'this checkout': await EncoderCore.load(BUNDLED, await loadRuntime()), [checkout]: await other.EncoderCore.load(BUNDLED, await otherRuntime.loadRuntime()) };
  }
  const [a, b] = models > 0 ? process.argv.slice(models + 1, models + 3) : [];
  if (!a || !b) throw new Error('usage: encode-ab.ts (--checkout DIR | --models A.onnx B.onnx) [options]');
  const rt = await loadRuntime();
  return { [a]: await EncoderCore.load({ ...BUNDLED, modelPath: a }, rt), [b]: await EncoderCore.load({ ...BUNDLED, modelPath: b }, rt) };
}

async function main(): Promise<void> {
  const cores = await encoders();
  const [first, second] = Object.keys(cores);
  const text = sampleText();
  const tokenizer = await EncoderCore.load(BUNDLED, await loadRuntime());
  const all = tokenizer.tokenize(text).tokens;
  console.log(`encode() A/B, A = ${first}, B = ${second}: ${ROUNDS} rounds × ${BLOCK} runs, load average ${os.loadavg().map((x) => x.toFixed(2)).join(' ')}`);
  for (const n of LENGTHS) {
    const req = { text: text.slice(0, all[Math.min(all.length, n - 2) - 1].span.end) };
    const samples: Record<string, number[]> = { [first]: [], [second]: [] };
    for (const core of Object.values(cores)) for (let i = 0; i < 3; i++) await core.encode(req);
    for (let r = 0; r < ROUNDS; r++) {
      for (const [name, core] of Object.entries(cores)) {
        for (let i = 0; i < BLOCK; i++) {
          const t0 = performance.now();
          await core.encode(req);
          samples[name].push(performance.now() - t0);
        }
      }
    }
    const [a, b] = [summarize(samples[first]), summarize(samples[second])];
    console.log(`${String(tokenizer.prepare(req).ids.length).padStart(4)} tokens: A ${a.median.toFixed(2)} ms (p95 ${a.p95.toFixed(2)}), B ${b.median.toFixed(2)} ms (p95 ${b.p95.toFixed(2)}); B ÷ A ${(b.median / a.median).toFixed(2)}`);
  }
  for (const core of [...Object.values(cores), tokenizer]) await core.release();
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
