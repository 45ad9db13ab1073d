import { describe, expect, it } from 'vitest';
import { lungMeasurements } from '../../../../src-shared/metrics/measurements';
import { parseMask } from '../../../helpers/ascii-mask';

describe('lungMeasurements', () => {
  const m = parseMask(`
    ........
    .11..22.
    .11..22.
    .11...2.
    ......2.`);

  it('measures areas and heights with a pixel spacing', () => {
    const result = lungMeasurements(m.data, m.widthPx, m.heightPx, { rowMm: 2, colMm: 5 });
    // One pixel is 2 mm × 5 mm = 10 mm² = 0.1 cm².
    expect(result).toEqual({
      rightPx: 6,
      leftPx: 6,
      totalPx: 12,
      rightCm2: expect.closeTo(0.6, 12),
      leftCm2: expect.closeTo(0.6, 12),
      totalCm2: expect.closeTo(1.2, 12),
      lungHeightPx: 4,
      lungHeightMm: 8,
      rightHeightPx: 3,
      leftHeightPx: 4,
    });
  });

  it('gives pixels only without a spacing', () => {
    const result = lungMeasurements(m.data, m.widthPx, m.heightPx, null);
    expect(result.totalPx).toBe(12);
    expect(result.totalCm2).toBeNull();
    expect(result.lungHeightMm).toBeNull();
  });

  it('is all zero for an empty mask', () => {
    expect(lungMeasurements(new Uint8Array(6), 3, 2, { rowMm: 1, colMm: 1 })).toMatchObject({ totalPx: 0, totalCm2: 0, lungHeightPx: 0, rightHeightPx: 0, leftHeightPx: 0 });
  });

  it('rejects data of the wrong size', () => {
    expect(() => lungMeasurements(new Uint8Array(5), 3, 2, null)).toThrow(RangeError);
  });
});

describe('lungMeasurements on rows not word-aligned', () => {
  it.each([1, 2, 3])('counts the same as a plain loop for a mask viewed at byte offset %i, width 1003', (offset) => {
    const widthPx = 1003;
    const heightPx = 37;
    const backing = new Uint8Array(offset + widthPx * heightPx);
    for (let i = 0; i < backing.length; i++) backing[i] = Math.floor(i / 7) % 5 === 0 ? 0 : (Math.floor(i / 11) % 3);
    backing[offset + 5 * widthPx + 17] = 9; // a stray value counts as neither lung
    const labels = backing.subarray(offset);
    let right = 0;
    let left = 0;
    for (const v of labels) {
      if (v === 1) right++;
      else if (v === 2) left++;
    }
    const measured = lungMeasurements(labels, widthPx, heightPx, null);
    expect([measured.rightPx, measured.leftPx]).toEqual([right, left]);
  });
});
