/** Shape checks on encoder outputs before anything is drawn: an error names the wrong dimension. */
export class ShapeError extends Error {}

const AXIS_NAMES: Record<string, string[]> = {
  attention: ['batch', 'heads', 'queries', 'keys'],
  perHead: ['batch', 'heads', 'tokens', 'head size'],
  perToken: ['batch', 'tokens', 'hidden size'],
};

/**
 * `expected` holds a number where the size is known (e.g. the token count) and null where any size
 * is fine (but it must then agree across outputs, which the caller checks by passing it next time).
 */
export function checkDims(
  output: string,
  dims: readonly number[],
  expected: readonly (number | null)[],
  kind: keyof typeof AXIS_NAMES,
): void {
  const axes = AXIS_NAMES[kind];
  if (dims.length !== expected.length) {
    throw new ShapeError(`${output} has ${dims.length} dimensions [${dims.join(', ')}]; expected ${expected.length} (${axes.join(', ')})`);
  }
  expected.forEach((want, i) => {
    if (want !== null && dims[i] !== want) {
      throw new ShapeError(`${output} has ${dims[i]} ${axes[i]} (dimension ${i}) but ${want} were expected`);
    }
  });
}
