// PyTorch against ONNX Runtime, interleaved: rounds alternate a block of ORT runs with a PyTorch child
// process timing the same lengths, so a change in machine load (steal time on a shared host moved a whole
// phase of `npm run bench` by up to 1.6x) lands on both sides of each round's ratio alike. Each round
// gives one PyTorch ÷ ORT ratio per path and length; the figure is the median over rounds. Rounds
// alternate which side runs first, and the order of the ORT paths rotates.
//   npm run bench:torch-ab [-- --rounds 8 --runs 15 --lengths 16,64,128,256,512]
// The last line is one JSON object with every round's medians and the ratios.
import { readFileSync } from 'node:fs';
import * as os from 'node:os';
import { EncoderCore } from '../src/host/encoder/encoderCore';
import { loadRuntime } from '../src/host/encoder/runtime';
import { BUNDLED, option, sampleText, textOfLength } from './inputs';
import { summarize, timeRuns } from './measure';
import { runTorch, type TorchResult } from './torchChild';
import { viewPaths } from './viewPaths';

const ROUNDS = Number(option('rounds', '8'));
const RUNS = Number(option('runs', '15'));
const WARMUP = 3;
const LENGTHS = option('lengths', '16,64,128,256,512').split(',').map(Number);

type Path = 'view' | 'stepView' | 'all';
/** which PyTorch timing each ORT path is compared with */
const TORCH_OF: Record<Path, 'encoder' | 'full'> = { view: 'encoder', stepView: 'encoder', all: 'full' };

async function main(): Promise<void> {
  const core = await EncoderCore.load(BUNDLED, await loadRuntime());
  // every output of the graph, the MLM head's logits included (what "torch full" computes)
  const allOutputs: string[] = JSON.parse(readFileSync(BUNDLED.configPath, 'utf8')).outputs;
  const text = sampleText();
  const lengths = LENGTHS.filter((n) => n >= 3 && n <= core.maxTokens);
  const ids: Record<number, number[]> = {};
  const runners: Record<number, Record<Path, () => Promise<unknown>>> = {};
  for (const n of lengths) {
    ids[n] = core.prepare({ text: textOfLength(core, text, n) }).ids;
    const feeds = core.feeds(
      ids[n],
      ids[n].map(() => 0),
    );
    runners[n] = { ...viewPaths(core, feeds), all: () => core.run(feeds, allOutputs) };
  }
  console.log(
    `PyTorch vs ORT, interleaved: ${ROUNDS} rounds of ${RUNS} runs per path and length; ${os.cpus().length} CPUs (${os.cpus()[0]?.model}), ` +
      `load average ${os
        .loadavg()
        .map((x) => x.toFixed(2))
        .join(' ')}`,
  );
  const rounds: { ort: Record<number, Record<Path, number>>; torch: TorchResult['lengths'] }[] = [];
  for (let r = 0; r < ROUNDS; r++) {
    const ort: Record<number, Record<Path, number>> = {};
    const paths = Object.keys(TORCH_OF) as Path[];
    const timeOrt = async () => {
      for (const n of lengths) {
        ort[n] = {} as Record<Path, number>;
        // each round starts with the next path, so none is always the one run right after PyTorch
        for (let j = 0; j < paths.length; j++) {
          const p = paths[(r + j) % paths.length];
          ort[n][p] = (await timeRuns(runners[n][p], RUNS, WARMUP)).median;
        }
      }
    };
    // ORT first in even rounds, PyTorch first in odd ones: whatever a burst of work leaves behind on
    // a shared host (busy cores, a spent CPU quota) then falls on each side in turn
    if (r % 2 === 0) await timeOrt();
    const torch = runTorch(ids, RUNS, WARMUP, false);
    if (r % 2 === 1) await timeOrt();
    if ('skipped' in torch) {
      console.log(`PyTorch skipped: ${torch.skipped}`);
      await core.release();
      return;
    }
    if (!torch.sameWeights) throw new Error(`PyTorch did not load the weights of model.onnx (${torch.checkpoint})`);
    rounds.push({ ort, torch: torch.lengths });
    process.stdout.write(`  round ${r + 1}/${ROUNDS} done\n`);
  }
  const ratios: Record<number, Record<Path, { median: number; min: number; max: number }>> = {};
  console.log('\nPyTorch ÷ ORT, median over rounds (min–max); ORT and PyTorch medians in ms, median over rounds');
  for (const n of lengths) {
    ratios[n] = {} as Record<Path, { median: number; min: number; max: number }>;
    const cells: string[] = [];
    for (const p of Object.keys(TORCH_OF) as Path[]) {
      const each = rounds.map((x) => x.torch[n][TORCH_OF[p]].median / x.ort[n][p]);
      ratios[n][p] = { median: summarize(each).median, min: Math.min(...each), max: Math.max(...each) };
      const ortMs = summarize(rounds.map((x) => x.ort[n][p])).median;
      const torchMs = summarize(rounds.map((x) => x.torch[n][TORCH_OF[p]].median)).median;
      cells.push(
        `${p} ${ratios[n][p].median.toFixed(2)}× (${ratios[n][p].min.toFixed(2)}–${ratios[n][p].max.toFixed(2)}; ${ortMs.toFixed(2)} vs ${torchMs.toFixed(2)})`,
      );
    }
    console.log(`  ${String(n).padStart(3)} tokens: ${cells.join('  ')}`);
  }
  console.log(JSON.stringify({ rounds: ROUNDS, runs: RUNS, lengths, ratios, perRound: rounds }));
  await core.release();
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
