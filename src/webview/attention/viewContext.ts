import type { EncodingPayload } from '../../shared/encoding';
import type { LabAction } from '../../shared/labs/labParams';
import type { LabParams, LabResult } from '../../shared/labs/labTypes';
import type { LabId } from '../../shared/questions/types';
import type { PanelState } from './state';

/** The lab on show: its result or error, and the encoding it was computed for. */
export interface LabsState {
  result?: LabResult;
  error?: { lab: LabId; message: string };
  forRequest?: number;
}

/** What every view gets: the data, the state, strings, and ways to change the state. */
export interface ViewContext {
  payload: EncodingPayload;
  state: PanelState;
  strings: Record<string, string>;
  /** change the state (persisted; the panel re-renders) */
  update(patch: Partial<PanelState>): void;
  /** a sentence for screen readers */
  announce(text: string): void;
  /** tell the host (e.g. to open a question) */
  openQuestion(id: string): void;
  quizQuestion(id: string): void;
  /** the host's id of the encoding shown */
  requestId: number;
  labs: LabsState;
  /** the lab's parameters on this text */
  labParams(lab: LabId): LabParams;
  /** computes the lab (again, after the learner's action) */
  runLab(lab: LabId, action?: LabAction): void;
}

/** A view that shows a placeholder while the host computes what it needs says so ('waiting'), and is not reported as rendered. */
export type RenderOutcome = 'done' | 'waiting';

/** A token's label for display: specials as they are, `##` pieces kept (they teach WordPiece). */
export function tokenLabel(text: string): string {
  return text.replace(/\s/g, '·');
}

/** Fill a localised template: "{0} of {1}". */
export function fmt(template: string, ...args: (string | number)[]): string {
  return (template ?? '').replace(/\{(\d+)\}/g, (_, i) => String(args[Number(i)] ?? ''));
}

export function setupCanvas(canvas: HTMLCanvasElement, width: number, height: number): CanvasRenderingContext2D {
  const dpr = window.devicePixelRatio || 1;
  canvas.width = Math.max(1, Math.round(width * dpr));
  canvas.height = Math.max(1, Math.round(height * dpr));
  canvas.style.width = `${width}px`;
  canvas.style.height = `${height}px`;
  const g = canvas.getContext('2d') as CanvasRenderingContext2D;
  g.setTransform(dpr, 0, 0, dpr, 0, 0);
  return g;
}
