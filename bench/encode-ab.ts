// Interleaved A/B of EncoderCore.encode() end to end: this checkout against another one (an earlier
// commit checked out with `git worktree add`, its node_modules linked to this one's), on the same
// model, text and lengths, alternating blocks of runs so that a change in load hits both alike.
//   node --import tsx bench/encode-ab.ts /path/to/other/checkout [--lengths 16,64,128,512 --rounds 12 --block 8]
import * as os from 'node:os';
import * as path from 'node:path';
import { EncoderCore } from '../src/host/encoder/encoderCore';
import { loadRuntime } from '../src/host/encoder/runtime';
import { BUNDLED, option, sampleText } from './inputs';
import { summarize } from './measure';

const OTHER = process.argv[2];
const LENGTHS = option('lengths', '16,64,128,512').split(',').map(Number);
const ROUNDS = Number(option('rounds', '12'));
const BLOCK = Number(option('block', '8'));

async function main(): Promise<void> {
  if (!OTHER || OTHER.startsWith('--')) throw new Error('usage: encode-ab.ts /path/to/other/checkout [options]');
  const other = (await import(path.resolve(OTHER, 'src/host/encoder/encoderCore.ts'))) as typeof import('../src/host/encoder/encoderCore');
  const otherRuntime = (await import(path.resolve(OTHER, 'src/host/encoder/runtime.ts'))) as typeof import('../src/host/encoder/runtime');
  const cores = { this: await EncoderCore.load(BUNDLED, await loadRuntime()), other: await other.EncoderCore.load(BUNDLED, await otherRuntime.loadRuntime()) };
  const text = sampleText();
  const all = cores.this.tokenize(text).tokens;
  console.log(`encode() A/B, this checkout vs ${OTHER}: ${ROUNDS} rounds × ${BLOCK} runs, load average ${os.loadavg().map((x) => x.toFixed(2)).join(' ')}`);
  for (const n of LENGTHS) {
    const req = { text: text.slice(0, all[Math.min(all.length, n - 2) - 1].span.end) };
    const samples: Record<string, number[]> = { this: [], other: [] };
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
    const [a, b] = [summarize(samples.this), summarize(samples.other)];
    console.log(`${String(cores.this.prepare(req).ids.length).padStart(4)} tokens: this ${a.median.toFixed(2)} ms (p95 ${a.p95.toFixed(2)}), other ${b.median.toFixed(2)} ms (p95 ${b.p95.toFixed(2)}); this ÷ other ${(a.median / b.median).toFixed(2)}`);
  }
  for (const core of Object.values(cores)) await core.release();
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
