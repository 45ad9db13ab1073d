import { describe, expect, it } from 'vitest';
import { squaredDistanceTransform } from '../../../../src-shared/mask/distance';
import { parseMask, random, randomMask } from '../../../helpers/ascii-mask';

function bruteForce(binary: Uint8Array, w: number, h: number, rowMm = 1, colMm = 1): number[] {
  const out: number[] = [];
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      let best = Infinity;
      for (let v = 0; v < h; v++) {
        for (let u = 0; u < w; u++) {
          if (binary[v * w + u] === 0) continue;
          const d = ((x - u) * colMm) ** 2 + ((y - v) * rowMm) ** 2;
          if (d < best) best = d;
        }
      }
      out.push(best);
    }
  }
  return out;
}

describe('squaredDistanceTransform', () => {
  it('gives squared pixel distances on a small case', () => {
    const m = parseMask('#....\n.....\n....#');
    expect(Array.from(squaredDistanceTransform(m.data, m.widthPx, m.heightPx))).toEqual([
      0, 1, 4, 5, 4,
      1, 2, 5, 2, 1,
      4, 5, 4, 1, 0,
    ]);
  });

  it('is Infinity everywhere without foreground', () => {
    expect(Array.from(squaredDistanceTransform(new Uint8Array(6), 3, 2))).toEqual(new Array(6).fill(Infinity));
  });

  it.each([
    { rowMm: 1, colMm: 1 },
    { rowMm: 0.5, colMm: 0.2 },
    { rowMm: 0.143, colMm: 0.3 },
  ])('matches brute force on random masks (spacing $rowMm x $colMm mm)', ({ rowMm, colMm }) => {
    const next = random(Math.round(rowMm * 1000));
    for (let trial = 0; trial < 25; trial++) {
      const w = 1 + Math.floor(next() * 16);
      const h = 1 + Math.floor(next() * 16);
      const binary = randomMask(w, h, next() * 0.2, next);
      const fast = Array.from(squaredDistanceTransform(binary, w, h, { rowMm, colMm }));
      const slow = bruteForce(binary, w, h, rowMm, colMm);
      fast.forEach((d, i) => {
        if (slow[i] === Infinity) expect(d).toBe(Infinity);
        else expect(d).toBeCloseTo(slow[i], 9);
      });
    }
  });
});
