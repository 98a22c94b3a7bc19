import type { EncodingPayload } from '../../shared/encoding';
import { checkDims } from '../../shared/shapeCheck';
import type { RunOutputs } from './graphRun';
import type { EncodeRequest, PreparedEncoding } from './textWindows';

/** What packing needs to know of the model that produced the outputs. */
export interface PackingModel {
  modelName: string;
  attentionOutputs: readonly string[];
  /** the model returns q_N/k_N/v_N */
  qkv: boolean;
  /** head size to report when q/k/v are not in the outputs */
  headDim: number;
}

/**
 * The payload the panel draws, from one window's run: shape-checks every output against the token
 * count before anything is copied, then lays each kind out as [layer][head][query][key] (or
 * [layer][head][token][dim]) in one buffer.
 */
export function packPayload(model: PackingModel, req: EncodeRequest, prepared: PreparedEncoding, out: RunOutputs): EncodingPayload {
  const { sequence: seq, content } = prepared;
  const t = seq.length;
  const names = model.attentionOutputs;
  const L = names.length;
  const firstDims = out[names[0]].dims;
  checkDims(names[0], firstDims, [1, null, t, t], 'attention');
  const H = firstDims[1];
  names.forEach((name) => checkDims(name, out[name].dims, [1, H, t, t], 'attention'));
  const attention = concatLayers(names.map((name) => out[name].data));
  let q: Float32Array | undefined, k: Float32Array | undefined, v: Float32Array | undefined;
  let headDim = model.headDim;
  const qkvAsked = model.qkv && 'q_0' in out;
  if (qkvAsked) {
    checkDims('q_0', out.q_0.dims, [1, H, t, null], 'perHead');
    headDim = out.q_0.dims[3];
    [q, k, v] = ['q', 'k', 'v'].map((p) => {
      const perLayer = names.map((_, l) => `${p}_${l}`);
      perLayer.forEach((name) => checkDims(name, out[name].dims, [1, H, t, headDim], 'perHead'));
      return concatLayers(perLayer.map((name) => out[name].data));
    });
  }
  const begin = content[0].span.start;
  const end = content[content.length - 1].span.end;
  return {
    text: req.text.slice(begin, end),
    textOffset: begin,
    source: req.source ?? 'selection',
    window: prepared.window,
    tokens: seq.map(({ text, start, end, segment, special }) => ({ text, start, end, segment, special })),
    numLayers: L,
    numHeads: H,
    headDim,
    attention,
    q,
    k,
    v,
    ...(model.qkv && !qkvAsked ? { qkvOmitted: true as const } : {}),
    modelName: model.modelName,
  };
}

/**
 * Equal-sized per-layer arrays as one flat array, layer after layer. When they already fill one buffer
 * that way (the view graph stacks them), that buffer is returned as it is, without a copy.
 */
export function concatLayers(parts: Float32Array[]): Float32Array {
  const size = parts[0]?.length ?? 0;
  const first = parts[0];
  // only when the layers fill their buffer exactly: the payload is posted whole, buffer and all
  const inPlace =
    first !== undefined &&
    first.byteOffset === 0 &&
    first.buffer.byteLength === size * parts.length * 4 &&
    parts.every((p, l) => p.buffer === first.buffer && p.length === size && p.byteOffset === l * size * 4);
  if (inPlace) return new Float32Array(first.buffer, 0, size * parts.length);
  const all = new Float32Array(size * parts.length);
  parts.forEach((p, l) => all.set(p, l * size));
  return all;
}
