// robustWindow and contentWindow count integer films value by value (one increment per pixel); the
// result must be exactly what the references kept here give (the per-pixel histogram; a sort of the values).
import { describe, expect, it } from 'vitest';
import type { ImagePixels } from '../../../../src-shared/api/images';
import { centralPercentiles, contentWindow, robustWindow } from '../../../../src-shared/imaging/defaults';
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

/** contentWindow's reference: the sampled central values sorted, nearest rank below (what it did before counting). */
function sortedPercentiles(pixels: ImagePixels, low: number, high: number): [number, number] {
  const { widthPx, heightPx, data } = pixels;
  const values: number[] = [];
  for (let y = Math.floor(heightPx * 0.2); y < Math.ceil(heightPx * 0.8); y += 2) {
    for (let x = Math.floor(widthPx * 0.2); x < Math.ceil(widthPx * 0.8); x += 2) values.push(data[y * widthPx + x]);
  }
  const sorted = Float64Array.from(values).sort();
  return [sorted[Math.floor(low * (sorted.length - 1))], sorted[Math.floor(high * (sorted.length - 1))]];
}

describe('contentWindow counts integer films: the same percentiles as a sort', () => {
  const sized = (pixels: ImagePixels, widthPx: number): ImagePixels => ({ ...pixels, widthPx, heightPx: pixels.data.length / widthPx });
  it.each<[string, ImagePixels]>([
    ['16-bit film', sized(film(new Uint16Array(301 * 257), (r) => Math.floor(r() * r() * 4096)), 301)],
    ['signed film with a narrow peak', sized(film(new Int16Array(200 * 150), (r) => (r() < 0.9 ? 40 + Math.floor(r() * 3) : Math.floor(r() * 4000) - 1024)), 200)],
    ['8-bit film', sized(film(new Uint8Array(99 * 101), (r) => Math.floor(r() * 256)), 99)],
    ['float film (sorted)', sized(film(new Float32Array(120 * 90), (r) => r() * 1000 - 3.5), 120)],
  ])('%s', (_name, pixels) => {
    expect(centralPercentiles(pixels, 0.01, 0.99)).toEqual(sortedPercentiles(pixels, 0.01, 0.99));
    const [low, high] = sortedPercentiles(pixels, 0.01, 0.99);
    const window = contentWindow(pixels);
    if (high > low) expect([window.center, window.width]).toEqual([(low + high) / 2, high - low]);
  });

  it('a film with values outside its declared range is sorted, not miscounted', () => {
    const pixels = sized(film(new Uint16Array(100 * 100), (r) => Math.floor(r() * 1000)), 100);
    const narrowed = { ...pixels, min: 200, max: 300 };
    expect(centralPercentiles(narrowed, 0.01, 0.99)).toEqual(sortedPercentiles(narrowed, 0.01, 0.99));
  });
});
