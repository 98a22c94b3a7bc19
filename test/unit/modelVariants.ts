import * as assert from 'node:assert';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { onnx } from 'onnx-proto';
import { ModelFormatError } from '../../src/host/encoder/attentionTap';
import type { ModelFiles } from '../../src/host/encoder/encoderCore';
import { BUNDLED } from './modelFiles';

/**
 * Copies of the committed model changed the way other exports differ from it, written to a temp
 * folder: made here from models/tiny-bert, so no extra model file is committed.
 */
export class ModelVariants {
  readonly dir = mkdtempSync(path.join(tmpdir(), 'tutor-models-'));
  private readonly bundledBytes = readFileSync(BUNDLED.modelPath);

  /** A tokenizer.json path in the temp folder (the bundled one, or the given JSON). */
  tokenizer(name = 'tokenizer.json', json?: unknown): string {
    const file = path.join(this.dir, name);
    writeFileSync(file, json === undefined ? readFileSync(BUNDLED.tokenizerPath) : JSON.stringify(json));
    return file;
  }

  /** Writes a model file; `edit` changes the decoded graph of the committed model. */
  model(name: string, edit: (m: onnx.ModelProto) => void): string {
    const m = onnx.ModelProto.decode(this.bundledBytes);
    edit(m);
    const file = path.join(this.dir, name);
    writeFileSync(file, onnx.ModelProto.encode(m).finish());
    return file;
  }

  bytes(name: string, bytes: Uint8Array): string {
    const file = path.join(this.dir, name);
    writeFileSync(file, bytes);
    return file;
  }

  files(modelPath: string, tokenizerPath = this.tokenizer()): ModelFiles {
    return { name: path.basename(modelPath), modelPath, tokenizerPath };
  }

  get bundled(): Uint8Array {
    return this.bundledBytes;
  }

  dispose(): void {
    rmSync(this.dir, { recursive: true, force: true });
  }
}

/** Renames a tensor everywhere in the graph (node inputs and outputs, graph inputs/outputs, value_info). */
export function renameTensor(g: onnx.IGraphProto, from: string, to: string): void {
  for (const n of g.node ?? []) {
    n.input = (n.input ?? []).map((x) => (x === from ? to : x));
    n.output = (n.output ?? []).map((x) => (x === from ? to : x));
  }
  for (const list of [g.input, g.output, g.valueInfo]) for (const v of list ?? []) if (v.name === from) v.name = to;
}

/**
 * Like a plain HuggingFace BERT export: no attn_N / q_N / k_N / v_N / mlm_logits / lens_logits outputs,
 * the attention Softmax outputs named after their node, and pos_scale, head_mask and lens_position
 * constants rather than inputs.
 */
export function plainExport(m: onnx.ModelProto): void {
  const g = m.graph!;
  g.output = (g.output ?? []).filter(
    (o) => !/^(attn|q|k|v)_\d+$/.test(o.name ?? '') && !['mlm_logits', 'lens_logits'].includes(o.name ?? ''),
  );
  // attn_N is the Softmax's output times the head mask: the Softmax output it comes from takes the layer's name
  const softmaxOut = new Set((g.node ?? []).filter((n) => n.opType === 'Softmax').map((n) => n.output?.[0]));
  for (const n of g.node ?? []) {
    const out = n.output?.[0] ?? '';
    if (!/^attn_\d+$/.test(out)) continue;
    const src = n.opType === 'Softmax' ? out : (n.input ?? []).find((i) => softmaxOut.has(i));
    if (src) renameTensor(g, src, `/encoder/layer.${out.slice(5)}/attention/Softmax_output_0`);
  }
  const config = JSON.parse(readFileSync(BUNDLED.configPath!, 'utf8'));
  const F = onnx.TensorProto.DataType;
  const constants = [
    onnx.TensorProto.create({ name: 'pos_scale', dataType: F.FLOAT, dims: [1], floatData: [1] }),
    onnx.TensorProto.create({
      name: 'head_mask',
      dataType: F.FLOAT,
      dims: [config.num_layers, config.num_heads],
      floatData: Array<number>(config.num_layers * config.num_heads).fill(1),
    }),
    onnx.TensorProto.create({ name: 'lens_position', dataType: F.INT64, dims: [1], int64Data: [0] }),
  ];
  const names = new Set(constants.map((c) => c.name));
  g.input = (g.input ?? []).filter((i) => !names.has(i.name ?? ''));
  g.initializer = [...(g.initializer ?? []), ...constants];
}

/** Rejects with a ModelFormatError whose message matches. */
export async function rejectsFormat(p: Promise<unknown>, message: RegExp): Promise<void> {
  await assert.rejects(p, (e: unknown) => {
    assert.ok(e instanceof ModelFormatError, `a ModelFormatError, not ${String(e)}`);
    assert.match(e.message, message);
    return true;
  });
}
