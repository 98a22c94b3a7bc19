/**
 * The one message protocol between the extension host and its webviews: a discriminated union per
 * direction. Messages from a webview are untrusted input and go through `parseWebviewMessage`.
 */
import { MODEL_KINDS, type ModelKind, type SavedText } from './attentionSession';
import type { WireLayers, WirePayload } from './attentionWire';
import type { LabParams, LabResult } from './labs/labTypes';
import { LAB_IDS, type LabId } from './questions/types';
import { type ViewKind, VIEWS } from './viewKind';

export type { ViewKind } from './viewKind';

/** Host → attention webview. */
export type HostMessage =
  | { type: 'ping'; id: number }
  | { type: 'status'; state: 'loading' | 'empty' | 'error'; message: string }
  /**
   * locked: the token the panel locks (null: none); saved: what the panel keeps to be drawn again after Reload
   * Window; payload: attention in 16 bits (attentionWire.ts)
   */
  | { type: 'encoding'; requestId: number; payload: WirePayload; locked: number | null; saved: SavedText }
  /** layers that encoding left out (it carried the one on show), when the panel asks for them */
  | { type: 'attentionRest'; requestId: number; rest: WireLayers }
  /** the cursor in the editor is on this token: the panel locks it */
  | { type: 'selectToken'; index: number }
  | { type: 'pinned'; pinned: boolean }
  | { type: 'showView'; view: ViewKind; lab?: LabId }
  /** requestId: the webview's runLab this answers */
  | { type: 'labResult'; requestId: number; result: LabResult }
  | { type: 'labError'; requestId: number; lab: LabId; message: string };

/** Attention webview → host. */
export type WebviewMessage =
  | { type: 'ready' }
  | { type: 'pong'; id: number }
  /** index: a piece (the first of its word when words is set: the panel shows words, and the editor shades words) */
  | { type: 'lockToken'; index: number | null; layer: number; heads: number[]; words?: boolean }
  | { type: 'openQuestion'; id: string }
  | { type: 'setPinned'; pinned: boolean }
  /** the model switch: the bundled encoder or the bundled decoder draws the panel */
  | { type: 'setModel'; model: ModelKind }
  | { type: 'moveWindow'; delta: -1 | 1 }
  | { type: 'export'; format: 'png' | 'svg' | 'json'; data: string }
  /**
   * theme: the theme kind the webview drew in (VS Code's data-vscode-theme-kind on its body); requestId and
   * arrivedAt (Date.now() when that encoding message arrived): which posted encoding this drawing shows, so the
   * host can split selection-to-paint into its legs (npm run bench:e2e)
   */
  | { type: 'rendered'; view: ViewKind; tokens: number; millis: number; theme: string; requestId?: number; arrivedAt?: number }
  /** the panel shows a layer the encoding on show (requestId) left out: the host sends it (attentionRest) */
  | { type: 'needLayers'; requestId: number; layers: number[] }
  /** layer: the layer on show, so the next encoding can carry it first */
  | { type: 'viewShown'; view: ViewKind; layer?: number }
  | { type: 'runLab'; requestId: number; lab: LabId; params: LabParams }
  | { type: 'quizQuestion'; id: string };

const isInt = (v: unknown): v is number => typeof v === 'number' && Number.isInteger(v);
const isObj = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
const MAX_EXPORT_CHARS = 64 * 1024 * 1024;

export class ProtocolError extends Error {}

/** Validates a message from a webview; throws ProtocolError naming what does not fit. */
export function parseWebviewMessage(raw: unknown): WebviewMessage {
  if (!isObj(raw) || typeof raw.type !== 'string') throw new ProtocolError('message is not an object with a string "type"');
  const m = raw;
  switch (m.type) {
    case 'ready':
      return { type: 'ready' };
    case 'pong':
      if (!isInt(m.id)) throw new ProtocolError('pong.id must be an integer');
      return { type: 'pong', id: m.id };
    case 'lockToken': {
      if (!(m.index === null || (isInt(m.index) && m.index >= 0)))
        throw new ProtocolError('lockToken.index must be null or a non-negative integer');
      if (!isInt(m.layer) || m.layer < 0) throw new ProtocolError('lockToken.layer must be a non-negative integer');
      if (!Array.isArray(m.heads) || !m.heads.every((h) => isInt(h) && h >= 0))
        throw new ProtocolError('lockToken.heads must be a list of non-negative integers');
      if (m.words !== undefined && typeof m.words !== 'boolean') throw new ProtocolError('lockToken.words must be a boolean');
      return { type: 'lockToken', index: m.index, layer: m.layer, heads: m.heads as number[], ...(m.words ? { words: true } : {}) };
    }
    case 'openQuestion':
      if (typeof m.id !== 'string' || !/^[a-z0-9-]{1,80}$/.test(m.id)) throw new ProtocolError('openQuestion.id must be a question id');
      return { type: 'openQuestion', id: m.id };
    case 'setPinned':
      if (typeof m.pinned !== 'boolean') throw new ProtocolError('setPinned.pinned must be a boolean');
      return { type: 'setPinned', pinned: m.pinned };
    case 'setModel':
      if (!MODEL_KINDS.includes(m.model as ModelKind)) throw new ProtocolError(`setModel.model must be one of ${MODEL_KINDS.join(', ')}`);
      return { type: 'setModel', model: m.model as ModelKind };
    case 'moveWindow':
      if (m.delta !== -1 && m.delta !== 1) throw new ProtocolError('moveWindow.delta must be -1 or 1');
      return { type: 'moveWindow', delta: m.delta };
    case 'export':
      if (m.format !== 'png' && m.format !== 'svg' && m.format !== 'json')
        throw new ProtocolError('export.format must be png, svg or json');
      if (typeof m.data !== 'string' || m.data.length > MAX_EXPORT_CHARS)
        throw new ProtocolError('export.data must be a string under 64 MiB');
      return { type: 'export', format: m.format, data: m.data };
    case 'rendered':
      if (
        !VIEWS.includes(m.view as ViewKind) ||
        !isInt(m.tokens) ||
        typeof m.millis !== 'number' ||
        typeof m.theme !== 'string' ||
        m.theme.length > 64
      ) {
        throw new ProtocolError('rendered needs view, tokens, millis and theme');
      }
      if ((m.requestId !== undefined && !isInt(m.requestId)) || (m.arrivedAt !== undefined && typeof m.arrivedAt !== 'number'))
        throw new ProtocolError('rendered.requestId and rendered.arrivedAt must be numbers');
      return {
        type: 'rendered',
        view: m.view as ViewKind,
        tokens: m.tokens,
        millis: m.millis,
        theme: m.theme,
        ...(m.requestId !== undefined ? { requestId: m.requestId } : {}),
        ...(m.arrivedAt !== undefined ? { arrivedAt: m.arrivedAt } : {}),
      };
    case 'needLayers':
      if (!isInt(m.requestId) || m.requestId < 0) throw new ProtocolError('needLayers.requestId must be a non-negative integer');
      if (!Array.isArray(m.layers) || m.layers.length > 64 || !m.layers.every((l) => isInt(l) && l >= 0))
        throw new ProtocolError('needLayers.layers must be a list of layer numbers');
      return { type: 'needLayers', requestId: m.requestId, layers: m.layers as number[] };
    case 'viewShown':
      if (!VIEWS.includes(m.view as ViewKind)) throw new ProtocolError(`viewShown.view must be one of ${VIEWS.join(', ')}`);
      if (m.layer !== undefined && (!isInt(m.layer) || m.layer < 0))
        throw new ProtocolError('viewShown.layer must be a non-negative integer');
      return { type: 'viewShown', view: m.view as ViewKind, ...(m.layer !== undefined ? { layer: m.layer } : {}) };
    case 'runLab': {
      if (!LAB_IDS.includes(m.lab as LabId)) throw new ProtocolError('runLab.lab must be a lab id');
      if (!isInt(m.requestId) || m.requestId < 0) throw new ProtocolError('runLab.requestId must be a non-negative integer');
      const p = isObj(m.params) ? m.params : {};
      const params: LabParams = {};
      if (p.token !== undefined) {
        if (!isInt(p.token) || p.token < 0) throw new ProtocolError('runLab.params.token must be a non-negative integer');
        params.token = p.token;
      }
      for (const key of ['layer', 'head'] as const) {
        if (p[key] === undefined) continue;
        if (!isInt(p[key]) || (p[key] as number) < 0 || (p[key] as number) > 64)
          throw new ProtocolError(`runLab.params.${key} must be a small non-negative integer`);
        params[key] = p[key] as number;
      }
      if (p.seed !== undefined) {
        if (!isInt(p.seed) || p.seed < 0) throw new ProtocolError('runLab.params.seed must be a non-negative integer');
        params.seed = p.seed;
      }
      if (p.swap !== undefined) {
        if (!isInt(p.swap) || p.swap < 0) throw new ProtocolError('runLab.params.swap must be a token id');
        params.swap = p.swap;
      }
      if (p.swapText !== undefined) {
        if (typeof p.swapText !== 'string' || p.swapText.length > 40 || /[\r\n]/.test(p.swapText) || !p.swapText.trim())
          throw new ProtocolError('runLab.params.swapText must be one line of up to 40 characters');
        params.swapText = p.swapText.trim();
      }
      if (p.off !== undefined) {
        if (!Array.isArray(p.off) || p.off.length > 1024 || !p.off.every((i) => isInt(i) && i >= 0 && i < 4096))
          throw new ProtocolError('runLab.params.off must be a list of head indices');
        params.off = p.off as number[];
      }
      const ranges: Record<'temperature' | 'topK' | 'topP' | 'against', [number, number, boolean]> = {
        temperature: [0.05, 5, false],
        topK: [0, 1000, true],
        topP: [0.01, 1, false],
        against: [0, 1, true],
      };
      for (const [key, [lo, hi, integer]] of Object.entries(ranges) as [keyof typeof ranges, [number, number, boolean]][]) {
        const v = p[key];
        if (v === undefined) continue;
        if (typeof v !== 'number' || !Number.isFinite(v) || v < lo || v > hi || (integer && !Number.isInteger(v)))
          throw new ProtocolError(`runLab.params.${key} must be ${integer ? 'an integer' : 'a number'} from ${lo} to ${hi}`);
        params[key] = v;
      }
      return { type: 'runLab', requestId: m.requestId, lab: m.lab as LabId, params };
    }
    case 'quizQuestion':
      if (typeof m.id !== 'string' || !/^[a-z0-9-]{1,80}$/.test(m.id)) throw new ProtocolError('quizQuestion.id must be a question id');
      return { type: 'quizQuestion', id: m.id };
    default:
      throw new ProtocolError(`unknown message type "${String(m.type).slice(0, 40)}"`);
  }
}
