import type { onnx as OnnxNs } from 'onnx-proto';
import { type ModelProblem, modelProblem } from '../../shared/modelProblem';

/**
 * What the loader reads off a decoded graph before running it: attention fused into single operators
 * (whose weights never leave the node, so nothing can be drawn), and the size of the token embedding
 * table (to compare with the tokenizer's vocabulary).
 */
export interface GraphFacts {
  /** one entry per kind of fused attention node, e.g. { opType: 'Attention', domain: 'com.microsoft', count: 12 } */
  fusedAttention: { opType: string; domain: string; count: number }[];
  /** rows of the table the token ids index, where it could be found */
  embeddingRows?: number;
}

/**
 * Operators that compute attention whole: ONNX Runtime's contrib ops (Attention, MultiHeadAttention,
 * GroupQueryAttention, PackedAttention, QAttention, DecoderMaskedMultiHeadAttention, …), the ONNX
 * Attention of opset 23, and any custom domain's: recognised by the name whatever domain they are in,
 * since exports declare their opset imports loosely.
 */
const FUSED_ATTENTION = /Attention$/;

/** Ops a token id passes through unchanged on its way to the embedding lookup. */
const ID_PASSTHROUGH = new Set(['Cast', 'Reshape', 'Unsqueeze', 'Squeeze', 'Flatten', 'Identity']);

export function inspectGraph(graph: OnnxNs.IGraphProto, idsInput: string): GraphFacts {
  const nodes = graph.node ?? [];
  const fused = new Map<string, { opType: string; domain: string; count: number }>();
  for (const n of nodes) {
    const opType = n.opType ?? '';
    if (!FUSED_ATTENTION.test(opType)) continue;
    const domain = n.domain || 'ai.onnx';
    const key = `${domain}/${opType}`;
    const entry = fused.get(key) ?? { opType, domain, count: 0 };
    entry.count++;
    fused.set(key, entry);
  }
  return { fusedAttention: [...fused.values()], embeddingRows: embeddingRows(graph, idsInput) };
}

/** Rows of the first rank-2 table gathered by the token ids (or by ids cast or reshaped on the way). */
function embeddingRows(graph: OnnxNs.IGraphProto, idsInput: string): number | undefined {
  const nodes = graph.node ?? [];
  const tables = new Map<string, readonly (number | Long)[]>();
  for (const t of graph.initializer ?? []) if (t.name && t.dims?.length === 2) tables.set(t.name, t.dims as (number | Long)[]);
  for (const n of nodes) {
    const value = n.opType === 'Constant' ? n.attribute?.find((a) => a.name === 'value')?.t : undefined;
    if (value?.dims?.length === 2 && n.output?.[0]) tables.set(n.output[0], value.dims as (number | Long)[]);
  }
  const ids = new Set([idsInput]);
  for (const n of nodes) {
    const inputs = n.input ?? [];
    if (ID_PASSTHROUGH.has(n.opType ?? '') && ids.has(inputs[0])) for (const o of n.output ?? []) ids.add(o);
    // Gather(table, ids); ONNX Runtime's EmbedLayerNormalization(ids, segments, word table, …)
    const table =
      n.opType === 'Gather' && ids.has(inputs[1])
        ? inputs[0]
        : n.opType === 'EmbedLayerNormalization' && ids.has(inputs[0])
          ? inputs[2]
          : undefined;
    const dims = table ? tables.get(table) : undefined;
    if (dims) return toNumber(dims[0]);
  }
  return undefined;
}

/** protobufjs decodes int64 as a Long object where the long library is present */
type Long = { toNumber(): number };

function toNumber(x: number | Long): number {
  return typeof x === 'number' ? x : x.toNumber();
}

/**
 * Why the tokenizer does not fit the model's embedding table, or undefined when it does. A table a few
 * rows larger than the vocabulary is common (padded to a multiple of 8 or 64, or with room for added
 * tokens); one smaller would be indexed past its end; one much larger belongs to another tokenizer.
 */
export function vocabularyMismatch(tokenizerSize: number, rows: number): ModelProblem | undefined {
  const fmt = (n: number) => n.toLocaleString('en-US');
  if (tokenizerSize > rows) return modelProblem('vocabularyTooLarge', fmt(tokenizerSize), fmt(rows));
  if (rows - tokenizerSize > Math.max(128, Math.ceil(rows * 0.01))) return modelProblem('vocabularyForeign', fmt(tokenizerSize), fmt(rows));
  return undefined;
}

/** In words, for a refusal: what fused attention was found and what export would work. */
export function fusedAttentionProblem(fused: GraphFacts['fusedAttention']): ModelProblem {
  // operator names stay English in every language: they are what the export tools print
  const found = fused.map((f) => `${f.count} ${f.domain} ${f.opType} node${f.count === 1 ? '' : 's'}`).join(' and ');
  return modelProblem('fusedAttention', found);
}
