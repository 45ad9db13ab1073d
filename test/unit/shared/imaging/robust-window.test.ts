// robustWindow counts integer films value by value (one increment per pixel) and bins the counts; the
// window must be exactly the one the per-pixel histogram (kept here as the reference) gives.
import { describe, expect, it } from 'vitest';
import type { ImagePixels } from '../../../../src-shared/api/images';
import { robustWindow } from '../../../../src-shared/imaging/defaults';
import { createRandom } from '../../../../src-shared/ml/random';

function reference(pixels: ImagePixels): { center: number; width: number } {
  const { data, min, max } = pixels;
  const bins = new Uint32Array(4096);
  const scale = 4095 / (max - min);
  for (let i = 0; i < data.length; i++) bins[Math.floor((data[i] - min) * scale)]++;
  const clip = Math.floor(data.length * 0.005);
  let low = 0;
  for (let seen = 0; low < 4095 && seen + bins[low] <= clip; low++) seen += bins[low];
  let high = 4095;
  for (let seen = 0; high > low && seen + bins[high] <= clip; high--) seen += bins[high];
  const lowValue = min + low / scale;
  const width = Math.max(1, min + (high + 1) / scale - lowValue);
  return { center: lowValue + width / 2, width };
}

function film(data: ImagePixels['data'], fill: (random: () => number) => number): ImagePixels {
  const random = createRandom(data.length);
  let min = Infinity;
  let max = -Infinity;
  for (let i = 0; i < data.length; i++) {
    data[i] = fill(random);
    min = Math.min(min, data[i]);
    max = Math.max(max, data[i]);
  }
  return { widthPx: data.length, heightPx: 1, channels: 1, data, min, max, invert: false };
}

describe('robustWindow equals the per-pixel histogram', () => {
  it.each<[string, ImagePixels]>([
    ['12-bit unsigned', film(new Uint16Array(200_000), (r) => Math.floor(4095 * r() ** 2))],
    ['16-bit full range', film(new Uint16Array(200_000), (r) => Math.floor(65535 * r()))],
    ['10-bit, few values', film(new Uint16Array(50_000), (r) => 300 + Math.floor(3 * r()) * 200)],
    ['signed 16-bit', film(new Int16Array(200_000), (r) => Math.floor(-1024 + 5000 * r()))],
    ['32-bit, range past the value table (floats path)', film(new Int32Array(100_000), (r) => Math.floor(-5e6 + 1e7 * r()))],
    ['float', film(new Float32Array(100_000), (r) => 1000 * r() - 200)],
  ])('%s', (_label, pixels) => {
    const window = robustWindow(pixels);
    expect({ center: window.center, width: window.width }).toEqual(reference(pixels));
  });

  it('a value outside the declared min..max is binned as before', () => {
    const pixels = film(new Uint16Array(10_000), (r) => 1000 + Math.floor(3000 * r()));
    pixels.data[5] = pixels.max + 3;
    const window = robustWindow(pixels);
    expect({ center: window.center, width: window.width }).toEqual(reference(pixels));
  });
});
