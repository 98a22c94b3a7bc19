/**
 * Memory with the encoder in its own process: the extension host's RSS over 1,000 selection changes
 * (each a new text, encoded by the encoder process), the encoder process's RSS after 128- and 512-token
 * texts, both after the process's idle exit, and, for comparison, what the same model adds to the host
 * when it runs in-process (as before). Linux: the process's RSS is read from /proc.
 *
 *   node --expose-gc --import tsx bench/memory.ts [--changes 1000]
 */
import { existsSync, readFileSync } from 'node:fs';
import * as path from 'node:path';
import { EncoderCore } from '../src/host/encoder/encoderCore';
import { EncoderProcess } from '../src/host/encoder/encoderProcess';
import { loadRuntime } from '../src/host/encoder/runtime';
import { BUNDLED, option, ROOT, sampleText, textOfLength } from './inputs';

const MB = 1024 * 1024;

/** This process's RSS after a full garbage collection, MB. */
function hostRss(): number {
  (globalThis as { gc?: () => void }).gc?.();
  return process.memoryUsage().rss / MB;
}

/** Another process's resident set (VmRSS) and its peak (VmHWM), MB. */
function rssOf(pid: number | undefined): { rss: number; peak: number } | undefined {
  if (pid === undefined) return undefined;
  try {
    const status = readFileSync(`/proc/${pid}/status`, 'utf8');
    const kb = (key: string) => Number(status.match(new RegExp(`^${key}:\\s+(\\d+) kB`, 'm'))?.[1] ?? NaN) / 1024;
    return { rss: kb('VmRSS'), peak: kb('VmHWM') };
  } catch {
    return undefined;
  }
}

const fmt = (x: number | undefined) => (x === undefined || Number.isNaN(x) ? '—' : `${x.toFixed(1)} MB`);

async function main(): Promise<void> {
  if (!(globalThis as { gc?: unknown }).gc) console.log('(run with --expose-gc for steadier host figures)');
  const changes = Number(option('changes', '1000'));
  const sample = sampleText();
  const sizing = await EncoderCore.load(BUNDLED, await loadRuntime());
  const texts = { 128: textOfLength(sizing, sample, 128), 512: textOfLength(sizing, sample, 512) };
  await sizing.release();

  const idleMs = 2000;
  // the bundle the extension ships (npm run build), as its RSS is what users get; the source under tsx otherwise
  const dist = path.join(ROOT, 'dist/host/encoderProcess.js');
  const entry = existsSync(dist)
    ? { entry: dist }
    : { entry: path.join(ROOT, 'src/host/encoder/encoderProcessMain.ts'), execArgv: ['--import', 'tsx'] };
  console.log(`encoder process: ${path.relative(ROOT, entry.entry)}`);
  const proc = new EncoderProcess({ ...entry, idleMs, runLimitMs: 60_000 });
  const model = { bundled: BUNDLED, wasm: false };
  const start = hostRss();
  await proc.encode(model, { text: 'Warm up.', qkv: false });
  const afterFirst = hostRss();

  // selection changes: a window of 20 to 120 words sliding over the sample, as a reader selects
  const words = sample.split(/\s+/);
  const samples: number[] = [];
  for (let i = 0; i < changes; i++) {
    const from = (i * 7) % (words.length - 130);
    const text = words.slice(from, from + 20 + (i % 100)).join(' ');
    await proc.encode(model, { text, qkv: i % 10 === 0 });
    if ((i + 1) % (changes / 10) === 0) samples.push(hostRss());
  }
  const afterChanges = hostRss();

  await proc.encode(model, { text: texts[128], qkv: false });
  const at128 = rssOf(proc.pid);
  await proc.encode(model, { text: texts[512], qkv: false });
  const at512 = rssOf(proc.pid);
  await proc.encode(model, { text: texts[512], qkv: true });
  const at512qkv = rssOf(proc.pid);
  const pid = proc.pid;
  // the idle exit: wait for it (no request comes), then read both sides again
  while (proc.running) await new Promise((r) => setTimeout(r, 100));
  const afterIdle = hostRss();
  await proc.dispose();

  // before: the same model in this process
  const beforeInProcess = hostRss();
  const core = await EncoderCore.load(BUNDLED, await loadRuntime());
  await core.encode({ text: texts[512], qkv: true });
  const inProcess = hostRss();
  await core.release();

  console.log(`extension host (this process), RSS after GC:`);
  console.log(`  at start ${fmt(start)}; after the first encode ${fmt(afterFirst)}`);
  console.log(`  over ${changes} selection changes, every ${changes / 10}: ${samples.map((x) => x.toFixed(1)).join(', ')} MB`);
  console.log(
    `  growth over the ${changes} changes: ${fmt(afterChanges - afterFirst)} (samples from ${fmt(Math.min(...samples))} to ${fmt(Math.max(...samples))})`,
  );
  console.log(`  after the encoder process's idle exit (${idleMs} ms here): ${fmt(afterIdle)}`);
  console.log(`encoder process (pid ${pid}), RSS (peak):`);
  console.log(
    `  after 128 tokens ${fmt(at128?.rss)} (${fmt(at128?.peak)}); after 512 tokens ${fmt(at512?.rss)} (${fmt(at512?.peak)}); 512 with q/k/v ${fmt(at512qkv?.rss)} (${fmt(at512qkv?.peak)})`,
  );
  console.log(`  after its idle exit: ${rssOf(pid) ? 'still running' : 'gone (0 MB)'}`);
  console.log(
    `before (the model in the extension host): RSS ${fmt(beforeInProcess)} -> ${fmt(inProcess)} after loading it and one 512-token encode with q/k/v (+${(inProcess - beforeInProcess).toFixed(1)} MB)`,
  );
}

void main();
