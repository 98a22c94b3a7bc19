// Interleaved A/B of EncoderCore.encode() end to end, blocks of runs alternating between encoders (each
// round starts with the next one) so that a change in load hits all alike, on the same text and lengths.
// They differ in either
//   the code:  --checkout DIR     another checkout of the repository (an earlier commit, checked out with
//                                 `git worktree add`, its node_modules linked to this one's) against this one
//   the graph: --models A.onnx B.onnx [C.onnx …]   exports of the model, with the bundled tokenizer and config
//   npm run bench:encode-ab -- (--checkout DIR | --models A.onnx B.onnx …) [--lengths 16,64,128,512 --rounds 12 --block 8]
// Each line gives every encoder's median and its ratio to A's; the last line is the figures as JSON.
import * as os from 'node:os';
import { EncoderCore } from '../src/host/encoder/encoderCore';
import { loadRuntime } from '../src/host/encoder/runtime';
import { encodersToCompare } from './encoders';
import { BUNDLED, option, sampleText } from './inputs';
import { summarize } from './measure';

const LENGTHS = option('lengths', '16,64,128,512').split(',').map(Number);
const ROUNDS = Number(option('rounds', '12'));
const BLOCK = Number(option('block', '8'));

async function main(): Promise<void> {
  const cores = await encodersToCompare('encode-ab.ts');
  const names = Object.keys(cores);
  const text = sampleText();
  const tokenizer = await EncoderCore.load(BUNDLED, await loadRuntime());
  const all = tokenizer.tokenize(text).tokens;
  const label = (i: number) => String.fromCharCode(65 + i);
  console.log(
    `encode() A/B, ${names.map((n, i) => `${label(i)} = ${n}`).join(', ')}: ${ROUNDS} rounds × ${BLOCK} runs, load average ${os
      .loadavg()
      .map((x) => x.toFixed(2))
      .join(' ')}`,
  );
  const figures: Record<number, Record<string, { medianMs: number; p95Ms: number; ratioToA: number }>> = {};
  for (const n of LENGTHS) {
    const req = { text: text.slice(0, all[Math.min(all.length, n - 2) - 1].span.end) };
    const samples: Record<string, number[]> = Object.fromEntries(names.map((k) => [k, []]));
    for (const core of Object.values(cores)) for (let i = 0; i < 3; i++) await core.encode(req);
    for (let r = 0; r < ROUNDS; r++) {
      for (let j = 0; j < names.length; j++) {
        const name = names[(r + j) % names.length];
        for (let i = 0; i < BLOCK; i++) {
          const t0 = performance.now();
          await cores[name].encode(req);
          samples[name].push(performance.now() - t0);
        }
      }
    }
    const stats = names.map((k) => summarize(samples[k]));
    const tokens = tokenizer.prepare(req).ids.length;
    figures[tokens] = Object.fromEntries(
      names.map((_, i) => [label(i), { medianMs: stats[i].median, p95Ms: stats[i].p95, ratioToA: stats[i].median / stats[0].median }]),
    );
    const cols = stats.map(
      (s, i) =>
        `${label(i)} ${s.median.toFixed(2)} ms (p95 ${s.p95.toFixed(2)})${i ? `, ÷ A ${(s.median / stats[0].median).toFixed(2)}` : ''}`,
    );
    console.log(`${String(tokens).padStart(4)} tokens: ${cols.join('; ')}`);
  }
  for (const core of [...Object.values(cores), tokenizer]) await core.release();
  console.log(
    JSON.stringify({ encoders: Object.fromEntries(names.map((n, i) => [label(i), n])), rounds: ROUNDS, block: BLOCK, lengths: figures }),
  );
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
