/** What every benchmark script shares: the bundled model's files, the sample text, command-line options. */
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import type { EncoderCore } from '../src/host/encoder/encoderCore';

export const ROOT = path.resolve(__dirname, '..');
const MODEL_DIR = path.join(ROOT, 'models', 'tiny-bert');
export const BUNDLED = {
  name: 'tiny-bert',
  modelPath: path.join(MODEL_DIR, 'model.onnx'),
  tokenizerPath: path.join(MODEL_DIR, 'tokenizer.json'),
  configPath: path.join(MODEL_DIR, 'config.json'),
};

/** `--name value` from the command line, or the fallback. */
export function option(name: string, fallback: string): string {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 && process.argv[i + 1] ? process.argv[i + 1] : fallback;
}

/** The same text for every runtime: the repository's samples as one segment (no blank lines). */
export function sampleText(): string {
  const files = ['attention.md', 'transformer.py', 'tokenizer.ts'].map((f) => readFileSync(path.join(ROOT, 'sample', f), 'utf8'));
  return files.join('\n').replace(/\n[ \t]*(\r?\n[ \t]*)+/g, '\n');
}

/** A prefix of the text that tokenises to exactly `n - 2` content tokens ([CLS] and [SEP] make n). */
export function textOfLength(core: EncoderCore, text: string, n: number): string {
  const all = core.tokenize(text).tokens;
  for (let k = n - 2; k > 0; k--) {
    const prefix = text.slice(0, all[k - 1].span.end);
    if (core.tokenize(prefix).tokens.length === n - 2) return prefix;
  }
  throw new Error(`no prefix of the sample text has ${n - 2} tokens`);
}
