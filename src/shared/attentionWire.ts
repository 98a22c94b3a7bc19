/**
 * How an encoding travels into the attention webview, where the transport is the slow part: in code-server
 * every message goes through a websocket that deflates it, and 16.8 MB of float32 attention at 512 tokens
 * took most of a second there. Two things make it smaller:
 * - 16-bit fixed point: a weight w goes as round(w · 65535), half the bytes and bytes that deflate well. It
 *   comes back within 1/131070 (7.6e-6), below the 3 decimals any view prints; a row of 512 weights still
 *   sums to 1 within 0.004. q/k/v, logits and everything else go as they are (the step-by-step view
 *   recomputes attention from q and k).
 * - the layer on show alone: a view of one layer is drawn from the first message; another layer follows
 *   when the panel shows it (`layersOfWire`), and the webview folds it in (`addLayers`). The model view and
 *   rollout draw every layer, so their first message has them all.
 * The encoder process packs (`toWire`); the host picks layers out of that for each message.
 */
import type { EncodingPayload } from './encoding';
import type { ViewKind } from './viewKind';

const SCALE = 65535;

/** An encoding as posted: the attention of `layers` only, in 16 bits; its partner (side by side) the same way. */
export type WirePayload = Omit<EncodingPayload, 'attention' | 'partner'> & {
  attention16: Uint16Array;
  layers: number[];
  partner?: WirePayload;
};

/** The layers a first message left out, for the same encoding (and its partner's). */
export interface WireLayers {
  layers: number[];
  attention16: Uint16Array;
  partner16?: Uint16Array;
}

const allLayers = (p: EncodingPayload) => Array.from({ length: p.numLayers }, (_, l) => l);

function pack(p: EncodingPayload, layers: number[]): Uint16Array {
  const size = p.numHeads * p.tokens.length * p.tokens.length;
  const out = new Uint16Array(layers.length * size);
  layers.forEach((l, i) => {
    const src = p.attention.subarray(l * size, (l + 1) * size);
    const o = i * size;
    for (let j = 0; j < size; j++) {
      // rounded by the store's truncation of w·65535 + 0.5; clamped, as a softmax's rounding can pass 0 or 1
      const w = src[j] * SCALE + 0.5;
      out[o + j] = w < 0 ? 0 : w > SCALE ? SCALE : w;
    }
  });
  return out;
}

/** The encoding with every layer's attention in 16 bits (the encoder process packs it so). */
export function toWire(p: EncodingPayload): WirePayload {
  const { attention, partner, ...rest } = p;
  void attention;
  const layers = allLayers(p);
  return { ...rest, attention16: pack(p, layers), layers, ...(partner ? { partner: toWire(partner) } : {}) };
}

/** Copies of some layers' 16-bit attention (each in a buffer of its own: a view would post its whole buffer). */
function pick(w: WirePayload, layers: readonly number[]): Uint16Array {
  const size = w.numHeads * w.tokens.length * w.tokens.length;
  const out = new Uint16Array(layers.length * size);
  layers.forEach((l, i) => {
    const at = w.layers.indexOf(l);
    if (at < 0) throw new Error(`layer ${l} is not in this encoding`);
    out.set(w.attention16.subarray(at * size, (at + 1) * size), i * size);
  });
  return out;
}

/** The first message's encoding: the attention of `layers` alone (default: all it has). */
export function firstOfWire(w: WirePayload, first?: readonly number[]): WirePayload {
  const layers = first ? first.filter((l) => w.layers.includes(l)) : w.layers;
  if (layers.length === w.layers.length) return w;
  return { ...w, attention16: pick(w, layers), layers: [...layers], ...(w.partner ? { partner: firstOfWire(w.partner, layers) } : {}) };
}

/** The layers asked for that the encoding has (undefined: none of them), to follow its first message. */
export function layersOfWire(w: WirePayload, wanted: readonly number[]): WireLayers | undefined {
  const layers = w.layers.filter((l) => wanted.includes(l));
  if (!layers.length) return undefined;
  return { layers, attention16: pick(w, layers), ...(w.partner ? { partner16: pick(w.partner, layers) } : {}) };
}

/** One layer of an encoding in float32, as a payload of one layer (the host's editor shading needs no more). */
export function layerOfWire(w: WirePayload, layer: number): EncodingPayload {
  const { attention16, layers, partner, ...rest } = w;
  void attention16;
  void layers;
  void partner;
  const one = pick(w, [layer]);
  const attention = new Float32Array(one.length);
  for (let i = 0; i < one.length; i++) attention[i] = one[i] / SCALE;
  return { ...rest, numLayers: 1, attention };
}

function unpackInto(target: Float32Array, size: number, layers: readonly number[], attention16: Uint16Array): void {
  const inv = 1 / SCALE;
  layers.forEach((l, i) => {
    const o = l * size;
    const s = i * size;
    for (let j = 0; j < size; j++) target[o + j] = attention16[s + j] * inv;
  });
}

/**
 * The encoding back in float32: every layer's place is there, the layers not yet sent are zeros, and
 * `missing` lists them.
 */
export function fromWire(w: WirePayload): { payload: EncodingPayload; missing: number[] } {
  const { attention16, layers, partner, ...rest } = w;
  const size = w.numHeads * w.tokens.length * w.tokens.length;
  const attention = new Float32Array(w.numLayers * size);
  unpackInto(attention, size, layers, attention16);
  const payload: EncodingPayload = { ...rest, attention, ...(partner ? { partner: fromWire(partner).payload } : {}) };
  return { payload, missing: Array.from({ length: w.numLayers }, (_, l) => l).filter((l) => !layers.includes(l)) };
}

/** Folds the layers that followed into the encoding they belong to, in place. */
export function addLayers(p: EncodingPayload, rest: WireLayers): void {
  const size = p.numHeads * p.tokens.length * p.tokens.length;
  const fits = rest.attention16.length === rest.layers.length * size && rest.layers.every((l) => l >= 0 && l < p.numLayers);
  if (!fits) throw new Error('the layers that followed do not fit the encoding on show');
  unpackInto(p.attention, size, rest.layers, rest.attention16);
  if (p.partner && rest.partner16) {
    const ps = p.partner.numHeads * p.partner.tokens.length * p.partner.tokens.length;
    unpackInto(p.partner.attention, ps, rest.layers, rest.partner16);
  }
}

/** The views that draw one layer at a time: their first message needs only that one. */
const ONE_LAYER_VIEWS: readonly ViewKind[] = ['head', 'matrix', 'step'];

/** The layers a view needs before it can draw: the one on show, or all of them (undefined). */
export function layersFirst(view: ViewKind, layer: number, numLayers: number): number[] | undefined {
  return ONE_LAYER_VIEWS.includes(view) ? [Math.max(0, Math.min(layer, numLayers - 1))] : undefined;
}

/** The largest difference the trip can make to one weight in [0, 1]. */
export const WIRE_TOLERANCE = 0.5 / SCALE;
