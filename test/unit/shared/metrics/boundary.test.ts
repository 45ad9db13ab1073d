import { describe, expect, it } from 'vitest';
import { boundaryDistances, percentile } from '../../../../src-shared/metrics/boundary';
import { parseMask, random, randomMask } from '../../../helpers/ascii-mask';

/** Boundary pixels with the image's outside counted as background. */
function edgePixels(b: Uint8Array, w: number, h: number): [number, number][] {
  const out: [number, number][] = [];
  const at = (x: number, y: number): number => (x < 0 || y < 0 || x >= w || y >= h ? 0 : b[y * w + x]);
  for (let y = 0; y < h; y++) for (let x = 0; x < w; x++) if (at(x, y) && (!at(x - 1, y) || !at(x + 1, y) || !at(x, y - 1) || !at(x, y + 1))) out.push([x, y]);
  return out;
}

function bruteDirected(from: [number, number][], to: [number, number][], rowMm: number, colMm: number): number[] {
  return from.map(([x, y]) => Math.min(...to.map(([u, v]) => Math.hypot((x - u) * colMm, (y - v) * rowMm)))).sort((a, b) => a - b);
}

describe('boundaryDistances', () => {
  it('measures a square shifted by two columns', () => {
    const pred = parseMask('.........\n.###.....\n.###.....\n.###.....\n.........').data;
    const ref = parseMask('.........\n...###...\n...###...\n...###...\n.........').data;
    const result = boundaryDistances(pred, ref, 9, 5, { rowMm: 0.5, colMm: 0.25 });
    expect(result.hausdorffPx).toBe(2);
    // pred's boundary: 8 pixels; distances to ref's boundary: column 1 → 2, column 2 → 1 (top/bottom), column 3 → 0.
    // Symmetric sum 2·(3·2 + 2·1 + 3·0) = 16 over 16 pixels.
    expect(result.meanSurfacePx).toBeCloseTo(1, 12);
    expect(result.hausdorffMm).toBeCloseTo(0.5, 12);
    expect(result.meanSurfaceMm).toBeCloseTo(0.25, 12);
  });

  it('is 0 for identical masks and for two empty masks; Infinity when one is empty', () => {
    const m = parseMask('.##.\n.##.').data;
    expect(boundaryDistances(m, m, 4, 2)).toMatchObject({ hausdorffPx: 0, hausdorff95Px: 0, meanSurfacePx: 0, hausdorffMm: null });
    expect(boundaryDistances(new Uint8Array(8), new Uint8Array(8), 4, 2).hausdorff95Px).toBe(0);
    expect(boundaryDistances(m, new Uint8Array(8), 4, 2).hausdorff95Px).toBe(Infinity);
  });

  it('matches brute force on random masks', () => {
    const next = random(8);
    for (let trial = 0; trial < 20; trial++) {
      const w = 3 + Math.floor(next() * 14);
      const h = 3 + Math.floor(next() * 14);
      const pred = randomMask(w, h, 0.4, next);
      const ref = randomMask(w, h, 0.4, next);
      const spacing = { rowMm: 0.2 + next(), colMm: 0.2 + next() };
      const result = boundaryDistances(pred, ref, w, h, spacing);
      const p = edgePixels(pred, w, h);
      const r = edgePixels(ref, w, h);
      if (p.length === 0 || r.length === 0) continue;
      for (const [unit, rowMm, colMm] of [['Px', 1, 1], ['Mm', spacing.rowMm, spacing.colMm]] as const) {
        const forward = bruteDirected(p, r, rowMm, colMm);
        const backward = bruteDirected(r, p, rowMm, colMm);
        const all = [...forward, ...backward];
        expect(result[`hausdorff${unit}`]).toBeCloseTo(Math.max(...all), 9);
        expect(result[`hausdorff95${unit}`]).toBeCloseTo(Math.max(percentile(forward, 95), percentile(backward, 95)), 9);
        expect(result[`meanSurface${unit}`]).toBeCloseTo(all.reduce((a, b) => a + b, 0) / all.length, 9);
      }
    }
  });

  it('interpolates percentiles like numpy', () => {
    expect(percentile([1, 2, 3, 4], 50)).toBe(2.5);
    expect(percentile(Float64Array.from([0, 10]), 95)).toBeCloseTo(9.5, 12);
    expect(percentile([7], 95)).toBe(7);
  });
});
