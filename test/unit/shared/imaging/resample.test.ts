import { describe, expect, it } from 'vitest';
import { resampleBilinear, resizeNearest } from '../../../../src-shared/imaging/resample';
import { contentWindow, defaultWindow, displayWindow, robustWindow, toGrey8, windowFitsPixels } from '../../../../src-shared/imaging/defaults';
import type { ImagePixels } from '../../../../src-shared/api/images';

describe('resampleBilinear', () => {
  it('is the identity at the same size', () => {
    const data = Float32Array.from([1, 2, 3, 4, 5, 6]);
    expect(Array.from(resampleBilinear({ widthPx: 3, heightPx: 2, data }, { widthPx: 3, heightPx: 2 }).data)).toEqual([1, 2, 3, 4, 5, 6]);
  });

  it('uses pixel-centre alignment when upscaling (as OpenCV INTER_LINEAR)', () => {
    // 2 -> 4: output centres map to -0.25, 0.25, 0.75, 1.25 -> clamped 0, 0.25, 0.75, 1
    const out = resampleBilinear({ widthPx: 2, heightPx: 1, data: Float32Array.from([0, 10]) }, { widthPx: 4, heightPx: 1 });
    expect(Array.from(out.data)).toEqual([0, 2.5, 7.5, 10]);
  });

  it('averages neighbours when halving and rounds Uint8 output', () => {
    const out = resampleBilinear({ widthPx: 4, heightPx: 1, data: Uint8Array.from([0, 1, 10, 20]) }, { widthPx: 2, heightPx: 1 });
    expect(out.data).toBeInstanceOf(Uint8Array);
    expect(Array.from(out.data)).toEqual([1, 15]);
  });
});

describe('resizeNearest', () => {
  it('keeps labels and maps pixel centres', () => {
    const mask = Uint8Array.from([0, 1, 2, 0]);
    expect(Array.from(resizeNearest({ widthPx: 2, heightPx: 2, data: mask }, { widthPx: 4, heightPx: 4 }).data)).toEqual([
      0, 0, 1, 1,
      0, 0, 1, 1,
      2, 2, 0, 0,
      2, 2, 0, 0,
    ]);
    expect(Array.from(resizeNearest({ widthPx: 4, heightPx: 1, data: Uint8Array.from([5, 6, 7, 8]) }, { widthPx: 2, heightPx: 1 }).data)).toEqual([6, 8]);
  });
});

describe('default window and toGrey8', () => {
  const ramp = (count: number, invert = false): ImagePixels => {
    const data = new Uint16Array(count);
    for (let i = 0; i < count; i++) data[i] = i;
    return { widthPx: count, heightPx: 1, channels: 1, data, min: 0, max: count - 1, invert };
  };

  it('prefers the first preset of the file', () => {
    const preset = { center: 10, width: 20, name: 'Lung', fn: 'LINEAR' as const };
    expect(defaultWindow({ windows: [preset] }, ramp(1000))).toBe(preset);
  });

  it('stretches 8-bit ranges min to max and clips 0.5 % at each end of wide ranges', () => {
    expect(defaultWindow({ windows: [] }, ramp(200))).toMatchObject({ center: 100, width: 200 });
    const robust = robustWindow(ramp(10000));
    expect(robust.center - robust.width / 2).toBeGreaterThan(40);
    expect(robust.center - robust.width / 2).toBeLessThan(60);
    expect(robust.center + robust.width / 2).toBeGreaterThan(9940);
    expect(robust.center + robust.width / 2).toBeLessThan(9960);
  });

  it('inverts MONOCHROME1 so that low values (air in MONOCHROME1 is high) come out dark', () => {
    const plain = toGrey8(ramp(256), { windows: [], voiLut: null });
    const inverted = toGrey8(ramp(256, true), { windows: [], voiLut: null });
    expect(plain[0]).toBe(0);
    expect(plain[255]).toBe(255);
    expect(inverted[0]).toBe(255);
    expect(inverted[255]).toBe(0);
  });

  it('uses the VOI LUT when the file has no window, and luminance for RGB', () => {
    const pixels: ImagePixels = { widthPx: 2, heightPx: 1, channels: 1, data: Uint16Array.from([0, 1]), min: 0, max: 1, invert: false };
    expect(Array.from(toGrey8(pixels, { windows: [], voiLut: { firstValue: 0, bits: 8, table: [255, 0] } }))).toEqual([255, 0]);
    const rgb: ImagePixels = { widthPx: 1, heightPx: 1, channels: 3, data: Uint8Array.from([255, 0, 0]), min: 0, max: 255, invert: false };
    expect(Array.from(toGrey8(rgb, { windows: [], voiLut: null }))).toEqual([Math.round(0.299 * 255)]);
  });
});

describe('file windows that do not fit the pixels', () => {
  const twelveBit = (): ImagePixels => {
    const data = new Uint16Array(4096);
    for (let i = 0; i < data.length; i++) data[i] = i;
    return { widthPx: 4096, heightPx: 1, channels: 1, data, min: 0, max: 4095, invert: false };
  };

  it('passes over a C15000/W30000 preset on a 12-bit image (washed out) and one beside the values', () => {
    const wide = { center: 15000, width: 30000, name: 'file', fn: 'LINEAR' as const };
    const beside = { center: 9000, width: 1000, name: 'beside', fn: 'LINEAR' as const };
    expect(windowFitsPixels(wide, twelveBit())).toBe(false);
    expect(windowFitsPixels(beside, twelveBit())).toBe(false);
    expect(displayWindow({ windows: [wide, beside] }, twelveBit())).toMatchObject({ source: 'auto' });
    // The model's input is not changed by this: it keeps the file's window.
    expect(defaultWindow({ windows: [wide, beside] }, twelveBit())).toBe(wide);
  });

  it('keeps a fitting preset, also a narrow one, and the first fitting one after a bad one', () => {
    const fitting = { center: 2048, width: 4096, name: 'full', fn: 'LINEAR' as const };
    const narrow = { center: 1000, width: 400, name: 'lung', fn: 'LINEAR' as const };
    const wide = { center: 15000, width: 30000, name: 'file', fn: 'LINEAR' as const };
    expect(windowFitsPixels(fitting, twelveBit())).toBe(true);
    expect(displayWindow({ windows: [narrow] }, twelveBit())).toBe(narrow);
    expect(displayWindow({ windows: [wide, narrow] }, twelveBit())).toBe(narrow);
  });
});

describe('the display window of a film', () => {
  /** 100x100: a 20-pixel frame of direct exposure (value 0) around anatomy spanning 3000..16000. */
  const film = (): ImagePixels => {
    const data = new Uint16Array(100 * 100);
    for (let y = 0; y < 100; y++) for (let x = 0; x < 100; x++) {
      const inside = x >= 20 && x < 80 && y >= 20 && y < 80;
      data[y * 100 + x] = inside ? 3000 + Math.round(((x - 20) * 60 + (y - 20)) / 3600 * 13000) : 26000;
    }
    return { widthPx: 100, heightPx: 100, channels: 1, data, min: 3000, max: 26000, invert: true };
  };

  it('is the anatomy\'s range, not widened by the frame', () => {
    const auto = contentWindow(film());
    expect(auto.center - auto.width / 2).toBeGreaterThan(3000);
    expect(auto.center + auto.width / 2).toBeLessThan(16100);
    expect(auto.source).toBe('auto');
  });

  it('passes over a C15000/W30000 file window (more than 1.8x the anatomy) and keeps one that fits', () => {
    const wide = { center: 15000, width: 30000, name: 'file', fn: 'LINEAR' as const };
    const fitting = { center: 9500, width: 14000, name: 'fits', fn: 'LINEAR' as const };
    expect(displayWindow({ windows: [wide] }, film()).source).toBe('auto');
    expect(displayWindow({ windows: [wide, fitting] }, film())).toBe(fitting);
  });
});
