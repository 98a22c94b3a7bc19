import type { LabParams } from './labTypes';

/** What the learner does inside a lab that changes what it computes. */
export type LabAction = { kind: 'token'; index: number } | { kind: 'anotherSample' };

/**
 * A lab's parameters after an action: each action changes its own parameter and keeps the others
 * (another masking sample keeps the token the learner masked; masking a token keeps the sample).
 */
export function nextLabParams(current: LabParams, action: LabAction): LabParams {
  switch (action.kind) {
    case 'token':
      return { ...current, token: action.index };
    case 'anotherSample':
      return { ...current, seed: (current.seed ?? 0) + 1 };
    default: {
      const never: never = action;
      return never;
    }
  }
}
