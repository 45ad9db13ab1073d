import { describe, expect, it } from 'vitest';
import type { ImagePixels } from '../../../../src-shared/api/images';
import { applyWindow, buildWindowLut, windowFraction } from '../../../../src-shared/imaging/window';

function grey(values: number[], widthPx = values.length): ImagePixels {
  const data = Int16Array.from(values);
  return { widthPx, heightPx: values.length / widthPx, channels: 1, data, min: Math.min(...values), max: Math.max(...values), invert: false };
}

describe('windowFraction (PS3.3 C.11.2.1.2)', () => {
  // LINEAR with c=100, w=21: x <= 89.5 -> 0; x > 109.5 -> 1; else (x - 99.5) / 20 + 0.5
  it.each([
    [89, 0], [89.5, 0], [90, (90 - 99.5) / 20 + 0.5], [99.5, 0.5], [109.5, 1], [110, 1], [-1000, 0],
  ])('LINEAR c=100 w=21 maps %d to %d', (x, expected) => {
    expect(windowFraction(x, { center: 100, width: 21 })).toBeCloseTo(expected, 12);
  });

  it.each([
    [90, 0], [90.0001, 0.0001 / 20], [100, 0.5], [110, 1], [109, 0.95],
  ])('LINEAR_EXACT c=100 w=20 maps %d to %d', (x, expected) => {
    expect(windowFraction(x, { center: 100, width: 20, fn: 'LINEAR_EXACT' })).toBeCloseTo(expected, 9);
  });

  it.each([
    [100, 0.5], [110, 1 / (1 + Math.exp(-2))], [90, 1 / (1 + Math.exp(2))], [1e6, 1], [-1e6, 0],
  ])('SIGMOID c=100 w=20 maps %d to %d', (x, expected) => {
    expect(windowFraction(x, { center: 100, width: 20, fn: 'SIGMOID' })).toBeCloseTo(expected, 9);
  });

  it('treats LINEAR width 1 as a threshold at the centre', () => {
    expect(windowFraction(99, { center: 100, width: 1 })).toBe(0);
    expect(windowFraction(100, { center: 100, width: 1 })).toBe(1);
  });
});

describe('buildWindowLut', () => {
  it('covers the range from its first entry and rounds to bytes', () => {
    const lut = buildWindowLut({ minValue: -2, maxValue: 2 }, { center: 0, width: 5, fn: 'LINEAR_EXACT' }, { invert: false });
    expect(Array.from(lut)).toEqual([-2, -1, 0, 1, 2].map((x) => Math.round(((x - 0) / 5 + 0.5) * 255)));
  });

  it('inverts and reuses a long enough buffer', () => {
    const out = new Uint8Array(10);
    const lut = buildWindowLut({ minValue: 0, maxValue: 1 }, { center: 0.5, width: 1, fn: 'LINEAR_EXACT' }, { invert: true, out });
    expect(lut).toBe(out);
    expect([lut[0], lut[1]]).toEqual([255, 0]);
  });
});

describe('applyWindow', () => {
  const pixels = grey([0, 50, 100, 150, 200, 250], 3);

  it('maps through the window and writes into the given buffer without allocating a new one', () => {
    const out = new Uint8Array(6);
    const result = applyWindow(pixels, { center: 125.5, width: 251 }, { invert: false, out });
    expect(result).toBe(out);
    const expected = [0, 50, 100, 150, 200, 250].map((x) => Math.round(windowFraction(x, { center: 125.5, width: 251 }) * 255));
    expect(Array.from(out)).toEqual(expected);
    expect(out[0]).toBe(0);
    expect(out[5]).toBe(255);
  });

  it('inverts MONOCHROME1', () => {
    const plain = applyWindow(pixels, { center: 125, width: 251 }, { invert: false });
    const inverted = applyWindow(pixels, { center: 125, width: 251 }, { invert: true });
    expect(Array.from(inverted)).toEqual(Array.from(plain).map((v) => 255 - v));
  });

  it('writes RGBA for a canvas, grey replicated and alpha 255', () => {
    const rgba = applyWindow(pixels, { center: 125, width: 251 }, { invert: false, format: 'rgba' });
    const greyOut = applyWindow(pixels, { center: 125, width: 251 }, { invert: false });
    expect(rgba.length).toBe(24);
    for (let i = 0; i < 6; i++) expect(Array.from(rgba.subarray(4 * i, 4 * i + 4))).toEqual([greyOut[i], greyOut[i], greyOut[i], 255]);
  });

  it('gives the same bytes for float data (computed per pixel) as for integer data (LUT)', () => {
    const float: ImagePixels = { ...pixels, data: Float32Array.from(pixels.data) };
    const window = { center: 120, width: 90, fn: 'SIGMOID' as const };
    expect(Array.from(applyWindow(float, window, { invert: false }))).toEqual(Array.from(applyWindow(pixels, window, { invert: false })));
  });

  it('windows each channel of RGB data', () => {
    const rgb: ImagePixels = { widthPx: 1, heightPx: 1, channels: 3, data: Uint8Array.from([0, 128, 255]), min: 0, max: 255, invert: false };
    expect(Array.from(applyWindow(rgb, { center: 128, width: 256 }, { invert: false }))).toEqual([0, 128, 255]);
  });

  it('refuses a buffer that is too small', () => {
    expect(() => applyWindow(pixels, { center: 0, width: 10 }, { invert: false, out: new Uint8Array(5) })).toThrow(RangeError);
  });
});

describe('applyWindow to grey bytes, per array kind', () => {
  const values = Array.from({ length: 1031 }, (_, i) => (i * 37) % 3001);
  const window = { center: 1400, width: 2200 };
  const expected = values.map((x) => Math.round(windowFraction(x + 7, window) * 255));
  it.each([
    ['Uint16', Uint16Array],
    ['Uint8 (values mod 256)', Uint8Array],
    ['Int16', Int16Array],
    ['Int32', Int32Array],
  ] as const)('%s, into an aligned and an unaligned buffer, length not a multiple of 4', (_label, Kind) => {
    const data = Kind.from(values.map((v) => (Kind === Uint8Array ? v % 256 : v) + 7));
    const pixels: ImagePixels = { widthPx: data.length, heightPx: 1, channels: 1, data, min: Math.min(...data), max: Math.max(...data), invert: false };
    const want = Kind === Uint8Array ? values.map((v) => Math.round(windowFraction((v % 256) + 7, window) * 255)) : expected;
    expect(Array.from(applyWindow(pixels, window, { invert: false }))).toEqual(want);
    const backing = new Uint8Array(data.length + 1);
    expect(Array.from(applyWindow(pixels, window, { invert: false, out: backing.subarray(1) }))).toEqual(want);
  });
});
