import { describe, expect, it } from 'vitest';
import { findMidlineColumn, splitLeftRight } from '../../../../src-shared/mask/leftright';
import { ascii, formatMask, parseMask } from '../../../helpers/ascii-mask';

// formatMask prints label 1 (patient's right lung, image's left) as '#', label 2 as '2'.
describe('splitLeftRight', () => {
  it.each([
    {
      name: 'two separate lungs',
      input: `
        ..........
        .###..###.
        .###..###.
        ..##..##..`,
      expected: `
        ..........
        .###..222.
        .###..222.
        ..##..22..`,
    },
    {
      name: 'one merged blob is cut at its narrowest column',
      input: `
        ..........
        .####.###.
        .########.
        .####.###.`,
      expected: `
        ..........
        .####.222.
        .####2222.
        .####.222.`,
    },
    {
      name: 'islands go with the side of their centroid',
      input: `
        #.........
        .###..###.
        .###..###.
        .........#`,
      expected: `
        #.........
        .###..222.
        .###..222.
        .........2`,
    },
    {
      name: 'a single lung is not cut in two',
      input: `
        ..........
        ..####....
        ..#####...
        ..####....`,
      expected: `
        ..........
        ..####....
        ..#####...
        ..####....`,
    },
  ])('$name', ({ input, expected }) => {
    const m = parseMask(input);
    expect(formatMask(splitLeftRight(m.data, m.widthPx, m.heightPx), m.widthPx, m.heightPx)).toBe(ascii(expected));
  });

  it('returns background for an empty mask', () => {
    expect(Array.from(splitLeftRight(new Uint8Array(12), 4, 3))).toEqual(new Array(12).fill(0));
  });

  it('never changes which pixels are foreground', () => {
    const m = parseMask('.##.#.##\n####.###\n.#..##.#');
    const split = splitLeftRight(m.data, m.widthPx, m.heightPx);
    split.forEach((label, i) => expect(label !== 0).toBe(m.data[i] !== 0));
  });

  it('puts the midline in the middle of the gap between the lungs', () => {
    const m = parseMask('##......##\n##......##');
    expect(findMidlineColumn(m.data, m.widthPx, m.heightPx)).toBe(5);
  });
});
