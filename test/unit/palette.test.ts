import * as assert from 'node:assert/strict';
import { textOn, viridis } from '../../src/webview/attention/palette';

/** WCAG contrast ratio of two sRGB colours. */
function contrast(a: readonly number[], b: readonly number[]): number {
  const lum = (c: readonly number[]) =>
    c
      .map((v) => v / 255)
      .reduce((sum, s, i) => sum + [0.2126, 0.7152, 0.0722][i] * (s <= 0.03928 ? s / 12.92 : ((s + 0.055) / 1.055) ** 2.4), 0);
  const [x, y] = [lum(a), lum(b)].sort((p, q) => q - p);
  return (x + 0.05) / (y + 0.05);
}

suite('text on heatmap cells', () => {
  test('black or white text on every step of the viridis scale meets WCAG AA (4.5:1)', () => {
    for (let i = 0; i <= 1000; i++) {
      const cell = viridis(i / 1000);
      const text = textOn(cell) === '#000' ? [0, 0, 0] : [255, 255, 255];
      assert.ok(contrast(cell, text) >= 4.5, `at ${i / 1000}: ${contrast(cell, text).toFixed(2)}`);
    }
  });
});
