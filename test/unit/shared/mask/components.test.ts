import { describe, expect, it } from 'vitest';
import { keepLargestComponents, labelComponents, removeIslands } from '../../../../src-shared/mask/components';
import { ascii, formatMask, parseMask, random, randomMask } from '../../../helpers/ascii-mask';

/** Reference labelling by breadth-first search, numbering components in raster order. */
function bruteForce(binary: Uint8Array, w: number, h: number, eight: boolean): Int32Array {
  const labels = new Int32Array(w * h);
  let next = 0;
  for (let start = 0; start < w * h; start++) {
    if (binary[start] === 0 || labels[start] !== 0) continue;
    labels[start] = ++next;
    const queue = [start];
    while (queue.length > 0) {
      const i = queue.pop() as number;
      const x = i % w;
      const y = Math.floor(i / w);
      for (let dy = -1; dy <= 1; dy++) {
        for (let dx = -1; dx <= 1; dx++) {
          if ((dx === 0 && dy === 0) || (!eight && dx !== 0 && dy !== 0)) continue;
          const nx = x + dx;
          const ny = y + dy;
          if (nx < 0 || ny < 0 || nx >= w || ny >= h) continue;
          const j = ny * w + nx;
          if (binary[j] !== 0 && labels[j] === 0) {
            labels[j] = next;
            queue.push(j);
          }
        }
      }
    }
  }
  return labels;
}

describe('labelComponents', () => {
  it.each([
    { name: 'empty', text: '....\n....', four: 0, eight: 0 },
    { name: 'one block', text: '.##.\n.##.', four: 1, eight: 1 },
    { name: 'diagonal pair', text: '#...\n.#..\n..#.', four: 3, eight: 1 },
    { name: 'U shape joins at the bottom (merge after first pass)', text: '#.#\n#.#\n###', four: 1, eight: 1 },
    { name: 'W shape needs several unions', text: '#.#.#\n#.#.#\n#####', four: 1, eight: 1 },
    { name: 'anti-diagonal', text: '..#\n.#.\n#..', four: 3, eight: 1 },
    { name: 'two lungs', text: '##..##\n##..##\n##...#', four: 2, eight: 2 },
  ])('$name', ({ text, four, eight }) => {
    const m = parseMask(text);
    expect(labelComponents(m.data, m.widthPx, m.heightPx, { connectivity: 4 }).count).toBe(four);
    expect(labelComponents(m.data, m.widthPx, m.heightPx).count).toBe(eight);
  });

  it('numbers components in raster order with sizes and boxes', () => {
    const m = parseMask(`
      ..##....
      ......#.
      #.....##
      ##......`);
    const result = labelComponents(m.data, m.widthPx, m.heightPx);
    expect(result.count).toBe(3);
    expect(formatMask(result.labels, m.widthPx, m.heightPx)).toBe(ascii(`
      ..##....
      ......2.
      3.....22
      33......`));
    expect(result.sizes).toEqual([2, 3, 3]);
    expect(result.boxes).toEqual([
      { x0: 2, y0: 0, x1: 3, y1: 0 },
      { x0: 6, y0: 1, x1: 7, y1: 2 },
      { x0: 0, y0: 2, x1: 1, y1: 3 },
    ]);
  });

  it.each([4, 8] as const)('matches a breadth-first search on random masks (%i-connectivity)', (connectivity) => {
    const next = random(connectivity);
    for (let trial = 0; trial < 30; trial++) {
      const w = 1 + Math.floor(next() * 24);
      const h = 1 + Math.floor(next() * 24);
      const binary = randomMask(w, h, 0.2 + next() * 0.5, next);
      const result = labelComponents(binary, w, h, { connectivity });
      const expected = bruteForce(binary, w, h, connectivity === 8);
      expect(Array.from(result.labels)).toEqual(Array.from(expected));
      expect(result.sizes.reduce((a, b) => a + b, 0)).toBe(binary.reduce((a, b) => a + b, 0));
    }
  });

  it('rejects data of the wrong size', () => {
    expect(() => labelComponents(new Uint8Array(5), 2, 2)).toThrow(RangeError);
  });
});

describe('keepLargestComponents and removeIslands', () => {
  const m = parseMask(`
    ###.....#
    ###..#...
    ###....##
    .......##`);

  it('keeps the two largest', () => {
    expect(formatMask(keepLargestComponents(m.data, m.widthPx, m.heightPx, 2), m.widthPx, m.heightPx)).toBe(ascii(`
      ###......
      ###......
      ###....##
      .......##`));
  });

  it('keeps nothing for count 0 and everything for a large count', () => {
    expect(keepLargestComponents(m.data, m.widthPx, m.heightPx, 0).every((v) => v === 0)).toBe(true);
    expect(Array.from(keepLargestComponents(m.data, m.widthPx, m.heightPx, 10))).toEqual(Array.from(m.data));
  });

  it('removes islands below the size', () => {
    expect(formatMask(removeIslands(m.data, m.widthPx, m.heightPx, 2), m.widthPx, m.heightPx)).toBe(ascii(`
      ###......
      ###......
      ###....##
      .......##`));
    expect(formatMask(removeIslands(m.data, m.widthPx, m.heightPx, 5), m.widthPx, m.heightPx)).toBe(ascii(`
      ###......
      ###......
      ###......
      .........`));
  });
});
