/**
 * The messages between the extension host and the encoder process, which tokenises, windows, runs and
 * packs so that the extension host's thread never waits on ONNX Runtime and a native crash takes down
 * only that process. One discriminated union per direction, each side switching over `type`.
 */
import type { WirePayload } from './attentionWire';
import type { LabParams, LabResult } from './labs/labTypes';
import type { LabId, ModelTemplate } from './questions/types';
import type { ModelFacts } from './quiz/modelItems/facts';
import type { EncodingPayload, TokenInfo } from './encoding';
import { isModelProblem, type ModelProblem } from './modelProblem';

/** One text to encode: what the attention panel asks for. */
export interface EncodeInput {
  text: string;
  source?: EncodingPayload['source'];
  /** which window of a long text; clamped */
  window?: number;
  /**
   * Queries, keys and values too (default: yes, where the model has them). The head, matrix and model
   * views draw attention alone, so following a selection leaves them out; the step view asks for them.
   */
  qkv?: boolean;
  /** the bundled decoder instead of the encoder, or both (the panel's model switch); default the encoder */
  model?: 'encoder' | 'decoder' | 'both';
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
  /** the bundled decoder, for inputs that ask for it */
  decoder?: ModelFileSet;
  /** run on onnxruntime-web's WASM backend even where the native runtime loads */
  wasm: boolean;
}

/** host → encoder process */
export type ToEncoder =
  | { type: 'encode'; id: number; model: ModelChoice; input: EncodeInput }
  /** a lab, computed in the process with the model choice's encoder (and the bundled decoder or encoder where it needs them) */
  | { type: 'lab'; id: number; model: ModelChoice; request: LabRequest }
  /** the facts of a quiz's model-grounded items, computed on the live text in order with one seeded random stream */
  | { type: 'quizFacts'; id: number; model: ModelChoice; request: QuizFactsRequest }
  /** test hooks, honoured only in a process started with them enabled */
  | { type: 'testCrash' }
  /** phase 'load': the process blocks before its next request starts (a model load that never ends) */
  | { type: 'testHang'; ms: number; phase?: 'load' | 'run' };

/** One lab to compute: on the text (the built-in sample when there is none), in the display language. */
export interface LabRequest {
  lab: LabId;
  params: LabParams;
  text?: string;
  /** the bundled tokenizer's BPE pieces (the WordPiece-vs-BPE lab) */
  piecesPath: string;
  language: string;
}

/** The model items of one quiz: the text they are computed on, the seed of their random choices, their templates in order. */
export interface QuizFactsRequest {
  live: { text: string; source: 'selection' | 'sample'; cut: boolean };
  seed: number;
  templates: ModelTemplate[];
}

/** One model item's facts, or why the text or the model cannot carry it (notApplicable) or it failed. */
export type QuizFactsAnswer = { ok: true; facts: ModelFacts; tokens: TokenInfo[] } | { ok: false; notApplicable: boolean; message: string };

/** The payload's flat arrays, which may travel out of band: the 16-bit attention and float32 q/k/v. */
export type PayloadArray = 'attention16' | 'q' | 'k' | 'v';
export const PAYLOAD_ARRAYS: readonly PayloadArray[] = ['attention16', 'q', 'k', 'v'];

/** Where one array lies in a payload file: its byte offset and its length in elements. */
export interface FileArray {
  name: PayloadArray;
  offset: number;
  length: number;
}

export type EncodeFailureKind = 'input' | 'model' | 'other';

/** encoder process → host */
export type FromEncoder =
  /** the model is loaded and the request's run begins: from here the run's time limit counts */
  | { type: 'started'; id: number }
  /** the payload with its attention in 16 bits, as it goes on to the panel (attentionWire.ts) */
  | { type: 'encoded'; id: number; payload: WirePayload }
  /**
   * A large payload: its flat arrays are in `file`, one after another, and the host reads them off its
   * thread (the structured clone of a 512-token payload, 8 MB, would be deserialised on it)
   */
  | { type: 'encodedInFile'; id: number; payload: Omit<WirePayload, PayloadArray>; file: string; arrays: FileArray[] }
  | { type: 'labDone'; id: number; result: LabResult }
  | { type: 'quizFactsDone'; id: number; answers: QuizFactsAnswer[] }
  | { type: 'failed'; id: number; kind: EncodeFailureKind; message: string; problem?: ModelProblem }
  /** a model was loaded (once per model choice), with what it could not use on the way */
  | { type: 'loaded'; model: string; provider: string; loadMillis: number; runtimeFallback?: string; customRefused?: ModelProblem };

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
      if (typeof m.payload !== 'object' || m.payload === null || !((m.payload as WirePayload).attention16 instanceof Uint16Array)) {
        throw new EncoderProtocolError('encoded without a payload whose attention is a Uint16Array');
      }
      return { type: 'encoded', id: id(), payload: m.payload as WirePayload };
    case 'labDone': {
      const r = m.result as LabResult | undefined;
      if (typeof r !== 'object' || r === null || typeof r.lab !== 'string' || !Array.isArray(r.blocks))
        throw new EncoderProtocolError('labDone without a lab result');
      return { type: 'labDone', id: id(), result: r };
    }
    case 'quizFactsDone':
      if (!Array.isArray(m.answers) || !m.answers.every((a) => typeof a === 'object' && a !== null && typeof a.ok === 'boolean'))
        throw new EncoderProtocolError('quizFactsDone without its answers');
      return { type: 'quizFactsDone', id: id(), answers: m.answers as QuizFactsAnswer[] };
    case 'encodedInFile': {
      const arrays = m.arrays;
      const valid = (a: unknown): a is FileArray => {
        const x = a as FileArray;
        return (
          typeof a === 'object' &&
          a !== null &&
          PAYLOAD_ARRAYS.includes(x.name) &&
          Number.isInteger(x.offset) &&
          x.offset >= 0 &&
          Number.isInteger(x.length) &&
          x.length >= 0
        );
      };
      if (typeof m.file !== 'string' || !Array.isArray(arrays) || !arrays.every(valid) || !arrays.some((a) => a.name === 'attention16')) {
        throw new EncoderProtocolError('encodedInFile without a file and the place of its attention array');
      }
      if (typeof m.payload !== 'object' || m.payload === null)
        throw new EncoderProtocolError('encodedInFile without the rest of its payload');
      return { type: 'encodedInFile', id: id(), payload: m.payload as Omit<WirePayload, PayloadArray>, file: m.file, arrays };
    }
    case 'failed': {
      const kind = m.kind === 'input' || m.kind === 'model' ? m.kind : 'other';
      const message = typeof m.message === 'string' ? m.message : 'the encoder process gave no reason';
      return { type: 'failed', id: id(), kind, message, ...(isModelProblem(m.problem) ? { problem: m.problem } : {}) };
    }
    case 'loaded':
      if (typeof m.model !== 'string' || typeof m.provider !== 'string' || typeof m.loadMillis !== 'number')
        throw new EncoderProtocolError('loaded without model, provider and load time');
      return {
        type: 'loaded',
        model: m.model,
        provider: m.provider,
        loadMillis: m.loadMillis,
        runtimeFallback: typeof m.runtimeFallback === 'string' ? m.runtimeFallback : undefined,
        customRefused: isModelProblem(m.customRefused) ? m.customRefused : undefined,
      };
    default:
      throw new EncoderProtocolError(`an unknown message type ${JSON.stringify(m.type)}`);
  }
}

export class EncoderProtocolError extends Error {}
