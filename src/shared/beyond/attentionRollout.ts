/**
 * How much each input token reaches a token after layer 1, 2, …: attention rollout and attention flow
 * (Abnar & Zuidema 2020). Both treat a layer as its head-averaged attention plus the residual connection,
 * Â = 0.5·A + 0.5·I, and ignore what the value vectors and the FFN do to the information: they are an
 * approximation of how tokens mix, not an explanation of the prediction.
 * `attention` is flat [layer][head][query][key] over `t` tokens.
 */

/** Â per layer, flat [layer][query][key]. */
export function residualAttention(attention: Float32Array, layers: number, heads: number, t: number): Float64Array {
  const out = new Float64Array(layers * t * t);
  for (let l = 0; l < layers; l++) {
    for (let h = 0; h < heads; h++) {
      const src = (l * heads + h) * t * t;
      for (let i = 0; i < t * t; i++) out[l * t * t + i] += (0.5 * attention[src + i]) / heads;
    }
    for (let i = 0; i < t; i++) out[l * t * t + i * t + i] += 0.5;
  }
  return out;
}

/**
 * Rollout: R₁ = Â₁, R_l = Â_l · R_{l−1}. Row q of R_l says how much of token q's state after layer l traces
 * back to each input token; each row sums to 1. Flat [layer][query][input].
 */
export function attentionRollout(attention: Float32Array, layers: number, heads: number, t: number): Float64Array {
  const a = residualAttention(attention, layers, heads, t);
  const out = new Float64Array(layers * t * t);
  out.set(a.subarray(0, t * t));
  for (let l = 1; l < layers; l++) {
    const prev = out.subarray((l - 1) * t * t, l * t * t);
    const cur = a.subarray(l * t * t, (l + 1) * t * t);
    const res = out.subarray(l * t * t, (l + 1) * t * t);
    for (let q = 0; q < t; q++) {
      for (let m = 0; m < t; m++) {
        const w = cur[q * t + m];
        if (w === 0) continue;
        for (let k = 0; k < t; k++) res[q * t + k] += w * prev[m * t + k];
      }
    }
  }
  return out;
}

/**
 * Rollout's rows for one token alone: row `query` of R_l for every layer, flat [layer][input], equal to
 * attentionRollout's. Row q of R_l = e_q · Â_l · Â_{l−1} ⋯ Â₁, a chain of vector × matrix products: L(L+1)/2 of
 * them, t² each, where the whole rollout costs L − 1 matrix products of t³ (at 512 tokens, 2.6 M
 * multiply-adds against 400 M: what a view that follows one token needs).
 */
export function rolloutRows(attention: Float32Array, layers: number, heads: number, t: number, query: number): Float64Array {
  const a = residualAttention(attention, layers, heads, t);
  const out = new Float64Array(layers * t);
  let v = new Float64Array(t);
  let next = new Float64Array(t);
  for (let l = 0; l < layers; l++) {
    v.fill(0);
    v[query] = 1;
    for (let j = l; j >= 0; j--) {
      const m = a.subarray(j * t * t, (j + 1) * t * t);
      next.fill(0);
      for (let r = 0; r < t; r++) {
        const w = v[r];
        if (w === 0) continue;
        const row = r * t;
        for (let k = 0; k < t; k++) next[k] += w * m[row + k];
      }
      [v, next] = [next, v];
    }
    out.set(v, l * t);
  }
  return out;
}

/**
 * Attention flow for one token: the maximum flow from `query` after layer `layer` (0-based) down to each
 * input token, through the layered graph whose edge capacities are Â. Costs a max-flow per input token, so
 * a view offers it for short inputs only. Returns one value per input token.
 */
export function attentionFlow(
  attention: Float32Array,
  layers: number,
  heads: number,
  t: number,
  layer: number,
  query: number,
): Float64Array {
  const a = residualAttention(attention, layers, heads, t);
  const out = new Float64Array(t);
  for (let input = 0; input < t; input++) out[input] = maxFlow(a, t, layer, query, input);
  return out;
}

/**
 * Edmonds–Karp on the layered graph: node (l, i) is token i after layer l (l = 0: the input), and an edge
 * (l, i) → (l−1, j) carries Â_l[i][j]. Source: (layer + 1, query); sink: (0, input).
 */
function maxFlow(a: Float64Array, t: number, layer: number, query: number, input: number): number {
  const levels = layer + 2; // inputs + layers 1..layer+1
  const n = levels * t;
  const cap = new Float64Array(n * n);
  for (let l = 1; l < levels; l++) {
    for (let i = 0; i < t; i++) {
      for (let j = 0; j < t; j++) cap[(l * t + i) * n + (l - 1) * t + j] = a[(l - 1) * t * t + i * t + j];
    }
  }
  const source = (levels - 1) * t + query;
  const sink = input;
  let flow = 0;
  const parent = new Int32Array(n);
  for (;;) {
    parent.fill(-1);
    parent[source] = source;
    const queue = [source];
    for (let head = 0; head < queue.length && parent[sink] < 0; head++) {
      const u = queue[head];
      for (let v = 0; v < n; v++) {
        if (parent[v] < 0 && cap[u * n + v] > 1e-12) {
          parent[v] = u;
          queue.push(v);
        }
      }
    }
    if (parent[sink] < 0) return flow;
    let push = Infinity;
    for (let v = sink; v !== source; v = parent[v]) push = Math.min(push, cap[parent[v] * n + v]);
    for (let v = sink; v !== source; v = parent[v]) {
      cap[parent[v] * n + v] -= push;
      cap[v * n + parent[v]] += push;
    }
    flow += push;
  }
}
