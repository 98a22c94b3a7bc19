import type { ChoiceParam, LabParams } from './labTypes';

/** What the learner does inside a lab that changes what it computes. */
export type LabAction =
  | { kind: 'token'; index: number }
  | { kind: 'anotherSample' }
  | { kind: 'toggleHead'; index: number }
  | { kind: 'swap'; id: number }
  | { kind: 'swapText'; text: string }
  | { kind: 'setParam'; param: ChoiceParam; value: number };

/**
 * A lab's parameters after an action: each action changes its own parameter and keeps the others
 * (another masking sample keeps the token the learner masked; masking a token keeps the sample).
 */
export function nextLabParams(current: LabParams, action: LabAction): LabParams {
  switch (action.kind) {
    // another word to change: the replacement chosen for the last one does not carry over
    case 'token': {
      const next: LabParams = { ...current, token: action.index };
      delete next.swap;
      delete next.swapText;
      return next;
    }
    case 'anotherSample':
      return { ...current, seed: (current.seed ?? 0) + 1 };
    case 'swap': {
      const next: LabParams = { ...current, swap: action.id };
      delete next.swapText;
      return next;
    }
    case 'swapText': {
      const next: LabParams = { ...current, swapText: action.text };
      delete next.swap;
      return next;
    }
    // a new setting draws again from the same seed, so only the setting changes what is drawn
    case 'setParam':
      return { ...current, [action.param]: action.value };
    case 'toggleHead': {
      const off = current.off ?? [];
      return {
        ...current,
        off: off.includes(action.index) ? off.filter((i) => i !== action.index) : [...off, action.index].sort((a, b) => a - b),
      };
    }
    default: {
      const never: never = action;
      return never;
    }
  }
}
