// The "which heads matter" ranking at 16, 64 and 128 tokens on the bundled model: one run with every head and
// one with each head switched off (head_mask), asking for mlm_logits as the lab does, timed as a whole.
//
//   node --import tsx bench/head-ranking.ts [--runs 20] [--lengths 16,64,128]
import { EncoderCore } from '../src/host/encoder/encoderCore';
import { loadRuntime } from '../src/host/encoder/runtime';
import { headMaskWithout } from '../src/shared/beyond/logitLens';
import { BUNDLED, option, sampleText, textOfLength } from './inputs';
import { timeRuns } from './measure';

async function main(): Promise<void> {
  const runtime = await loadRuntime();
  const core = await EncoderCore.load(BUNDLED, runtime);
  const { num_layers: L, num_heads: H } = core.config;
  const runs = Number(option('runs', '20'));
  console.log(
    `load average ${(await import('node:os'))
      .loadavg()
      .map((x) => x.toFixed(2))
      .join(' ')}; ${L} layers × ${H} heads, ${L * H + 1} runs per ranking`,
  );
  console.log('tokens  ranking p50 ms  p95 ms  per run p50 ms');
  for (const n of option('lengths', '16,64,128').split(',').map(Number)) {
    const text = textOfLength(core, sampleText(), n);
    const seq = core.buildSequence(core.tokenize(text).tokens);
    const ids = seq.map((t) => t.id);
    const segments = seq.map((t) => t.segment);
    const ranking = async () => {
      for (let i = -1; i < L * H; i++)
        await core.run(core.feeds(ids, segments, undefined, 1, { headMask: headMaskWithout(L, H, i < 0 ? [] : [i]) }), ['mlm_logits']);
    };
    const t = await timeRuns(ranking, runs, 2);
    console.log(
      `${String(ids.length).padStart(6)}  ${t.median.toFixed(1).padStart(14)}  ${t.p95.toFixed(1).padStart(6)}  ${(t.median / (L * H + 1)).toFixed(2).padStart(14)}`,
    );
  }
  await core.release();
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
