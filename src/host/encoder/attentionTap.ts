import type { onnx as OnnxNs } from 'onnx-proto';
import { ModelFormatError, modelProblem } from '../../shared/modelProblem';
import { fusedAttentionProblem, inspectGraph } from './graphInspection';
import { decodeModel, loadOnnxProto, type Onnx } from './onnxGraph';

export { ModelFormatError };

/**
 * Makes a BERT-family ONNX graph that has no attention outputs expose them: every Softmax whose
 * result feeds the product with V (a MatMul, or ONNX Runtime's FusedMatMul, maybe behind a head mask, a Dropout or
 * a Cast) becomes a graph output, in graph order, one per layer. The change is made in memory on the
 * decoded protobuf; the file on disk is untouched.
 */
export interface TappedModel {
  bytes: Uint8Array;
  attentionOutputs: string[];
  inputNames: string[];
}

export async function tapAttention(bytes: Uint8Array): Promise<TappedModel> {
  const onnx = await loadOnnxProto();
  return tapDecoded(onnx, decodeModel(onnx, bytes));
}

/** What multiplies the weights by V, and what may stand between: a Dropout, a Cast, a head mask's Mul. */
const TIMES_V = /MatMul$|^Einsum$/;
const ON_THE_WAY = /^Dropout$|^Cast$|^Mul$/;

/** tapAttention on a model already decoded (the loader decodes once, to inspect and to tap). */
export function tapDecoded(onnx: Onnx, model: OnnxNs.ModelProto & { graph: OnnxNs.GraphProto }): TappedModel {
  const graph = model.graph;
  const initializers = new Set((graph.initializer ?? []).map((i) => i.name));
  const inputNames = (graph.input ?? []).map((i) => i.name ?? '').filter((n) => n && !initializers.has(n));
  // fused attention first: a graph may keep some Softmax elsewhere that is not a layer's attention
  const { fusedAttention } = inspectGraph(graph, '');
  if (fusedAttention.length) throw new ModelFormatError(fusedAttentionProblem(fusedAttention));
  const consumers = new Map<string, OnnxNs.INodeProto[]>();
  for (const n of graph.node) for (const i of n.input ?? []) consumers.set(i, [...(consumers.get(i) ?? []), n]);
  const reachesV = (value: string, hops: number): boolean =>
    (consumers.get(value) ?? []).some(
      (n) =>
        TIMES_V.test(n.opType ?? '') || (hops > 0 && ON_THE_WAY.test(n.opType ?? '') && !!n.output?.[0] && reachesV(n.output[0], hops - 1)),
    );
  const softmaxOutputs = graph.node
    .filter((n) => n.opType === 'Softmax' && n.output?.length)
    .map((n) => n.output![0])
    .filter((out) => reachesV(out, 2));
  if (!softmaxOutputs.length) {
    throw new ModelFormatError(modelProblem('noSoftmax'));
  }
  const existing = new Set((graph.output ?? []).map((o) => o.name));
  for (const name of softmaxOutputs) {
    if (existing.has(name)) continue;
    graph.output!.push(onnx.ValueInfoProto.create({ name, type: { tensorType: { elemType: onnx.TensorProto.DataType.FLOAT } } }));
  }
  return { bytes: onnx.ModelProto.encode(model).finish(), attentionOutputs: softmaxOutputs, inputNames };
}
