// The area average against the plainest possible implementation (every output pixel: a double loop over
// its block, one float64 sum, one division), value for value: 8-bit images through the byte-lane sums
// (aligned and unaligned rows, widths that are not a multiple of 4, blocks too tall for the lanes),
// through a window table (identity or not), and 16-bit, signed and float images. Every case runs twice:
// through the WebAssembly kernels (src-shared/wasm) and with them off (the JavaScript loops).
import { afterAll, beforeEach, describe, expect, it } from 'vitest';
import { setWasmKernelsEnabled, wasmKernelsAvailable } from '../../../../src-shared/wasm/kernels';
import { areaAverage, areaAverageThroughLut, type NumericImage } from '../../../../src-shared/ml/area-average';
import { createRandom } from '../../../../src-shared/ml/random';

function naive(image: NumericImage, widthPx: number, heightPx: number, map: (value: number) => number = (v) => v): Float64Array {
  const edge = (t: number, source: number, target: number) => Math.round((t * source) / target);
  const out = new Float64Array(widthPx * heightPx);
  for (let ty = 0; ty < heightPx; ty++) {
    for (let tx = 0; tx < widthPx; tx++) {
      let sum = 0;
      const [x0, x1] = [edge(tx, image.widthPx, widthPx), edge(tx + 1, image.widthPx, widthPx)];
      const [y0, y1] = [edge(ty, image.heightPx, heightPx), edge(ty + 1, image.heightPx, heightPx)];
      for (let y = y0; y < y1; y++) for (let x = x0; x < x1; x++) sum += map(image.data[y * image.widthPx + x]);
      out[ty * widthPx + tx] = sum / ((x1 - x0) * (y1 - y0));
    }
  }
  return out;
}

function noise(length: number, low: number, high: number, seed: number): number[] {
  const random = createRandom(seed);
  return Array.from({ length }, () => low + Math.floor(random() * (high - low + 1)));
}

/** The first index where `actual` differs from `expected` rounded to float32 (and then divided as the code does), or -1. */
function firstDifference(actual: Float32Array, expected: Float64Array, over255 = false): number {
  const f = new Float32Array(1);
  for (let i = 0; i < expected.length; i++) {
    f[0] = expected[i];
    if (over255) f[0] = f[0] / 255;
    if (actual[i] !== f[0]) return i;
  }
  return actual.length === expected.length ? -1 : expected.length;
}

describe.each([['WebAssembly kernels', true], ['JavaScript loops', false]])('%s', (_path, wasm) => {
  beforeEach(() => setWasmKernelsEnabled(wasm));
  afterAll(() => setWasmKernelsEnabled(true));
  it('takes the path it names', () => {
    expect(wasmKernelsAvailable()).toBe(wasm);
  });

describe('areaAverage equals the plain double loop', () => {
  it.each([
    ['8-bit, width a multiple of 4', 2000, 1600, 128, 128],
    ['8-bit, odd width (rows not word-aligned)', 1023, 777, 128, 97],
    ['8-bit, width 4k + 2', 514, 300, 64, 64],
    ['8-bit, tiny', 5, 3, 2, 1],
    ['8-bit, blocks taller than the byte lanes (300 rows)', 16, 900, 4, 3],
    ['8-bit, same size', 37, 29, 37, 29],
  ])('%s: %ix%i to %ix%i', (_label, w, h, tw, th) => {
    const image = { widthPx: w, heightPx: h, data: Uint8Array.from(noise(w * h, 0, 255, w + h)) };
    expect(firstDifference(areaAverage(image, tw, th).data, naive(image, tw, th))).toBe(-1);
  });

  it('8-bit rows at an odd byte offset (a view into a larger buffer)', () => {
    const backing = Uint8Array.from(noise(1 + 400 * 300, 0, 255, 5));
    const image = { widthPx: 400, heightPx: 300, data: backing.subarray(1) };
    expect(firstDifference(areaAverage(image, 128, 128).data, naive(image, 128, 128))).toBe(-1);
  });

  it.each([257, 258, 600])('8-bit, all 255 in blocks of %i rows (the 16-bit lanes hold 257)', (rows) => {
    const image = { widthPx: 8, heightPx: rows, data: new Uint8Array(8 * rows).fill(255) };
    expect(Array.from(areaAverage(image, 2, 1).data)).toEqual([255, 255]);
  });

  it.each([
    ['16-bit', Uint16Array.from(noise(611 * 433, 0, 65535, 1))],
    ['signed 16-bit', Int16Array.from(noise(611 * 433, -32768, 32767, 2))],
    ['float', Float32Array.from(noise(611 * 433, -1000, 1000, 3).map((v) => v / 7))],
  ])('%s', (_label, data) => {
    const image = { widthPx: 611, heightPx: 433, data };
    expect(firstDifference(areaAverage(image, 128, 100).data, naive(image, 128, 100))).toBe(-1);
  });
});

describe('areaAverageThroughLut equals windowing every pixel, then the plain double loop, then / 255', () => {
  const identity = Uint8Array.from({ length: 256 }, (_, i) => i);
  const stretch = Uint8Array.from({ length: 200 }, (_, i) => Math.round((i * 255) / 199));
  const wide = Uint8Array.from({ length: 4096 }, (_, i) => Math.max(0, Math.min(255, Math.round((i - 1000) / 8))));
  it.each<[string, NumericImage, Uint8Array, number]>([
    ['8-bit, identity table (byte lanes)', { widthPx: 2000, heightPx: 1500, data: Uint8Array.from(noise(2000 * 1500, 0, 255, 9)) }, identity, 0],
    ['8-bit, identity table, odd width', { widthPx: 999, heightPx: 501, data: Uint8Array.from(noise(999 * 501, 0, 255, 10)) }, identity, 0],
    ['8-bit, stretching table from 20', { widthPx: 777, heightPx: 555, data: Uint8Array.from(noise(777 * 555, 20, 219, 11)) }, stretch, 20],
    ['16-bit, clipping window', { widthPx: 1001, heightPx: 999, data: Uint16Array.from(noise(1001 * 999, 0, 4095, 12)) }, wide, 0],
    ['signed 16-bit from -1000', { widthPx: 640, heightPx: 480, data: Int16Array.from(noise(640 * 480, -1000, 3095, 13)) }, wide, -1000],
  ])('%s', (_label, image, lut, base) => {
    const expected = naive(image, 128, 128, (v) => lut[v - base]);
    expect(firstDifference(areaAverageThroughLut(image as never, lut, base, 128, 128), expected, true)).toBe(-1);
  });
});
});
