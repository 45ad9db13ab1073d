import { describe, expect, it } from 'vitest';
import type { ImagePixels } from '../../../../src-shared/api/images';
import { modelManifestSchema, type ModelManifest } from '../../../../src-shared/ml/manifest';
import { inputTransform, normalisePerImage, preprocess, resizeForModel } from '../../../../src-shared/ml/preprocess';

function manifest(input: Partial<ModelManifest['input']>, normalisation: Partial<ModelManifest['normalisation']> = {}): ModelManifest {
  return modelManifestSchema.parse({
    id: 'm', version: '1', name: 'm', createdAt: '2025-01-01',
    input: { widthPx: 4, heightPx: 4, channels: 1, layout: 'NCHW', ...input },
    normalisation: { from: 'display-8bit', ...normalisation },
    output: { kind: 'probability', classes: ['lung'] },
  });
}

/**
 * A grey image whose value is the column index * 10 (0, 10, 20, ...), with a bright last row (250) so
 * that its values fill the file window below and the viewer keeps that window (a window the pixels fill
 * less than a quarter of is passed over for an automatic one, see imaging/defaults).
 */
function ramp(widthPx: number, heightPx: number, invert = false, brightRow = true): ImagePixels {
  const data = new Uint8Array(widthPx * heightPx);
  for (let y = 0; y < heightPx; y++) for (let x = 0; x < widthPx; x++) data[y * widthPx + x] = brightRow && y === heightPx - 1 ? 250 : x * 10;
  return { widthPx, heightPx, channels: 1, data, min: 0, max: brightRow ? 250 : (widthPx - 1) * 10, invert };
}

const meta = { windows: [{ center: 128, width: 256, name: 'full', fn: 'LINEAR' as const }], voiLut: null };

describe('inputTransform', () => {
  it.each([
    // source, input, expected content box
    [{ w: 100, h: 50 }, { w: 64, h: 64 }, { x: 0, y: 16, w: 64, h: 32 }],
    [{ w: 50, h: 100 }, { w: 64, h: 64 }, { x: 16, y: 0, w: 32, h: 64 }],
    [{ w: 80, h: 80 }, { w: 64, h: 32 }, { x: 16, y: 0, w: 32, h: 32 }],
  ])('letterbox %o into %o keeps the aspect ratio', (source, size, box) => {
    const t = inputTransform(source.w, source.h, manifest({ widthPx: size.w, heightPx: size.h, resize: 'letterbox' }).input);
    expect({ x: t.contentX, y: t.contentY, w: t.contentWidthPx, h: t.contentHeightPx }).toEqual(box);
  });

  it('stretch fills the whole input', () => {
    const t = inputTransform(100, 50, manifest({ widthPx: 64, heightPx: 64 }).input);
    expect([t.contentX, t.contentY, t.contentWidthPx, t.contentHeightPx]).toEqual([0, 0, 64, 64]);
  });
});

describe('resizeForModel', () => {
  it('averages 2x2 blocks when halving (antialiasing)', () => {
    const data = Uint8Array.from([0, 100, 0, 100, 0, 100, 0, 100]);
    const small = resizeForModel({ widthPx: 4, heightPx: 2, data }, 2, 1);
    expect([...small.data]).toEqual([50, 50]);
  });
});

describe('preprocess', () => {
  it('scales display values to 0..1 and applies (x - mean) / std', () => {
    const m = manifest({}, { mean: [0.5], std: [0.25] });
    const out = preprocess(ramp(4, 4), meta, m, { variants: ['identity'] });
    expect(out.dims).toEqual([1, 1, 4, 4]);
    // column 1 holds 10 -> 10/255; normalised (10/255 - 0.5) / 0.25
    expect(out.data[1]).toBeCloseTo((10 / 255 - 0.5) / 0.25, 4);
  });

  it('inverts MONOCHROME1 so that air is dark', () => {
    const plain = preprocess(ramp(4, 4), meta, manifest({}), { variants: ['identity'] });
    const inverted = preprocess(ramp(4, 4, true), meta, manifest({}), { variants: ['identity'] });
    for (let i = 0; i < 16; i++) expect(inverted.data[i]).toBeCloseTo(1 - plain.data[i], 2);
  });

  it('puts the flipped variant second, mirrored', () => {
    const out = preprocess(ramp(4, 4), meta, manifest({}), { variants: ['identity', 'hflip'] });
    expect(out.dims[0]).toBe(2);
    for (let x = 0; x < 4; x++) expect(out.data[16 + x]).toBeCloseTo(out.data[3 - x], 6);
  });

  it.each(['NCHW', 'NHWC'] as const)('replicates grey into 3 channels in %s with per-channel mean/std', (layout) => {
    const m = manifest({ channels: 3, layout }, { mean: [0, 0.5, 1], std: [1, 1, 2] });
    const out = preprocess(ramp(4, 4), meta, m, { variants: ['identity'] });
    const at = (c: number, pixel: number) => (layout === 'NCHW' ? out.data[c * 16 + pixel] : out.data[pixel * 3 + c]);
    const v = 30 / 255;
    expect([at(0, 3), at(1, 3), at(2, 3)].map((n) => +n.toFixed(4))).toEqual([v, v - 0.5, (v - 1) / 2].map((n) => +n.toFixed(4)));
  });

  it('pads the letterbox with padValue', () => {
    const m = manifest({ widthPx: 4, heightPx: 4, resize: 'letterbox', padValue: 0.75 });
    const out = preprocess(ramp(4, 2), meta, m, { variants: ['identity'] });
    expect(out.transform.contentY).toBe(1);
    expect([...out.data.subarray(0, 4)]).toEqual([0.75, 0.75, 0.75, 0.75]);
    expect(out.data[4 + 1]).toBeCloseTo(10 / 255, 4);
  });

  it('raw-minmax maps the image range to 0..1', () => {
    const pixels: ImagePixels = { widthPx: 2, heightPx: 1, channels: 1, data: Uint16Array.from([1000, 3000]), min: 1000, max: 3000, invert: false };
    const out = preprocess(pixels, { windows: [], voiLut: null }, manifest({ widthPx: 2, heightPx: 1 }, { from: 'raw-minmax' }), { variants: ['identity'] });
    expect([...out.data]).toEqual([0, 1]);
  });
});

describe('per-image normalisation', () => {
  it('a manifest without perImage parses without one and feeds the plain 0..1 values', () => {
    const m = manifest({});
    expect(m.normalisation.perImage).toBeUndefined();
    const out = preprocess(ramp(4, 4), meta, m, { variants: ['identity'] });
    expect(out.data[3]).toBeCloseTo(30 / 255, 6);
  });

  it('stretches a washed-out film to the full 0..1 range before mean/std', () => {
    const m = manifest({}, { perImage: { kind: 'percentile', lowPercent: 0, highPercent: 100 } });
    // Values 0, 10, 20, 30 of 255: a film that uses an eighth of the range. Its file window (0..40)
    // alone would show it at 0..0.75; the per-image stretch takes it to the full range.
    const dimMeta = { windows: [{ center: 20, width: 40, name: 'file', fn: 'LINEAR' as const }], voiLut: null };
    const out = preprocess(ramp(4, 4, false, false), dimMeta, m, { variants: ['identity'] });
    expect(out.data[0]).toBeCloseTo(0, 2);
    expect(out.data[3]).toBeCloseTo(1, 2);
    expect(out.data[1]).toBeCloseTo(1 / 3, 2);
  });

  it('gives the same input for the same film at another contrast and brightness', () => {
    const m = manifest({ widthPx: 8, heightPx: 8 }, { perImage: { kind: 'percentile', lowPercent: 1, highPercent: 99 } });
    const film = new Float32Array(64).map((_, i) => 0.3 + 0.2 * Math.sin(i * 0.7));
    const dim = Float32Array.from(film, (v) => v * 0.5 + 0.1);
    const a = normalisePerImage(film.slice(), m.normalisation.perImage!);
    const b = normalisePerImage(dim, m.normalisation.perImage!);
    a.forEach((v, i) => expect(b[i]).toBeCloseTo(v, 2));
    // Exact to the 4096-bin histogram: the extremes land within a bin of 0 and 1.
    expect(Math.min(...a)).toBeCloseTo(0, 2);
    expect(Math.max(...a)).toBeCloseTo(1, 2);
  });

  it('clips beyond the percentiles and leaves a flat image alone', () => {
    const spec = { kind: 'percentile' as const, lowPercent: 10, highPercent: 90 };
    const data = Float32Array.from({ length: 100 }, (_, i) => i / 99);
    normalisePerImage(data, spec);
    expect(data[0]).toBe(0);
    expect(data[99]).toBe(1);
    expect(data[50]).toBeCloseTo(0.5, 1);
    const flat = new Float32Array(10).fill(0.4);
    expect([...normalisePerImage(flat, spec)]).toEqual([...new Float32Array(10).fill(0.4)]);
  });

  it('rejects a high percentile not above the low one', () => {
    expect(() => manifest({}, { perImage: { kind: 'percentile', lowPercent: 50, highPercent: 50 } })).toThrow(/highPercent/);
  });
});
