import type { Answer, AskedItem } from './askedItem';

/**
 * Numeric answers may be off by floating-point noise on top of the item's own tolerance, so that
 * `0.1 + 0.2` against 0.3 with tolerance 0 still counts.
 */
const FLOAT_SLACK = 1e-9;

/** True when the answer is right for the item; an answer of another kind is wrong. */
export function gradeAnswer(item: AskedItem, answer: Answer): boolean {
  switch (item.kind) {
    case 'single':
      return answer.kind === 'single' && answer.choice === item.answer;
    case 'multiple': {
      if (answer.kind !== 'multiple') return false;
      const want = new Set(item.answer);
      const got = new Set(answer.choices);
      return want.size === got.size && [...want].every((i) => got.has(i));
    }
    case 'truefalse':
      return answer.kind === 'truefalse' && answer.value === item.answer;
    case 'numeric':
      return (
        answer.kind === 'numeric' && Number.isFinite(answer.value) && Math.abs(answer.value - item.answer) <= item.tolerance + FLOAT_SLACK
      );
  }
}

/**
 * Reads a typed number: `0.333`, `.5`, `-2`, `1e-3`, `1/3`, a decimal comma (`0,333`), full-width
 * digits (Chinese input methods) and surrounding spaces. Undefined when it is not one number.
 */
export function parseNumericAnswer(text: string): number | undefined {
  const s = text
    .trim()
    .replace(/[\uFF10-\uFF19]/g, (d) => String.fromCharCode(d.charCodeAt(0) - 0xfee0))
    .replace(/[\uFF0E\u3002]/g, '.')
    .replace(/[\uFF0F]/g, '/')
    .replace(/[\uFF0D\u2212]/g, '-')
    .replace(/^([+-]?\d+),(\d+)$/, '$1.$2');
  const num = /^[+-]?(?:\d+\.?\d*|\.\d+)(?:e[+-]?\d+)?$/i;
  if (num.test(s)) return Number(s);
  const frac = /^([+-]?\d+(?:\.\d+)?)\s*\/\s*(\d+(?:\.\d+)?)$/.exec(s);
  if (frac && Number(frac[2]) !== 0) return Number(frac[1]) / Number(frac[2]);
  return undefined;
}
