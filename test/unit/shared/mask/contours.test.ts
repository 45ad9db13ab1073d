import { describe, expect, it } from 'vitest';
import { labelComponents } from '../../../../src-shared/mask/components';
import { traceContours } from '../../../../src-shared/mask/contours';
import { fillPolygon } from '../../../../src-shared/mask/edit';
import { fillHoles } from '../../../../src-shared/mask/holes';
import type { ImagePoint } from '../../../../src-shared/mask/types';
import { parseMask, random, randomMask } from '../../../helpers/ascii-mask';

function shoelaceArea(points: ImagePoint[]): number {
  let twice = 0;
  for (let k = 0; k < points.length; k++) {
    const p = points[k];
    const q = points[(k + 1) % points.length];
    twice += p.x * q.y - q.x * p.y;
  }
  return twice / 2;
}

describe('traceContours', () => {
  it('traces a block along its outer pixel edges, clockwise on screen', () => {
    const m = parseMask('....\n.##.\n.##.\n....');
    expect(traceContours(m.data, m.widthPx, m.heightPx)).toEqual([[{ x: 1, y: 1 }, { x: 3, y: 1 }, { x: 3, y: 3 }, { x: 1, y: 3 }]]);
  });

  it('traces an L shape with one vertex per corner', () => {
    const m = parseMask('#..\n#..\n###');
    expect(traceContours(m.data, m.widthPx, m.heightPx)).toEqual([
      [{ x: 0, y: 0 }, { x: 1, y: 0 }, { x: 1, y: 2 }, { x: 3, y: 2 }, { x: 3, y: 3 }, { x: 0, y: 3 }],
    ]);
  });

  it('keeps diagonal neighbours in one contour (8-connectivity)', () => {
    const m = parseMask('#.\n.#');
    const contours = traceContours(m.data, m.widthPx, m.heightPx);
    expect(contours).toHaveLength(1);
    expect(shoelaceArea(contours[0])).toBe(2);
  });

  it('gives one contour per component, in raster order, ignoring holes', () => {
    const m = parseMask('###..#\n#.#...\n###...');
    const contours = traceContours(m.data, m.widthPx, m.heightPx);
    expect(contours).toHaveLength(2);
    expect(shoelaceArea(contours[0])).toBe(9);
    expect(contours[1]).toEqual([{ x: 5, y: 0 }, { x: 6, y: 0 }, { x: 6, y: 1 }, { x: 5, y: 1 }]);
  });

  it('filling each contour gives back the hole-filled component (random masks)', () => {
    const next = random(21);
    for (let trial = 0; trial < 30; trial++) {
      const w = 2 + Math.floor(next() * 14);
      const h = 2 + Math.floor(next() * 14);
      const binary = randomMask(w, h, 0.5, next);
      const contours = traceContours(binary, w, h);
      const { count, sizes } = labelComponents(binary, w, h);
      expect(contours).toHaveLength(count);
      const filled = fillHoles(binary, w, h);
      const redrawn = { widthPx: w, heightPx: h, data: new Uint8Array(w * h) };
      contours.forEach((contour, k) => {
        // Outer area (pixel count plus holes) is never less than the component's own pixels.
        expect(shoelaceArea(contour)).toBeGreaterThanOrEqual(sizes[k]);
        // Even-odd fill of overlapping outlines would cancel, so fill each with OR semantics.
        const single = { widthPx: w, heightPx: h, data: new Uint8Array(w * h) };
        fillPolygon(single, contour, 1);
        single.data.forEach((v, i) => { if (v) redrawn.data[i] = 1; });
      });
      expect(Array.from(redrawn.data)).toEqual(Array.from(fillHoles(redrawn.data, w, h)));
      // Every foreground pixel lies inside some contour, and every contour pixel is inside the filled mask's outline.
      binary.forEach((v, i) => { if (v) expect(redrawn.data[i]).toBe(1); });
      redrawn.data.forEach((v, i) => { if (v) expect(filled[i]).toBe(1); });
    }
  });
});
