import { describe, expect, it } from 'vitest';
import type { ImagePixels } from '../../../../src-shared/api/images';
import { applyVoiLut, voiLutFraction } from '../../../../src-shared/imaging/voi';

describe('VOI LUT (PS3.3 C.11.2.1.1)', () => {
  const lut = { firstValue: 10, bits: 8, table: [0, 51, 102, 255] };

  it.each([
    [5, 0], [10, 0], [11, 51 / 255], [12, 102 / 255], [13, 1], [500, 1],
  ])('maps input %d to %d, clamping outside the table', (x, expected) => {
    expect(voiLutFraction(x, lut)).toBeCloseTo(expected, 12);
  });

  it('scales a 12-bit LUT output to bytes', () => {
    expect(voiLutFraction(0, { firstValue: 0, bits: 12, table: [4095] })).toBe(1);
    expect(voiLutFraction(0, { firstValue: 0, bits: 12, table: [2048] })).toBeCloseTo(2048 / 4095, 12);
  });

  it('maps pixels and inverts on request', () => {
    const pixels: ImagePixels = { widthPx: 4, heightPx: 1, channels: 1, data: Uint16Array.from([10, 11, 12, 13]), min: 10, max: 13, invert: false };
    expect(Array.from(applyVoiLut(pixels, lut, { invert: false }))).toEqual([0, 51, 102, 255]);
    expect(Array.from(applyVoiLut(pixels, lut, { invert: true }))).toEqual([255, 204, 153, 0]);
  });
});
