// The WebAssembly kernels: the shipped bytes are what their .wat source assembles to, they load in Node
// (so a broken module cannot hide behind the JavaScript fallback), they give the JavaScript loops' exact
// integers, and they decline what they cannot do (blocks too tall for their lanes) so the loops take it.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { assembleWat, exportNameOf, generatedSource, wasmDir } from '../../../../scripts/build-wasm';
import { decodeBase64, setWasmKernelsEnabled, wasmBlockSumsLut, wasmBlockSumsU8, wasmKernelsAvailable, wasmValueCountsU16 } from '../../../../src-shared/wasm/kernels';
import { robustWindow } from '../../../../src-shared/imaging';
import { createRandom } from '../../../../src-shared/ml/random';

function edges(source: number, target: number): Int32Array {
  return Int32Array.from({ length: target + 1 }, (_, t) => Math.round((t * source) / target));
}

function plainSums(data: ArrayLike<number>, w: number, cols: Int32Array, rows: Int32Array, map: (v: number) => number = (v) => v): number[] {
  const out: number[] = [];
  for (let ty = 0; ty + 1 < rows.length; ty++) {
    for (let tx = 0; tx + 1 < cols.length; tx++) {
      let sum = 0;
      for (let y = rows[ty]; y < rows[ty + 1]; y++) for (let x = cols[tx]; x < cols[tx + 1]; x++) sum += map(data[y * w + x]);
      out.push(sum);
    }
  }
  return out;
}

function noise(length: number, high: number, seed: number): number[] {
  const random = createRandom(seed);
  return Array.from({ length }, () => Math.floor(random() * (high + 1)));
}

afterEach(() => setWasmKernelsEnabled(true));

describe('the WebAssembly kernels', () => {
  it('ship the bytes their source assembles to', async () => {
    const wat = readFileSync(join(wasmDir, 'area-sums.wat'), 'utf8');
    const generated = readFileSync(join(wasmDir, 'area-sums.wasm.ts'), 'utf8');
    expect(generated).toBe(generatedSource('area-sums.wat', exportNameOf('area-sums.wat'), await assembleWat('area-sums.wat', wat)));
  });

  it('load in Node, and can be turned off', () => {
    expect(wasmKernelsAvailable()).toBe(true);
    setWasmKernelsEnabled(false);
    expect(wasmKernelsAvailable()).toBe(false);
    expect(wasmBlockSumsU8(new Uint8Array(4), 2, 2, edges(2, 1), edges(2, 1))).toBeNull();
  });

  it.each([
    [2000, 1600, 128, 128],
    [1023, 777, 128, 97], // width not a multiple of 16: the last columns one by one
    [15, 9, 4, 3], // narrower than one vector
    [37, 29, 37, 29], // one pixel per block
  ])('8-bit block sums of %ix%i to %ix%i equal the plain loop', (w, h, tw, th) => {
    const data = Uint8Array.from(noise(w * h, 255, w * 31 + h));
    const cols = edges(w, tw);
    const rows = edges(h, th);
    expect(Array.from(wasmBlockSumsU8(data, w, h, cols, rows) ?? [])).toEqual(plainSums(data, w, cols, rows));
  });

  it('8-bit block sums of a view at an odd byte offset, all 255 in blocks of 257 rows (the lanes full)', () => {
    const backing = new Uint8Array(1 + 33 * 257).fill(255);
    const data = backing.subarray(1);
    expect(Array.from(wasmBlockSumsU8(data, 33, 257, edges(33, 2), edges(257, 1)) ?? [])).toEqual([17 * 257 * 255, 16 * 257 * 255]);
  });

  it('decline blocks taller than their 16-bit lanes (258 rows)', () => {
    expect(wasmBlockSumsU8(new Uint8Array(8 * 258), 8, 258, edges(8, 2), edges(258, 1))).toBeNull();
  });

  it.each([
    ['16-bit through a clipping 4096-entry table', Uint16Array.from(noise(1001 * 999, 4095, 12)), 1001, 999, Uint8Array.from({ length: 4096 }, (_, i) => Math.max(0, Math.min(255, Math.round((i - 1000) / 8)))), 0],
    ['16-bit from a base of 3000', Uint16Array.from(noise(640 * 480, 999, 13).map((v) => v + 3000)), 640, 480, Uint8Array.from({ length: 1000 }, (_, i) => 255 - Math.floor(i / 4)), 3000],
    ['8-bit through a stretching table', Uint8Array.from(noise(777 * 555, 199, 11).map((v) => v + 20)), 777, 555, Uint8Array.from({ length: 200 }, (_, i) => Math.round((i * 255) / 199)), 20],
  ])('block sums %s equal the plain loop', (_label, data, w, h, lut, base) => {
    const cols = edges(w, 128);
    const rows = edges(h, 100);
    expect(Array.from(wasmBlockSumsLut(data, w, h, cols, rows, lut, base) ?? [])).toEqual(plainSums(data, w, cols, rows, (v) => lut[v - base]));
  });

  it('count 16-bit values as the JavaScript loop does, and the automatic window is the same either way', () => {
    const data = Uint16Array.from(noise(1234 * 567 + 3, 4095, 21).map((v) => v + 100)); // length not a multiple of 4
    const expected = new Uint32Array(4096);
    for (const v of data) expected[v - 100]++;
    expect(wasmValueCountsU16(data, 100, 4096)).toEqual(expected);
    const pixels = { widthPx: 1234, heightPx: 567, channels: 1 as const, data: data.subarray(0, 1234 * 567), min: 100, max: 4195, invert: false };
    const withKernels = robustWindow(pixels);
    setWasmKernelsEnabled(false);
    expect(robustWindow(pixels)).toEqual(withKernels);
  });
});

describe('decodeBase64', () => {
  it.each([0, 1, 2, 3, 4, 100, 1234])('gives back %i bytes as Buffer encoded them', (n) => {
    const bytes = Uint8Array.from(noise(n, 255, n + 1));
    expect(decodeBase64(Buffer.from(bytes).toString('base64'))).toEqual(bytes);
  });

  it('refuses a character outside the alphabet', () => {
    expect(() => decodeBase64('AB$D')).toThrow(RangeError);
  });
});
