/**
 * Colours that survive colour-blindness: head colours from the Okabe–Ito palette, and a viridis
 * scale (perceptually uniform, readable in greyscale) for heatmaps.
 */
export const HEAD_COLORS = ['#E69F00', '#56B4E9', '#009E73', '#F0E442', '#0072B2', '#D55E00', '#CC79A7', '#999999'];

export function headColor(h: number): string {
  return HEAD_COLORS[h % HEAD_COLORS.length];
}

// viridis control points, interpolated linearly
const VIRIDIS: [number, number, number][] = [
  [68, 1, 84],
  [72, 40, 120],
  [62, 74, 137],
  [49, 104, 142],
  [38, 130, 142],
  [31, 158, 137],
  [53, 183, 121],
  [109, 205, 89],
  [180, 222, 44],
  [253, 231, 37],
];

export function viridis(x: number): [number, number, number] {
  const v = Math.max(0, Math.min(1, x)) * (VIRIDIS.length - 1);
  const i = Math.min(VIRIDIS.length - 2, Math.floor(v));
  const f = v - i;
  const a = VIRIDIS[i];
  const b = VIRIDIS[i + 1];
  return [a[0] + (b[0] - a[0]) * f, a[1] + (b[1] - a[1]) * f, a[2] + (b[2] - a[2]) * f].map(Math.round) as [number, number, number];
}

export const viridisCss = (x: number) => `rgb(${viridis(x).join(',')})`;

/** Segment A / B colours (blue / vermillion, distinguishable for the common colour-blindnesses). */
export const SEGMENT_COLORS = ['#0072B2', '#D55E00'];

/** Black or white, whichever reads better on this colour (WCAG relative luminance; ≥ 4.5:1 on every viridis step). */
export function textOn([r, g, b]: readonly [number, number, number]): '#000' | '#fff' {
  const lin = (c: number) => {
    const s = c / 255;
    return s <= 0.03928 ? s / 12.92 : ((s + 0.055) / 1.055) ** 2.4;
  };
  const l = 0.2126 * lin(r) + 0.7152 * lin(g) + 0.0722 * lin(b);
  return (l + 0.05) / 0.05 >= 1.05 / (l + 0.05) ? '#000' : '#fff';
}
