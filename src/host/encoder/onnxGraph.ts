import type { onnx as OnnxNs } from 'onnx-proto';
import { ModelFormatError, modelProblem } from '../../shared/modelProblem';

/**
 * Decoding and re-encoding an ONNX model in memory, for the changes the encoder makes to a graph
 * before ONNX Runtime sees it. The file on disk is never touched. `onnx-proto` is imported on first
 * use, so activating the extension loads none of it.
 */
export { ModelFormatError };

export type Onnx = typeof OnnxNs;

export async function loadOnnxProto(): Promise<Onnx> {
  const mod = await import('onnx-proto');
  // Node's ESM loader sees this CommonJS package only as a default export; a bundle sees `onnx` too
  return mod.onnx ?? (mod as unknown as { default: typeof mod }).default.onnx;
}

export function decodeModel(onnx: Onnx, bytes: Uint8Array): OnnxNs.ModelProto & { graph: OnnxNs.GraphProto } {
  let model: OnnxNs.ModelProto;
  try {
    model = onnx.ModelProto.decode(bytes);
  } catch (err) {
    throw new ModelFormatError(modelProblem('notOnnx', err instanceof Error ? err.message : String(err)));
  }
  if (!model.graph || !model.graph.node?.length) throw new ModelFormatError(modelProblem('noGraph'));
  return model as OnnxNs.ModelProto & { graph: OnnxNs.GraphProto };
}

/**
 * The same model with only the named graph outputs and the nodes they depend on. ONNX Runtime runs
 * every node of a graph on each run, whichever outputs are fetched, and keeps nodes whose results
 * nobody reads (its profiler shows the 8k-vocabulary MLM projection running when only attention is
 * asked for). Pruning here means the attention view never pays for the MLM head. `stacks` then join
 * kept outputs into one each (see OutputStack).
 */
export async function restrictOutputs(
  bytes: Uint8Array,
  keep: readonly string[],
  stacks: readonly OutputStack[] = [],
): Promise<Uint8Array> {
  const onnx = await loadOnnxProto();
  const model = decodeModel(onnx, bytes);
  const graph = model.graph;
  const wanted = new Set(keep);
  const present = new Set((graph.output ?? []).map((o) => o.name ?? ''));
  const missing = keep.filter((n) => !present.has(n));
  if (missing.length) throw new ModelFormatError(modelProblem('missingOutputs', missing.join(', ')));
  graph.output = (graph.output ?? []).filter((o) => wanted.has(o.name ?? ''));
  // a node with a subgraph (If, Loop, Scan) may read outer names implicitly: leave such graphs whole
  const hasSubgraphs = graph.node.some((n) => (n.attribute ?? []).some((a) => a.g || a.graphs?.length));
  if (!hasSubgraphs) {
    // ONNX stores nodes in topological order, so one backward pass finds everything the outputs need
    const needed = new Set(keep);
    const kept: typeof graph.node = [];
    for (let i = graph.node.length - 1; i >= 0; i--) {
      const node = graph.node[i];
      if (!(node.output ?? []).some((o) => needed.has(o))) continue;
      kept.push(node);
      for (const input of node.input ?? []) if (input) needed.add(input);
    }
    graph.node = kept.reverse();
    graph.initializer = (graph.initializer ?? []).filter((t) => needed.has(t.name ?? ''));
    graph.valueInfo = (graph.valueInfo ?? []).filter((v) => needed.has(v.name ?? ''));
    // graph.input stays as it is: callers feed every declared input whether or not it is still used
  }
  for (const { name, parts } of stacks) {
    const first = graph.output.find((o) => o.name === parts[0]);
    if (!first || parts.some((p) => !wanted.has(p))) throw new ModelFormatError(modelProblem('cannotStack', name, parts.join(', ')));
    if ((graph.node ?? []).some((n) => n.output?.includes(name)) || present.has(name))
      throw new ModelFormatError(modelProblem('stackNameTaken', name));
    graph.node.push(
      onnx.NodeProto.create({
        name: `${name}/Concat`,
        opType: 'Concat',
        input: [...parts],
        output: [name],
        attribute: [onnx.AttributeProto.create({ name: 'axis', type: onnx.AttributeProto.AttributeType.INT, i: 0 })],
      }),
    );
    // element type only: the stacked first axis is parts × batch, which the parts' shapes do not say
    const elemType = first.type?.tensorType?.elemType ?? onnx.TensorProto.DataType.FLOAT;
    graph.output = graph.output.filter((o) => !parts.includes(o.name ?? ''));
    graph.output.push(
      onnx.ValueInfoProto.create({ name, type: onnx.TypeProto.create({ tensorType: onnx.TypeProto.Tensor.create({ elemType }) }) }),
    );
  }
  return onnx.ModelProto.encode(model).finish();
}

/**
 * Graph outputs of equal shape joined into one, along the first axis: ONNX Runtime writes them into one
 * buffer, which the binding copies out once, so per-layer outputs arrive laid out layer after layer
 * as the payload holds them, with no second copy in JavaScript.
 */
export interface OutputStack {
  name: string;
  parts: readonly string[];
}
