/**
 * The messages between the extension host and the encoder process, which tokenises, windows, runs and
 * packs so that the extension host's thread never waits on ONNX Runtime and a native crash takes down
 * only that process. One discriminated union per direction, each side switching over `type`.
 */
import type { EncodingPayload } from './encoding';

/** One text to encode: what the attention panel asks for. */
export interface EncodeInput {
  text: string;
  origin?: { line: number; character: number };
  source?: EncodingPayload['source'];
  /** which window of a long text; clamped */
  window?: number;
  /**
   * Queries, keys and values too (default: yes, where the model has them). The head, matrix and model
   * views draw attention alone, so following a selection leaves them out; the step view asks for them.
   */
  qkv?: boolean;
}

export interface ModelFileSet {
  name: string;
  modelPath: string;
  tokenizerPath: string;
  configPath?: string;
}

/** Which model to encode with: the user's, falling back to the bundled one when it is refused. */
export interface ModelChoice {
  bundled: ModelFileSet;
  custom?: ModelFileSet;
  /** run on onnxruntime-web's WASM backend even where the native runtime loads */
  wasm: boolean;
}

/** host → encoder process */
export type ToEncoder =
  | { type: 'encode'; id: number; model: ModelChoice; input: EncodeInput }
  /** test hooks, honoured only in a process started with them enabled */
  | { type: 'testCrash' }
  | { type: 'testHang'; ms: number };

export type EncodeFailureKind = 'input' | 'model' | 'other';

/** encoder process → host */
export type FromEncoder =
  /** the model is loaded and the request's run begins: from here the run's time limit counts */
  | { type: 'started'; id: number }
  | { type: 'encoded'; id: number; payload: EncodingPayload }
  | { type: 'failed'; id: number; kind: EncodeFailureKind; message: string }
  /** a model was loaded (once per model choice), with what it could not use on the way */
  | { type: 'loaded'; model: string; provider: string; loadMillis: number; runtimeFallback?: string; customRefused?: string };

/** A message from the encoder process, checked at the boundary: anything else is a ProtocolError. */
export function parseFromEncoder(raw: unknown): FromEncoder {
  if (typeof raw !== 'object' || raw === null) throw new EncoderProtocolError('a message that is not an object');
  const m = raw as Record<string, unknown>;
  const id = () => {
    if (!Number.isInteger(m.id)) throw new EncoderProtocolError(`${String(m.type)} without a request id`);
    return m.id as number;
  };
  switch (m.type) {
    case 'started':
      return { type: 'started', id: id() };
    case 'encoded':
      if (typeof m.payload !== 'object' || m.payload === null || !((m.payload as EncodingPayload).attention instanceof Float32Array)) {
        throw new EncoderProtocolError('encoded without a payload whose attention is a Float32Array');
      }
      return { type: 'encoded', id: id(), payload: m.payload as EncodingPayload };
    case 'failed': {
      const kind = m.kind === 'input' || m.kind === 'model' ? m.kind : 'other';
      return { type: 'failed', id: id(), kind, message: typeof m.message === 'string' ? m.message : 'the encoder process gave no reason' };
    }
    case 'loaded':
      if (typeof m.model !== 'string' || typeof m.provider !== 'string' || typeof m.loadMillis !== 'number') throw new EncoderProtocolError('loaded without model, provider and load time');
      return {
        type: 'loaded',
        model: m.model,
        provider: m.provider,
        loadMillis: m.loadMillis,
        runtimeFallback: typeof m.runtimeFallback === 'string' ? m.runtimeFallback : undefined,
        customRefused: typeof m.customRefused === 'string' ? m.customRefused : undefined,
      };
    default:
      throw new EncoderProtocolError(`an unknown message type ${JSON.stringify(m.type)}`);
  }
}

export class EncoderProtocolError extends Error {}
