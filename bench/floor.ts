import { onnx } from 'onnx-proto';
import type { Ort } from '../src/host/encoder/runtime';
import type { ModelConfig } from '../src/shared/modelConfig';
import { timeRuns } from './measure';

/**
 * The arithmetic floor: the model's matrix-multiply FLOPs at a length, over this machine's measured
 * matmul throughput. A multiply-add counts as 2 FLOPs; softmax, LayerNorm, GELU and the embedding
 * lookups are left out (they are memory-bound and small next to the matmuls).
 */
export function modelFlops(
  c: Pick<ModelConfig, 'num_layers' | 'hidden_size' | 'vocab_size'> & { intermediate_size: number },
  tokens: number,
  withHeads: boolean,
): number {
  const [T, d, ff] = [tokens, c.hidden_size, c.intermediate_size];
  const perLayer =
    3 * 2 * T * d * d + // Q, K, V projections
    2 * T * d * d + // output projection
    2 * T * T * d + // Q·Kᵀ over all heads
    2 * T * T * d + // weights·V over all heads
    2 * 2 * T * d * ff; // the FFN's two matmuls
  let flops = c.num_layers * perLayer;
  // MLM head (dense + tied decoder over the vocabulary) and the NSP pooler on [CLS]
  if (withHeads) flops += 2 * T * d * d + 2 * T * d * c.vocab_size + 2 * d * d + 2 * d * 2;
  return flops;
}

/** A graph of one n×n MatMul, built in memory. */
function matmulModel(n: number): Uint8Array {
  const square = { tensorType: { elemType: onnx.TensorProto.DataType.FLOAT, shape: { dim: [{ dimValue: n }, { dimValue: n }] } } };
  const graph = onnx.GraphProto.create({
    name: 'matmul',
    node: [onnx.NodeProto.create({ opType: 'MatMul', input: ['a', 'b'], output: ['c'] })],
    input: [onnx.ValueInfoProto.create({ name: 'a', type: square }), onnx.ValueInfoProto.create({ name: 'b', type: square })],
    output: [onnx.ValueInfoProto.create({ name: 'c', type: square })],
  });
  return onnx.ModelProto.encode(onnx.ModelProto.create({ irVersion: 8, opsetImport: [{ domain: '', version: 17 }], graph })).finish();
}

/** GFLOP/s of ONNX Runtime on an n³ matmul, with the encoder's thread settings. */
export async function ortMatmulGflops(ort: Ort, n = 1024, runs = 20): Promise<{ gflops: number; medianMillis: number }> {
  const session = await ort.InferenceSession.create(matmulModel(n), {
    intraOpNumThreads: 2,
    interOpNumThreads: 1,
    graphOptimizationLevel: 'all',
  });
  try {
    const rand = () => Float32Array.from({ length: n * n }, () => Math.random() - 0.5);
    const feeds = { a: new ort.Tensor('float32', rand(), [n, n]), b: new ort.Tensor('float32', rand(), [n, n]) };
    const t = await timeRuns(() => session.run(feeds), runs, 3);
    return { gflops: (2 * n ** 3) / (t.median / 1e3) / 1e9, medianMillis: t.median };
  } finally {
    await session.release();
  }
}
