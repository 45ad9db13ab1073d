import { describe, expect, it } from 'vitest';
import type { LabelMask } from '../../../../src-shared/api/masks';
import { applyDiff, mergeDiffs, type MaskDiff } from '../../../../src-shared/mask/diff';
import { applyBinaryOp, clearMask, fillPolygon, floodFill, paintDisk, paintStroke, replaceLabel, swapLabels } from '../../../../src-shared/mask/edit';
import { dilate } from '../../../../src-shared/mask/morphology';
import { labelComponents } from '../../../../src-shared/mask/components';
import { binaryOfLabel } from '../../../../src-shared/mask/types';
import { ascii, formatMask, parseMask, random } from '../../../helpers/ascii-mask';

function mask(text: string): LabelMask {
  return parseMask(text);
}

const show = (m: LabelMask): string => formatMask(m.data, m.widthPx, m.heightPx);

/** Undo then redo must restore both states exactly. */
function expectRoundTrip(m: LabelMask, diff: MaskDiff | null, beforeText: string): void {
  expect(diff).not.toBeNull();
  const after = show(m);
  applyDiff(m, diff as MaskDiff, 'undo');
  expect(show(m)).toBe(ascii(beforeText));
  applyDiff(m, diff as MaskDiff, 'redo');
  expect(show(m)).toBe(after);
}

const blank = '.......\n.......\n.......\n.......\n.......\n.......';

describe('paintDisk', () => {
  it.each([
    { radius: 0.5, expected: '.......\n.......\n.......\n...#...\n.......\n.......' },
    { radius: 1, expected: '.......\n.......\n...#...\n..###..\n...#...\n.......' },
    { radius: 1.5, expected: '.......\n.......\n..###..\n..###..\n..###..\n.......' },
  ])('paints pixels whose centres are within radius $radius', ({ radius, expected }) => {
    const m = mask(blank);
    const diff = paintDisk(m, { x: 3.5, y: 3.5 }, radius, 1);
    expect(show(m)).toBe(ascii(expected));
    expectRoundTrip(m, diff, blank);
  });

  it('the diff covers only the changed bounding box', () => {
    const m = mask(blank);
    const diff = paintDisk(m, { x: 3.5, y: 3.5 }, 1, 2) as MaskDiff;
    expect({ x: diff.x, y: diff.y, widthPx: diff.widthPx, heightPx: diff.heightPx }).toEqual({ x: 2, y: 2, widthPx: 3, heightPx: 3 });
    expect(Array.from(diff.before)).toEqual(new Array(9).fill(0));
    expect(Array.from(diff.after)).toEqual([0, 2, 0, 2, 2, 2, 0, 2, 0]);
  });

  it('returns null when nothing changes and clips at the image edge', () => {
    const m = mask('##.\n##.');
    expect(paintDisk(m, { x: 0.5, y: 0.5 }, 1, 1)).toBeNull();
    paintDisk(m, { x: -0.5, y: 1.5 }, 3, 2);
    // Pixel (2, 0) has its centre at distance √10 > 3 from the centre.
    expect(show(m)).toBe(ascii('22.\n222'));
  });

  it('erases with label 0, only over the listed labels', () => {
    const m = mask('1122\n1122\n1122');
    paintDisk(m, { x: 2, y: 1.5 }, 1.5, 0, { onlyOver: [2] });
    expect(show(m)).toBe(ascii('##.2\n##..\n##.2'));
  });

  it('the smart brush paints only pixels inside the intensity window', () => {
    const m = mask('.....\n.....\n.....');
    const image = [10, 10, 90, 10, 10, 10, 90, 90, 90, 10, 10, 10, 10, 10, 10];
    paintDisk(m, { x: 2.5, y: 1.5 }, 2, 1, { intensity: { image, min: 0, max: 20 } });
    expect(show(m)).toBe(ascii('.#.#.\n#...#\n.###.'));
  });
});

describe('paintStroke', () => {
  it('joins fast moves into one capsule without gaps', () => {
    const m = mask('..........\n..........\n..........\n..........');
    const diff = paintStroke(m, { x: 1.5, y: 1.5 }, { x: 8.5, y: 1.5 }, 1, 1);
    expect(show(m)).toBe(ascii('.########.\n##########\n.########.\n..........'));
    expectRoundTrip(m, diff, '..........\n..........\n..........\n..........');
  });

  it('matches the distance-to-segment definition on random strokes', () => {
    const next = random(3);
    for (let trial = 0; trial < 40; trial++) {
      const w = 20;
      const h = 16;
      const m = mask(Array.from({ length: h }, () => '.'.repeat(w)).join('\n'));
      const a = { x: next() * 24 - 2, y: next() * 20 - 2 };
      const b = { x: next() * 24 - 2, y: next() * 20 - 2 };
      const r = 0.5 + next() * 4;
      paintStroke(m, a, b, r, 1);
      for (let y = 0; y < h; y++) {
        for (let x = 0; x < w; x++) {
          const px = x + 0.5;
          const py = y + 0.5;
          const dx = b.x - a.x;
          const dy = b.y - a.y;
          const t = Math.max(0, Math.min(1, ((px - a.x) * dx + (py - a.y) * dy) / (dx * dx + dy * dy || 1)));
          const d = Math.hypot(px - (a.x + t * dx), py - (a.y + t * dy));
          // Pixels exactly on the rim may go either way within rounding.
          if (Math.abs(d - r) > 1e-9) expect(m.data[y * w + x], `pixel ${x},${y} d=${d} r=${r}`).toBe(d <= r ? 1 : 0);
        }
      }
    }
  });
});

describe('fillPolygon', () => {
  it('fills the pixels whose centres are inside', () => {
    const m = mask(blank);
    const diff = fillPolygon(m, [{ x: 1, y: 1 }, { x: 5, y: 1 }, { x: 5, y: 4 }, { x: 1, y: 4 }], 2);
    expect(show(m)).toBe(ascii('.......\n.2222..\n.2222..\n.2222..\n.......\n.......'));
    expectRoundTrip(m, diff, blank);
  });

  it('uses the even-odd rule for a self-intersecting lasso (bow tie)', () => {
    const m = mask('.......\n.......\n.......\n.......\n.......\n.......\n.......');
    fillPolygon(m, [{ x: 0, y: 0 }, { x: 7, y: 7 }, { x: 7, y: 0 }, { x: 0, y: 7 }], 1);
    // Two triangles meeting at (3.5, 3.5); crossings are half-open [left, right), hence the asymmetry.
    expect(show(m)).toBe(ascii('......#\n#....##\n##..###\n#######\n##..###\n#....##\n......#'));
  });

  it('matches an even-odd point-in-polygon test on random polygons', () => {
    const next = random(5);
    for (let trial = 0; trial < 40; trial++) {
      const w = 16;
      const h = 12;
      const m = mask(Array.from({ length: h }, () => '.'.repeat(w)).join('\n'));
      const points = Array.from({ length: 3 + Math.floor(next() * 6) }, () => ({ x: next() * 20 - 2, y: next() * 16 - 2 }));
      fillPolygon(m, points, 1);
      for (let y = 0; y < h; y++) {
        for (let x = 0; x < w; x++) {
          const px = x + 0.5;
          const py = y + 0.5;
          let inside = false;
          let onEdge = false;
          for (let k = 0, j = points.length - 1; k < points.length; j = k++) {
            const p = points[k];
            const q = points[j];
            if ((p.y <= py) !== (q.y <= py)) {
              const cross = p.x + ((py - p.y) * (q.x - p.x)) / (q.y - p.y);
              if (Math.abs(cross - px) < 1e-9) onEdge = true;
              if (px < cross) inside = !inside;
            }
          }
          if (!onEdge) expect(m.data[y * w + x], `pixel ${x},${y}`).toBe(inside ? 1 : 0);
        }
      }
    }
  });

  it('erases with label 0 and leaves protected labels alone', () => {
    const m = mask('1122\n1122');
    fillPolygon(m, [{ x: 0, y: 0 }, { x: 4, y: 0 }, { x: 4, y: 2 }, { x: 0, y: 2 }], 0, { onlyOver: [1] });
    expect(show(m)).toBe(ascii('..22\n..22'));
  });

  it('ignores degenerate outlines', () => {
    const m = mask(blank);
    expect(fillPolygon(m, [{ x: 1, y: 1 }, { x: 5, y: 5 }], 1)).toBeNull();
  });
});

describe('floodFill', () => {
  const outline = `
    .......
    .#####.
    .#...#.
    .#.2.#.
    .#####.
    .......`;

  it.each([
    { name: 'fills the inside of an outline, not the other label', seed: { x: 2.5, y: 2.5 }, connectivity: 4 as const,
      expected: '.......\n.#####.\n.#####.\n.##2##.\n.#####.\n.......' },
    { name: 'fills the outside background from a corner', seed: { x: 0.2, y: 0.2 }, connectivity: 4 as const,
      expected: '#######\n#######\n##...##\n##.2.##\n#######\n#######' },
  ])('$name', ({ seed, connectivity, expected }) => {
    const m = mask(outline);
    const diff = floodFill(m, seed, 1, { connectivity });
    expect(show(m)).toBe(ascii(expected));
    expectRoundTrip(m, diff, outline);
  });

  it('leaks through a diagonal gap only with 8-connectivity', () => {
    const gap = '....\n.#..\n#.#.\n.#..';
    const four = mask(gap);
    floodFill(four, { x: 1.5, y: 2.5 }, 2, { connectivity: 4 });
    expect(show(four)).toBe(ascii('....\n.#..\n#2#.\n.#..'));
    const eight = mask(gap);
    floodFill(eight, { x: 1.5, y: 2.5 }, 2, { connectivity: 8 });
    expect(show(eight)).toBe(ascii('2222\n2#22\n#2#2\n2#22'));
  });

  it('never changes pixels of other labels (random masks)', () => {
    const next = random(11);
    for (let trial = 0; trial < 30; trial++) {
      const w = 12;
      const h = 9;
      const data = new Uint8Array(w * h).map(() => Math.floor(next() * 3));
      const m = { widthPx: w, heightPx: h, data: data.slice() };
      const seed = { x: next() * w, y: next() * h };
      const seedLabel = data[Math.floor(seed.y) * w + Math.floor(seed.x)];
      const label = (seedLabel + 1) % 3;
      floodFill(m, seed, label);
      for (let i = 0; i < data.length; i++) if (data[i] !== seedLabel) expect(m.data[i]).toBe(data[i]);
    }
  });

  it.each([4, 8] as const)('fills exactly the seed\'s %i-connected component (random masks)', (connectivity) => {
    const next = random(connectivity * 13);
    for (let trial = 0; trial < 30; trial++) {
      const w = 3 + Math.floor(next() * 15);
      const h = 3 + Math.floor(next() * 15);
      const data = new Uint8Array(w * h).map(() => (next() < 0.45 ? 1 : 0));
      const seed = { x: next() * w, y: next() * h };
      const seedIndex = Math.floor(seed.y) * w + Math.floor(seed.x);
      const region = labelComponents(binaryOfLabel(data, data[seedIndex]), w, h, { connectivity }).labels;
      const m = { widthPx: w, heightPx: h, data: data.slice() };
      floodFill(m, seed, 2, { connectivity });
      for (let i = 0; i < data.length; i++) expect(m.data[i]).toBe(region[i] === region[seedIndex] ? 2 : data[i]);
    }
  });

  it('does nothing outside the image or on the same label', () => {
    const m = mask(outline);
    expect(floodFill(m, { x: -1, y: 2 }, 1)).toBeNull();
    expect(floodFill(m, { x: 1.5, y: 1.5 }, 1)).toBeNull();
    expect(() => floodFill(m, { x: 0, y: 0 }, 255)).toThrow(RangeError);
  });
});

describe('whole-mask operations', () => {
  it('replaceLabel, swapLabels and clearMask with exact diffs', () => {
    const start = '.12.\n.12.\n....';
    const m = mask(start);
    expectRoundTrip(m, replaceLabel(m, 2, 1), start);
    expect(show(m)).toBe(ascii('.##.\n.##.\n....'));
    const swapped = mask(start);
    const diff = swapLabels(swapped, 1, 2) as MaskDiff;
    expect(show(swapped)).toBe(ascii('.21.\n.21.\n....'));
    expect({ x: diff.x, y: diff.y, widthPx: diff.widthPx, heightPx: diff.heightPx }).toEqual({ x: 1, y: 0, widthPx: 2, heightPx: 2 });
    const cleared = mask(start);
    expectRoundTrip(cleared, clearMask(cleared), start);
    expect(clearMask(cleared)).toBeNull();
    expect(replaceLabel(mask(start), 1, 1)).toBeNull();
  });

  it('applyBinaryOp claims only background unless told to overwrite', () => {
    const start = '.....\n.#.2.\n.....';
    const m = mask(start);
    const diff = applyBinaryOp(m, 1, (b, w, h) => dilate(b, w, h, 2));
    expect(show(m)).toBe(ascii('###..\n###2.\n###..'));
    expectRoundTrip(m, diff, start);
    const overwrite = mask(start);
    applyBinaryOp(overwrite, 1, (b, w, h) => dilate(b, w, h, 2), { overwrite: true });
    expect(show(overwrite)).toBe(ascii('###..\n####.\n###..'));
  });
});

describe('mergeDiffs', () => {
  it('combines overlapping dabs into one undo step', () => {
    const m = mask(blank);
    const diffs = [
      paintDisk(m, { x: 2.5, y: 2.5 }, 1, 1),
      paintDisk(m, { x: 3.5, y: 2.5 }, 1, 2),
      paintDisk(m, { x: 4.5, y: 3.5 }, 1, 0),
    ].filter((d): d is MaskDiff => d !== null);
    const after = show(m);
    const merged = mergeDiffs(m, diffs) as MaskDiff;
    applyDiff(m, merged, 'undo');
    expect(show(m)).toBe(ascii(blank));
    applyDiff(m, merged, 'redo');
    expect(show(m)).toBe(after);
  });

  it('returns null when the dabs cancel out', () => {
    const m = mask(blank);
    const first = paintDisk(m, { x: 2.5, y: 2.5 }, 1, 1) as MaskDiff;
    const second = paintDisk(m, { x: 2.5, y: 2.5 }, 1, 0) as MaskDiff;
    expect(mergeDiffs(m, [first, second])).toBeNull();
  });

  it('rejects a diff that does not fit the mask', () => {
    const diff = paintDisk(mask(blank), { x: 5.5, y: 5.5 }, 1, 1) as MaskDiff;
    expect(() => applyDiff(mask('..\n..'), diff, 'undo')).toThrow(RangeError);
  });
});
