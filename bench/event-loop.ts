/**
 * How long the extension host's thread is held while the panel's text is encoded: the event-loop delay
 * (perf_hooks.monitorEventLoopDelay, 1 ms resolution) during encodes of a 512-token selection and of a
 * 100,000-character one (its first window), with the encoder in the extension host's process (as
 * before) and in the encoder process (EncoderProcess) with the payload moved over IPC or through a
 * file, interleaved in one run. Also the time to the
 * payload either way, and the payload's size, so the cost of the move (IPC, structured clone of the
 * attention arrays) shows beside what it buys. The process's paths include what the host then does before
 * posting to the panel (the layer on show picked out of the 16-bit attention).
 *
 *   node --import tsx bench/event-loop.ts [--rounds 5] [--runs 10]
 */
import { cpus, loadavg } from 'node:os';
import * as path from 'node:path';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { EncoderCore } from '../src/host/encoder/encoderCore';
import { EncoderProcess, SPILL_BYTES } from '../src/host/encoder/encoderProcess';
import { loadRuntime } from '../src/host/encoder/runtime';
import type { EncodeInput } from '../src/shared/encoderProtocol';
import { firstOfWire, type WirePayload } from '../src/shared/attentionWire';
import type { EncodingPayload } from '../src/shared/encoding';
import { BUNDLED, option, ROOT, sampleText, textOfLength } from './inputs';
import { summarize } from './measure';

type Encode = (input: EncodeInput) => Promise<EncodingPayload | WirePayload>;

/** What the extension host does with the process's answer before it posts it: picks out the layer on show. */
function toPanel(w: WirePayload): WirePayload {
  firstOfWire(w, [0]);
  return w;
}

interface Sample {
  delays: number[];
  /** each encode's wall time, ms */
  walls: number[];
  bytes: number;
}

/**
 * Runs `runs` encodes one after another while the event-loop monitor records; the p99 and max of the
 * delay it saw, and the median wall time. A timer every ms keeps the loop busy the way other extensions'
 * work would, so a blocked thread shows as delay.
 */
async function measure(encode: Encode, input: EncodeInput, runs: number, into: Sample): Promise<void> {
  const h = monitorEventLoopDelay({ resolution: 1 });
  const tick = setInterval(() => undefined, 1);
  h.enable();
  for (let i = 0; i < runs; i++) {
    const t0 = performance.now();
    const p = await encode(input);
    into.walls.push(performance.now() - t0);
    const attention = 'attention16' in p ? p.attention16 : p.attention;
    into.bytes = [attention, p.q, p.k, p.v].reduce((n, a) => n + (a?.byteLength ?? 0), 0);
  }
  h.disable();
  clearInterval(tick);
  // the histogram is in nanoseconds; each run of the loop contributes its delay beyond the resolution
  into.delays.push(h.percentile(99) / 1e6, h.max / 1e6);
}

const ms = (x: number) => x.toFixed(1).padStart(7);

async function main(): Promise<void> {
  const rounds = Number(option('rounds', '5'));
  const runs = Number(option('runs', '10'));
  console.log(
    `cores ${cpus().length}, load average ${loadavg()
      .map((x) => x.toFixed(2))
      .join(' ')}; ${rounds} rounds of ${runs} encodes per cell, in-process and encoder process interleaved`,
  );

  const core = await EncoderCore.load(BUNDLED, await loadRuntime());
  const sample = sampleText();
  const long = sample.repeat(Math.ceil(100_000 / sample.length)).slice(0, 100_000);
  const inputs: Record<string, EncodeInput> = {
    '512 tokens': { text: textOfLength(core, sample, 512), qkv: false },
    '100,000 chars': { text: long, qkv: false },
  };
  const started = (spillBytes: number, niceness = 0) =>
    new EncoderProcess({
      entry: path.join(ROOT, 'src/host/encoder/encoderProcessMain.ts'),
      execArgv: ['--import', 'tsx'],
      idleMs: 600_000,
      runLimitMs: 60_000,
      spillBytes,
      niceness,
    });
  // the two ways tried to move the payload: the structured clone over IPC, and a file read off the thread
  const inline = started(Infinity);
  const viaFile = started(SPILL_BYTES);
  const niced = started(SPILL_BYTES, 10);
  const model = { bundled: BUNDLED, wasm: false };
  const paths: Record<string, Encode> = {
    'in-process': (input) => core.encode(input),
    'process, IPC': (input) => inline.encode(model, input).then(toPanel),
    'process, file': (input) => viaFile.encode(model, input).then(toPanel),
    'file, nice 10': (input) => niced.encode(model, input).then(toPanel),
  };
  // the same monitor while the host only waits, as long as a process encode takes: what the machine's
  // other load alone puts on the event loop (a busy machine delays a ready thread too)
  let waitMs = 100;
  const baseline: Encode = () => new Promise((resolve) => setTimeout(() => resolve({} as EncodingPayload), waitMs));
  // warm both: the process loads its model, each path makes its sleeping session for long inputs
  for (const encode of Object.values(paths)) for (const input of Object.values(inputs)) await encode(input);

  const results: Record<string, Record<string, Sample>> = {};
  const all: Record<string, Encode> = { ...paths, 'no encode (wait)': baseline };
  for (let r = 0; r < rounds; r++) {
    // rotate which path goes first, so none is always measured right after the same other
    const names = Object.keys(all);
    const order = names.map((_, i) => names[(i + r) % names.length]);
    for (const [inputName, input] of Object.entries(inputs)) {
      for (const pathName of order) {
        const cell = ((results[inputName] ??= {})[pathName] ??= { delays: [], walls: [], bytes: 0 });
        // 100,000 characters: a new text each run would be tokenised each time, as a changed selection is
        const vary = inputName.startsWith('100')
          ? (i: number) => ({ ...input, text: `${i} ${input.text.slice(String(i).length + 1)}` })
          : () => input;
        let i = r * runs;
        if (pathName === 'no encode (wait)') waitMs = summarize(results[inputName]['process, file']?.walls ?? [100]).median;
        await measure((x) => all[pathName](x === input ? vary(i++) : x), input, runs, cell);
      }
    }
  }
  await inline.dispose();
  await viaFile.dispose();
  await niced.dispose();
  await core.release();

  console.log(
    '\nevent-loop delay of the extension host while encoding (ms; p99 and max per round, median over rounds), and time to the payload',
  );
  console.log(
    `${'selection'.padEnd(15)}${'path'.padEnd(17)}${'delay p99'.padStart(10)}${'delay max'.padStart(10)}${'encode p50'.padStart(11)}${'encode p95'.padStart(11)}  payload`,
  );
  for (const [inputName, byPath] of Object.entries(results)) {
    for (const [pathName, s] of Object.entries(byPath)) {
      const p99s = s.delays.filter((_, i) => i % 2 === 0);
      const maxes = s.delays.filter((_, i) => i % 2 === 1);
      const wall = summarize(s.walls);
      console.log(
        `${inputName.padEnd(15)}${pathName.padEnd(17)}${ms(summarize(p99s).median).padStart(10)}${ms(summarize(maxes).median).padStart(10)}${ms(wall.median).padStart(11)}${ms(wall.p95).padStart(11)}  ${(s.bytes / 1e6).toFixed(1)} MB`,
      );
    }
  }
}

void main();
