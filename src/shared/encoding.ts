/**
 * What the encoder produces for one piece of text, in the shape the views draw.
 * Attention is flat `[layer][head][query][key]` in a Float32Array (cheap to post to a webview);
 * `attentionAt` reads it like bertviz's nested lists.
 */
export interface TokenInfo {
  /** the WordPiece token, e.g. `##ing` or `[CLS]` */
  text: string;
  /** character offsets into the encoded text; special tokens get an empty range at their position */
  start: number;
  end: number;
  segment: 0 | 1;
  special: boolean;
}

export interface EncodingPayload {
  /** the text that was encoded (the window of the selection) */
  text: string;
  /** where `text` starts in the request's text; token offsets are relative to the request's text */
  textOffset: number;
  source: 'selection' | 'line' | 'paragraph' | 'sample';
  /** set when the selection was longer than the model's window */
  window?: { index: number; count: number; tokensTotal: number };
  tokens: TokenInfo[];
  numLayers: number;
  numHeads: number;
  headDim: number;
  /** [layer][head][query][key], length L*H*T*T */
  attention: Float32Array;
  /** per layer [head][token][d_k], length L*H*T*dk; absent for a model that exposes only attention */
  q?: Float32Array;
  k?: Float32Array;
  v?: Float32Array;
  /** q/k/v were left out because the open view does not draw them (the model has them: ask again with them) */
  qkvOmitted?: true;
  modelName: string;
  /** a decoder's run: each token attends to itself and earlier tokens only (the attention above the diagonal is zero) */
  causal?: true;
  /** a decoder's next-token logits after the text ([vocab]), and its most likely tokens by name, most likely first */
  next?: { logits: Float32Array; top: { id: number; text: string }[] };
  /** the panel's side-by-side mode: the decoder's run of the same text, drawn beside this (the encoder's) */
  partner?: EncodingPayload;
}

export function attentionAt(
  p: Pick<EncodingPayload, 'attention' | 'numHeads' | 'tokens'>,
  layer: number,
  head: number,
  query: number,
  key: number,
): number {
  const t = p.tokens.length;
  return p.attention[((layer * p.numHeads + head) * t + query) * t + key];
}
