import { describe, expect, it } from 'vitest';
import { decodeCocoRle, decodeRleCounts, encodeCocoRle, encodeRleCounts, rleCountsFromString, rleCountsToString } from '../../../../src-shared/mask/rle';

/** Masks written as rows of '.' (0) and '#' (1). */
function ascii(rows: string[]): { widthPx: number; heightPx: number; data: Uint8Array } {
  const data = Uint8Array.from(rows.join('').split(''), (c) => (c === '#' ? 1 : 0));
  return { widthPx: rows[0].length, heightPx: rows.length, data };
}

describe('COCO RLE', () => {
  it.each([
    // Column-major: column 0 is "..", column 1 "##", column 2 ".#".
    { rows: ['.#.', '.##'], counts: [2, 2, 1, 1] },
    { rows: ['##', '##'], counts: [0, 4] },
    { rows: ['..', '..'], counts: [4] },
    { rows: ['#.', '..'], counts: [0, 1, 3] },
  ])('encodes $rows column-major as $counts', ({ rows, counts }) => {
    const mask = ascii(rows);
    expect(encodeRleCounts(mask.data, mask.widthPx, mask.heightPx)).toEqual(counts);
    expect(decodeRleCounts(counts, mask.widthPx, mask.heightPx)).toEqual(mask.data);
  });

  it.each([
    // Worked by hand from pycocotools' rleToString (maskApi.c): 100 = 0b11_00100 -> 'T' (4|0x20) then '3';
    // 20 has bit 0x10 set, so it needs a continuation ('d' then '0'); the 4th count is 1 - 2 = -1 -> 'O'.
    { counts: [2, 2, 1, 1], text: '221O' },
    { counts: [0, 4], text: '04' },
    { counts: [100, 20, 80, 20], text: 'T3d0`20' },
  ])('writes the compressed form of $counts as $text', ({ counts, text }) => {
    expect(rleCountsToString(counts)).toBe(text);
    expect(rleCountsFromString(text)).toEqual(counts);
  });

  it('round-trips random masks through the string form, negative differences included', () => {
    let seed = 7;
    const random = () => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
    for (let trial = 0; trial < 50; trial++) {
      const widthPx = 1 + Math.floor(random() * 40);
      const heightPx = 1 + Math.floor(random() * 40);
      const density = random();
      const data = Uint8Array.from({ length: widthPx * heightPx }, () => (random() < density ? 1 : 0));
      const rle = encodeCocoRle(data, widthPx, heightPx);
      expect(rle.size).toEqual([heightPx, widthPx]);
      expect(decodeCocoRle(rle).data).toEqual(data);
    }
  });

  it('refuses counts that do not cover the mask and broken strings', () => {
    expect(() => decodeRleCounts([1, 2], 2, 2)).toThrow(RangeError);
    expect(() => rleCountsFromString('0\u0001')).toThrow(RangeError);
    expect(() => rleCountsFromString('P')).toThrow(RangeError); // continuation bit set on the last char
  });
});
