import { describe, expect, it } from 'vitest';
import type { ImagePixels } from '../../../../src-shared/api';
import { applyWindow, type DisplayWindow } from '../../../../src-shared/imaging/window';
import { IndexedWindowing } from '../../../../src-renderer/src/editor/image-painter';

function pixels(data: ImagePixels['data'], channels: 1 | 3 = 1): ImagePixels {
  let min = Infinity;
  let max = -Infinity;
  for (const v of data) {
    min = Math.min(min, v);
    max = Math.max(max, v);
  }
  return { widthPx: data.length / channels, heightPx: 1, channels, data, min, max, invert: false };
}

/** The reference: src-shared/imaging's applyWindow to RGBA, packed as the canvas sees it. */
function reference(image: ImagePixels, window: DisplayWindow, invert: boolean): number[] {
  const rgba = applyWindow(image, window, { invert, format: 'rgba' });
  return Array.from(new Uint32Array(rgba.buffer, rgba.byteOffset, rgba.length / 4));
}

const ramp16 = new Uint16Array(Array.from({ length: 4096 }, (_, i) => i * 7));
const signed = new Int16Array([-1024, -500, 0, 40, 400, 3071]);

describe('LUT windowing of the image layer', () => {
  it.each<[string, ImagePixels, DisplayWindow, boolean]>([
    ['16-bit ramp, linear', pixels(ramp16), { center: 10000, width: 8000 }, false],
    ['16-bit ramp, inverted', pixels(ramp16), { center: 10000, width: 8000 }, true],
    ['16-bit ramp, sigmoid', pixels(ramp16), { center: 14000, width: 5000, fn: 'SIGMOID' }, false],
    ['signed CT-like values', pixels(signed), { center: 40, width: 400 }, false],
    ['narrow window', pixels(signed), { center: 0, width: 1 }, false],
  ])('matches applyWindow exactly: %s', (_name, image, window, invert) => {
    const windowing = new IndexedWindowing();
    windowing.prepare(image);
    const out = new Uint32Array(image.widthPx);
    windowing.render(out, window, { invert });
    expect(Array.from(out)).toEqual(reference(image, window, invert));
  });

  it('re-renders into the same buffer for a new window (what a drag does)', () => {
    const image = pixels(ramp16);
    const windowing = new IndexedWindowing();
    windowing.prepare(image);
    const out = new Uint32Array(image.widthPx);
    windowing.render(out, { center: 1000, width: 100 }, { invert: false });
    const first = Array.from(out);
    windowing.render(out, { center: 20000, width: 30000 }, { invert: false });
    expect(Array.from(out)).not.toEqual(first);
    expect(Array.from(out)).toEqual(reference(image, { center: 20000, width: 30000 }, false));
  });

  it('float images are quantised to 65536 levels: within one grey level of the exact window', () => {
    const data = new Float32Array(Array.from({ length: 1000 }, (_, i) => Math.sin(i) * 3.3));
    const image = pixels(data);
    const windowing = new IndexedWindowing();
    windowing.prepare(image);
    const out = new Uint32Array(image.widthPx);
    const window = { center: 0, width: 4 };
    windowing.render(out, window, { invert: false });
    const exact = reference(image, window, false);
    for (let i = 0; i < out.length; i++) expect(Math.abs((out[i] & 0xff) - (exact[i] & 0xff))).toBeLessThanOrEqual(1);
  });
});
