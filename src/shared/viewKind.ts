/** The attention panel's views. */
export type ViewKind = 'head' | 'matrix' | 'model' | 'rollout' | 'step' | 'labs';

export const VIEWS: readonly ViewKind[] = ['head', 'matrix', 'model', 'rollout', 'step', 'labs'];

/** The views that draw attention alone, which can show words instead of word pieces. */
export const WORD_VIEWS: readonly ViewKind[] = ['head', 'matrix', 'model', 'rollout'];

/** A view's name from untrusted data (a webview message or saved state), or undefined. */
export function parseViewKind(v: unknown): ViewKind | undefined {
  return VIEWS.includes(v as ViewKind) ? (v as ViewKind) : undefined;
}
