import { decodeModel, loadOnnxProto, ModelFormatError } from './onnxGraph';

export { ModelFormatError };

/**
 * Makes a BERT-family ONNX graph that has no attention outputs expose them: every Softmax whose
 * result feeds a MatMul (the weights times V) becomes a graph output, in graph order, one per layer.
 * The change is made in memory on the decoded protobuf; the file on disk is untouched.
 */
export interface TappedModel {
  bytes: Uint8Array;
  attentionOutputs: string[];
  inputNames: string[];
}

export async function tapAttention(bytes: Uint8Array): Promise<TappedModel> {
  const onnx = await loadOnnxProto();
  const model = decodeModel(onnx, bytes);
  const graph = model.graph;
  const initializers = new Set((graph.initializer ?? []).map((i) => i.name));
  const inputNames = (graph.input ?? []).map((i) => i.name ?? '').filter((n) => n && !initializers.has(n));
  const consumers = new Map<string, string[]>();
  for (const n of graph.node) for (const i of n.input ?? []) consumers.set(i, [...(consumers.get(i) ?? []), n.opType ?? '']);
  const softmaxOutputs = graph.node
    .filter((n) => n.opType === 'Softmax' && n.output?.length)
    .map((n) => n.output![0])
    .filter((out) => (consumers.get(out) ?? []).some((op) => op === 'MatMul' || op === 'Dropout' || op === 'Cast'));
  if (!softmaxOutputs.length) {
    const fused = graph.node.some((n) => n.opType === 'Attention' || n.opType === 'MultiHeadAttention');
    throw new ModelFormatError(
      fused
        ? 'its attention is fused into one Attention operator, so there is no Softmax to read the weights from; export it without attention fusion'
        : 'no attention Softmax was found (expected Softmax nodes whose output multiplies V)',
    );
  }
  const existing = new Set((graph.output ?? []).map((o) => o.name));
  for (const name of softmaxOutputs) {
    if (existing.has(name)) continue;
    graph.output!.push(onnx.ValueInfoProto.create({ name, type: { tensorType: { elemType: onnx.TensorProto.DataType.FLOAT } } }));
  }
  return { bytes: onnx.ModelProto.encode(model).finish(), attentionOutputs: softmaxOutputs, inputNames };
}
