// The ONNX Runtime paths the ratios compare, each run the way encode() runs it between tokenising and
// shape-checking: a cut of the view graph, its outputs packed one flat array per kind.
import { concatLayers, type EncoderCore } from '../src/host/encoder/encoderCore';

type Feeds = ReturnType<EncoderCore['feeds']>;

function packed(core: EncoderCore, feeds: Feeds, kinds: string[], outputs: string[]): () => Promise<Float32Array[]> {
  return async () => {
    const o = await core.run(feeds, outputs);
    return kinds.map((p) => concatLayers(core.attentionOutputs.map((_, l) => o[`${p}_${l}`].data)));
  };
}

/** view: the head, matrix and model views (attention alone); stepView: the step view (attention and q/k/v). */
export function viewPaths(core: EncoderCore, feeds: Feeds): { view: () => Promise<unknown>; stepView: () => Promise<unknown> } {
  return {
    view: packed(core, feeds, ['attn'], core.attentionOutputs),
    stepView: packed(core, feeds, ['attn', 'q', 'k', 'v'], core.encodeOutputs),
  };
}
