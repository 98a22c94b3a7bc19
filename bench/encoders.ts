/**
 * The encoders an A/B benchmark compares, from its command line: `--checkout DIR` (this checkout against
 * another one, e.g. an earlier commit from `git worktree add`, its node_modules linked to this one's)
 * or `--models A.onnx B.onnx [C.onnx …]` (exports of the model, with the bundled tokenizer and config).
 */
import * as path from 'node:path';
import { EncoderCore } from '../src/host/encoder/encoderCore';
import { loadRuntime } from '../src/host/encoder/runtime';
import { BUNDLED, option } from './inputs';

export async function encodersToCompare(usage: string): Promise<Record<string, EncoderCore>> {
  const checkout = option('checkout', '');
  const models = process.argv.indexOf('--models');
  if (checkout) {
    const other = (await import(
      path.resolve(checkout, 'src/host/encoder/encoderCore.ts')
    )) as typeof import('../src/host/encoder/encoderCore');
    const otherRuntime = (await import(
      path.resolve(checkout, 'src/host/encoder/runtime.ts')
    )) as typeof import('../src/host/encoder/runtime');
    return {
      'this checkout': await EncoderCore.load(BUNDLED, await loadRuntime()),
      [checkout]: await other.EncoderCore.load(BUNDLED, await otherRuntime.loadRuntime()),
    };
  }
  const rest = models > 0 ? process.argv.slice(models + 1) : [];
  const end = rest.findIndex((x) => x.startsWith('--'));
  const files = end < 0 ? rest : rest.slice(0, end);
  if (files.length < 2) throw new Error(`usage: ${usage} (--checkout DIR | --models A.onnx B.onnx [C.onnx …]) [options]`);
  const rt = await loadRuntime();
  const cores: Record<string, EncoderCore> = {};
  for (const f of files) cores[f] = await EncoderCore.load({ ...BUNDLED, modelPath: f }, rt);
  return cores;
}
