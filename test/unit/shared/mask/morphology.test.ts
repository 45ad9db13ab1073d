import { describe, expect, it } from 'vitest';
import { close, dilate, erode, open, smooth } from '../../../../src-shared/mask/morphology';
import { ascii, formatMask, parseMask, random, randomMask } from '../../../helpers/ascii-mask';

/** Disk membership: centre distance squared within r². */
function inDisk(dx: number, dy: number, r: number): boolean {
  return dx * dx + dy * dy <= r * r;
}

function bruteDilate(b: Uint8Array, w: number, h: number, r: number): number[] {
  const out: number[] = [];
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      let hit = 0;
      for (let v = 0; v < h && !hit; v++) for (let u = 0; u < w; u++) if (b[v * w + u] && inDisk(x - u, y - v, r)) { hit = 1; break; }
      out.push(hit);
    }
  }
  return out;
}

/** Erosion where only pixels inside the image can erode. */
function bruteErode(b: Uint8Array, w: number, h: number, r: number): number[] {
  const out: number[] = [];
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      let keep = b[y * w + x] ? 1 : 0;
      for (let v = 0; v < h && keep; v++) for (let u = 0; u < w; u++) if (!b[v * w + u] && inDisk(x - u, y - v, r)) { keep = 0; break; }
      out.push(keep);
    }
  }
  return out;
}

const show = (b: Uint8Array, w: number, h: number): string => formatMask(b, w, h);

describe('morphology with a disk', () => {
  const dot = parseMask('.......\n.......\n.......\n...#...\n.......\n.......\n.......');

  it.each([
    { radius: 1, expected: '.......\n.......\n...#...\n..###..\n...#...\n.......\n.......' },
    { radius: 1.5, expected: '.......\n.......\n..###..\n..###..\n..###..\n.......\n.......' },
    { radius: 2, expected: '.......\n...#...\n..###..\n.#####.\n..###..\n...#...\n.......' },
  ])('dilates a dot into a disk of radius $radius', ({ radius, expected }) => {
    expect(show(dilate(dot.data, 7, 7, radius), 7, 7)).toBe(ascii(expected));
  });

  it('erodes a block but not from the image edge', () => {
    const m = parseMask(`
      #####.
      #####.
      #####.
      ......`);
    expect(show(erode(m.data, m.widthPx, m.heightPx, 1), m.widthPx, m.heightPx)).toBe(ascii(`
      ####..
      ####..
      ......
      ......`));
  });

  it('opening cuts a thin bridge; closing fills a narrow gap', () => {
    const bridge = parseMask(`
      ###.....###
      ###########
      ###.....###`);
    // The blocks' middle rows keep one pixel of the bridge: the disk around it fits inside the shape.
    expect(show(open(bridge.data, bridge.widthPx, bridge.heightPx, 1), bridge.widthPx, bridge.heightPx)).toBe(ascii(`
      ###.....###
      ####...####
      ###.....###`));
    const gap = parseMask(`
      ...........
      .####.####.
      .####.####.
      ...........`);
    expect(show(close(gap.data, gap.widthPx, gap.heightPx, 1.5), gap.widthPx, gap.heightPx)).toBe(ascii(`
      ...........
      .#########.
      .#########.
      ...........`));
  });

  it('closing does not glue a shape to the image edge', () => {
    const m = parseMask('.###\n.###\n.###');
    expect(show(close(m.data, 4, 3, 2), 4, 3)).toBe(ascii('.###\n.###\n.###'));
  });

  const methods = ['runs', 'distance', 'auto'] as const;
  it.each(methods.flatMap((method) => [1, 1.5, 2, 2.2, 3].map((radius) => ({ method, radius }))))(
    'dilate and erode match brute force on random masks ($method, radius $radius)',
    ({ method, radius }) => {
      const next = random(radius * 10);
      for (let trial = 0; trial < 15; trial++) {
        const w = 1 + Math.floor(next() * 14);
        const h = 1 + Math.floor(next() * 14);
        const b = randomMask(w, h, next() * 0.8, next);
        expect(Array.from(dilate(b, w, h, radius, { method }))).toEqual(bruteDilate(b, w, h, radius));
        expect(Array.from(erode(b, w, h, radius, { method }))).toEqual(bruteErode(b, w, h, radius));
      }
    },
  );

  it('both methods agree on closing and smoothing', () => {
    const next = random(4);
    for (let trial = 0; trial < 10; trial++) {
      const w = 5 + Math.floor(next() * 30);
      const h = 5 + Math.floor(next() * 30);
      const b = randomMask(w, h, 0.6, next);
      const radius = 1 + next() * 4;
      expect(Array.from(close(b, w, h, radius, { method: 'runs' }))).toEqual(Array.from(close(b, w, h, radius, { method: 'distance' })));
      expect(Array.from(smooth(b, w, h, radius, { method: 'runs' }))).toEqual(Array.from(smooth(b, w, h, radius, { method: 'distance' })));
    }
  });

  it('open never adds, close never removes, smooth gives 0/1 (random masks)', () => {
    const next = random(99);
    for (let trial = 0; trial < 20; trial++) {
      const w = 2 + Math.floor(next() * 20);
      const h = 2 + Math.floor(next() * 20);
      const b = randomMask(w, h, 0.5, next);
      const radius = 1 + Math.floor(next() * 3);
      const opened = open(b, w, h, radius);
      const closed = close(b, w, h, radius);
      const smoothed = smooth(b, w, h, radius);
      for (let i = 0; i < b.length; i++) {
        expect(opened[i]).toBeLessThanOrEqual(b[i]);
        expect(closed[i]).toBeGreaterThanOrEqual(b[i]);
        expect(smoothed[i] === 0 || smoothed[i] === 1).toBe(true);
      }
    }
  });

  it('radius 0 and empty masks are copies', () => {
    const m = parseMask('#.\n.3');
    expect(Array.from(dilate(m.data, 2, 2, 0))).toEqual([1, 0, 0, 1]);
    expect(Array.from(close(new Uint8Array(4), 2, 2, 3))).toEqual([0, 0, 0, 0]);
  });
});
