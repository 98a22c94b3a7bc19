// PyTorch eager in a child process (bench/torch_eager.py, Debian's /usr/bin/python3), on the weights of
// the bundled model.onnx and the token ids the caller gives: what a Python user would run.
import { spawnSync } from 'node:child_process';
import { rmSync, writeFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { ROOT } from './inputs';
import type { Timing } from './measure';

export interface TorchResult {
  torch: string;
  checkpoint: string;
  step: number;
  sameWeights: boolean;
  referenceMaxDiff: number;
  lengths: Record<string, { encoder: Timing; full: Timing }>;
  /** null when not asked for */
  matmulGflops: number | null;
  peakRssMB: number;
}

/** Times the encoder (no MLM head) and the full forward at each length; `matmul` adds a 1024³ MatMul's GFLOP/s. */
export function runTorch(inputs: Record<number, number[]>, runs: number, warmup: number, matmul = true): TorchResult | { skipped: string } {
  const spec = path.join(os.tmpdir(), `tutor-bench-${process.pid}.json`);
  writeFileSync(spec, JSON.stringify({ lengths: inputs, runs, warmup, matmul }));
  const env = { ...process.env, OPENBLAS_NUM_THREADS: '2', OMP_NUM_THREADS: '2', OMP_WAIT_POLICY: 'PASSIVE' };
  const r = spawnSync('/usr/bin/python3', [path.join(__dirname, 'torch_eager.py'), spec], {
    cwd: ROOT,
    env,
    encoding: 'utf8',
    timeout: 600_000,
  });
  rmSync(spec, { force: true });
  if (r.error) return { skipped: `/usr/bin/python3 did not run (${r.error.message})` };
  if (/No module named 'torch'/.test(r.stderr))
    return { skipped: 'PyTorch is not installed for /usr/bin/python3 (apt-get install python3-torch)' };
  try {
    return JSON.parse(r.stdout.trim().split('\n').pop() ?? '');
  } catch {
    return { skipped: `torch_eager.py failed: ${r.stderr.trim().split('\n').slice(-3).join(' ')}` };
  }
}
