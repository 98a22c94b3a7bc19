import type { SavedText } from '../../shared/attentionSession';
import type { ViewKind } from '../../shared/protocol';
import { parseViewKind } from '../../shared/viewKind';

/** What the panel restores after a reload (getState/setState). */
export interface PanelState {
  view: ViewKind;
  layer: number;
  /** selected heads; empty = all */
  heads: number[];
  /** the locked query token */
  locked: number | null;
  lab: string;
  pinned: boolean;
  /** the head, matrix and model views show words (pieces merged) instead of word pieces */
  words: boolean;
  /** the model switch: the bundled encoder or decoder draws the panel */
  model: 'encoder' | 'decoder' | 'both';
  /** through the layers: rollout, or attention flow (short inputs) */
  through: 'rollout' | 'flow';
  /** the text drawn, handed back to the host after Reload Window (which checks it) */
  saved?: SavedText;
}

export const DEFAULT_STATE: PanelState = {
  view: 'head',
  layer: 0,
  heads: [],
  locked: null,
  lab: 'multi-head',
  pinned: false,
  words: false,
  model: 'encoder',
  through: 'rollout',
};

export function restoreState(saved: unknown): PanelState {
  const s = { ...DEFAULT_STATE, ...(typeof saved === 'object' && saved ? (saved as Partial<PanelState>) : {}) };
  if (!parseViewKind(s.view)) s.view = 'head';
  if (s.through !== 'flow') s.through = 'rollout';
  if (!Number.isInteger(s.layer) || s.layer < 0) s.layer = 0;
  if (!Array.isArray(s.heads)) s.heads = [];
  if (s.locked !== null && !Number.isInteger(s.locked)) s.locked = null;
  if (typeof s.words !== 'boolean') s.words = false;
  if (s.model !== 'decoder' && s.model !== 'both') s.model = 'encoder';
  return s;
}

/** The heads a view draws: the selection, or all of them. */
export function activeHeads(state: PanelState, numHeads: number): number[] {
  const hs = state.heads.filter((h) => h < numHeads);
  return hs.length ? hs : Array.from({ length: numHeads }, (_, h) => h);
}
