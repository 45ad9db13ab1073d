import { describe, expect, it } from 'vitest';
import type { PixelModule } from '../../../../src-main/services/images/dicom/attributes';
import { modalityPixels, nativeWords, storedValues, storedValuesAndRange } from '../../../../src-main/services/images/dicom/pixels';

const base: PixelModule = {
  rows: 1, columns: 4, frames: 1, samplesPerPixel: 1, bitsAllocated: 16, bitsStored: 12, highBit: 11, signed: false,
  planarConfiguration: 0, photometric: 'MONOCHROME2', rescaleSlope: 1, rescaleIntercept: 0, modalityLut: null,
  paddingValue: null, paddingRangeLimit: null,
};

describe('storedValues (PS3.5 8.1.1)', () => {
  it.each([
    ['unsigned 12 of 16, overlay bits above dropped', { signed: false }, [0xf123, 0x0fff, 0x1000, 0], [0x123, 0xfff, 0, 0]],
    ['signed 12-bit sign-extended', { signed: true }, [0x0800, 0x0fff, 0x07ff, 0x0001], [-2048, -1, 2047, 1]],
    ['high bit 15 with 12 stored shifts right by 4', { highBit: 15 }, [0x1230, 0xfff0, 0x000f, 0], [0x123, 0xfff, 0, 0]],
    ['signed 16 of 16', { bitsStored: 16, highBit: 15, signed: true }, [0x8000, 0xffff, 0x7fff, 0], [-32768, -1, 32767, 0]],
  ])('%s', (_name, overrides, words, expected) => {
    const module = { ...base, ...overrides };
    expect(Array.from(storedValues({ samples: Uint16Array.from(words), native: true, planar: false }, module))).toEqual(expected);
  });

  it('leaves unsigned codec output as it is and sign-extends signed codec output', () => {
    const samples = Uint16Array.from([0x0fff, 1, 2, 3]);
    expect(storedValues({ samples, native: false, planar: false }, base)).toBe(samples);
    expect(Array.from(storedValues({ samples, native: false, planar: false }, { ...base, signed: true }))).toEqual([-1, 1, 2, 3]);
  });
});

describe('storedValuesAndRange (one pass for values, min and max)', () => {
  it('keeps 12-in-16 words in a Uint16Array with their range, and the modality step reuses it unchanged', () => {
    const frame = { samples: Uint16Array.from([0xf123, 0x0fff, 0x1000, 0x0042]), native: true, planar: false };
    const stored = storedValuesAndRange(frame, base);
    expect(stored.values).toBeInstanceOf(Uint16Array);
    expect(Array.from(stored.values)).toEqual([0x123, 0xfff, 0, 0x42]);
    expect(stored.range).toEqual({ min: 0, max: 0xfff });
    const withRange = modalityPixels(stored.values, base, stored.range);
    const without = modalityPixels(stored.values, base);
    expect(withRange.data).toBe(stored.values);
    expect({ ...withRange, data: Array.from(withRange.data) }).toEqual({ ...without, data: Array.from(without.data) });
  });

  it('returns 12-in-16 words with nothing above bit 11 as they are, without a copy, with their range', () => {
    const samples = Uint16Array.from([7, 0x0fff, 3, 0x0800]);
    const stored = storedValuesAndRange({ samples, native: true, planar: false }, base);
    expect(stored.values).toBe(samples);
    expect(stored.range).toEqual({ min: 3, max: 0xfff });
  });

  it('ignores a known range when pixel padding must be left out of it', () => {
    const stored = storedValuesAndRange({ samples: Uint16Array.from([0, 10, 20, 30]), native: true, planar: false }, base);
    const padded = modalityPixels(stored.values, { ...base, paddingValue: 0 }, stored.range);
    expect([padded.min, padded.max]).toEqual([10, 30]);
  });

  it('signed stored values stay in 16 bits', () => {
    const stored = storedValuesAndRange({ samples: Uint16Array.from([0x0800, 0x0fff]), native: true, planar: false }, { ...base, signed: true });
    expect(stored.values).toBeInstanceOf(Int16Array);
    expect(Array.from(stored.values)).toEqual([-2048, -1]);
  });
});

describe('nativeWords', () => {
  it('reads big-endian and unaligned little-endian words', () => {
    const bytes = Uint8Array.from([0, 0x01, 0x02, 0x03, 0x04]).subarray(1);
    expect(Array.from(nativeWords(bytes, 16, true))).toEqual([0x0102, 0x0304]);
    expect(Array.from(nativeWords(bytes, 16, false))).toEqual([0x0201, 0x0403]);
  });
});

describe('modalityPixels', () => {
  it('applies rescale slope/intercept with a signed integer result', () => {
    const pixels = modalityPixels(Int32Array.from([0, 1, 2, 3]), { ...base, rescaleSlope: 2, rescaleIntercept: -1024 });
    expect(Array.from(pixels.data)).toEqual([-1024, -1022, -1020, -1018]);
    expect(pixels.data).toBeInstanceOf(Int16Array);
    expect([pixels.min, pixels.max]).toEqual([-1024, -1018]);
  });

  it('keeps fractional rescale results as floats', () => {
    const pixels = modalityPixels(Int32Array.from([0, 1, 2, 3]), { ...base, rescaleSlope: 0.5 });
    expect(pixels.data).toBeInstanceOf(Float32Array);
    expect(Array.from(pixels.data)).toEqual([0, 0.5, 1, 1.5]);
  });

  it('maps through a Modality LUT Sequence, clamping outside the table', () => {
    const modalityLut = { firstValue: 1, bits: 16, table: Uint16Array.from([100, 200]) };
    const pixels = modalityPixels(Int32Array.from([0, 1, 2, 9]), { ...base, modalityLut });
    expect(Array.from(pixels.data)).toEqual([100, 100, 200, 200]);
  });

  it('leaves padding out of min/max and paints it darkest (max for MONOCHROME1)', () => {
    const module = { ...base, paddingValue: 4000, photometric: 'MONOCHROME1' };
    const pixels = modalityPixels(Int32Array.from([4000, 10, 20, 30]), module);
    expect([pixels.min, pixels.max, pixels.invert]).toEqual([10, 30, true]);
    expect(Array.from(pixels.data)).toEqual([30, 10, 20, 30]);
    const ranged = modalityPixels(Int32Array.from([0, 5, 20, 30]), { ...base, paddingValue: 0, paddingRangeLimit: 5 });
    expect(Array.from(ranged.data)).toEqual([20, 20, 20, 30]);
  });
});

describe('ranges found in the stored-value pass, wherever the extremes sit', () => {
  // the range loops keep several min/max pairs (pixel i into pair i % 4 or i % 2) and a scalar tail
  const cases = Array.from({ length: 9 }, (_, length) => length + 1).flatMap((length) =>
    Array.from({ length }, (_, at) => [length, at] as const));
  it.each(cases)('length %i, extremes at %i', (length, at) => {
    const words = Array.from({ length }, () => 500);
    words[at] = 4000;
    words[(at + 1) % length] = length > 1 ? 3 : 4000;
    const expected = { min: Math.min(...words), max: Math.max(...words) };
    // 12 of 16 bits, nothing above: read-only pass
    expect(storedValuesAndRange({ samples: Uint16Array.from(words), native: true, planar: false }, base).range).toEqual(expected);
    // overlay bits above bit 11: the masking pass
    expect(storedValuesAndRange({ samples: Uint16Array.from(words, (w) => w | 0xf000), native: true, planar: false }, base).range).toEqual(expected);
    // 16-bit codec output
    expect(storedValuesAndRange({ samples: Uint16Array.from(words), native: false, planar: false }, base).range).toEqual(expected);
    // 8-bit codec output
    const bytes = words.map((w) => w >> 4);
    expect(storedValuesAndRange({ samples: Uint8Array.from(bytes), native: false, planar: false }, { ...base, bitsAllocated: 8, bitsStored: 8, highBit: 7 }).range).toEqual({ min: Math.min(...bytes), max: Math.max(...bytes) });
  });
});
