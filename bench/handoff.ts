// A lab's run a moment after the view's: what the Labs tab does on every new selection (the view encodes
// the text, the webview asks for the lab, the lab runs the model again). Every ONNX Runtime session has
// its own threads, and threads that spin between operators go on spinning for tens of milliseconds after
// a run, so the second session can find the cores taken. Times this checkout, or compares encoders
// (--checkout DIR, or --models) interleaved: each round rests, then for each encoder runs encode() and,
// after --gap ms (about a webview round trip), times one lab run; it also times the lab run after a
// rest, with no view run before it.
//   npm run bench:handoff [-- --checkout DIR] [--lengths 16,64 --rounds 20 --gap 20]
// The last line is the figures as JSON.
import * as os from 'node:os';
import { EncoderCore } from '../src/host/encoder/encoderCore';
import { loadRuntime } from '../src/host/encoder/runtime';
import { encodersToCompare } from './encoders';
import { BUNDLED, option, sampleText, textOfLength } from './inputs';
import { summarize } from './measure';

const LENGTHS = option('lengths', '16,64').split(',').map(Number);
const ROUNDS = Number(option('rounds', '20'));
const GAP = Number(option('gap', '20'));
/** long enough for every session's threads to stop spinning and sleep */
const REST_MS = 300;
/** what the labs ask for: hidden states (the whole graph), and q/k (a cut of the view graph) */
const LAB_RUNS = { whole: ['hidden_1', 'attn_0'], qk: ['q_0', 'k_0'] };
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function main(): Promise<void> {
  const compare = option('checkout', '') || process.argv.includes('--models');
  const cores = compare ? await encodersToCompare('handoff.ts') : { 'this checkout': await EncoderCore.load(BUNDLED, await loadRuntime()) };
  const names = Object.keys(cores);
  const text = sampleText();
  const first = cores[names[0]];
  console.log(
    `Lab run after the view's: ${ROUNDS} rounds, ${GAP} ms gap, ${REST_MS} ms rest between rounds; load average ${os
      .loadavg()
      .map((x) => x.toFixed(2))
      .join(' ')}`,
  );
  const figures: Record<string, Record<string, Record<string, { afterViewMs: number; restedMs: number }>>> = {};
  for (const n of LENGTHS) {
    const req = { text: textOfLength(first, text, n), qkv: false };
    const ids = first.prepare(req).ids;
    for (const [lab, outputs] of Object.entries(LAB_RUNS)) {
      const after: Record<string, number[]> = Object.fromEntries(names.map((k) => [k, []]));
      const rested: Record<string, number[]> = Object.fromEntries(names.map((k) => [k, []]));
      for (const name of names) {
        const core = cores[name];
        for (let i = 0; i < 3; i++)
          await core.run(
            core.feeds(
              ids,
              ids.map(() => 0),
            ),
            outputs,
          );
      }
      for (let r = 0; r < ROUNDS; r++) {
        for (let j = 0; j < names.length; j++) {
          const name = names[(r + j) % names.length];
          const core = cores[name];
          const feeds = core.feeds(
            ids,
            ids.map(() => 0),
          );
          await sleep(REST_MS);
          await core.encode(req);
          await sleep(GAP);
          let t0 = performance.now();
          await core.run(feeds, outputs);
          after[name].push(performance.now() - t0);
          await sleep(REST_MS);
          t0 = performance.now();
          await core.run(feeds, outputs);
          rested[name].push(performance.now() - t0);
        }
      }
      const cols = names.map((k) => {
        const a = summarize(after[k]).median;
        const b = summarize(rested[k]).median;
        ((figures[n] ??= {})[lab] ??= {})[k] = { afterViewMs: a, restedMs: b };
        return `${k}: ${a.toFixed(2)} ms after the view, ${b.toFixed(2)} ms rested (${(a / b).toFixed(2)}×)`;
      });
      console.log(`${String(ids.length).padStart(4)} tokens, ${lab.padEnd(5)} ${cols.join('; ')}`);
    }
  }
  for (const core of Object.values(cores)) await core.release();
  console.log(JSON.stringify({ rounds: ROUNDS, gapMs: GAP, restMs: REST_MS, labRuns: LAB_RUNS, lengths: figures }));
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
