// The fused one-pass pre-processing (window table applied while area-averaging, no film-sized buffer)
// against the reference two-pass path it replaced: window the whole film to bytes (toGrey8), area-average,
// divide by 255. The fused path is exact by construction (the table is evaluated per modality value and
// the sums are of whole numbers), so the stated tolerance is 0: every float must be identical, for linear
// and non-linear VOI alike.
import { describe, expect, it } from 'vitest';
import type { ImageMeta, ImagePixels } from '../../../../src-shared/api/images';
import { defaultWindow, grey8Lut, toGrey8, windowFraction } from '../../../../src-shared/imaging';
import { modelManifestSchema, type ModelManifest } from '../../../../src-shared/ml/manifest';
import { inputTransform, modelIntensities, resizeForModel } from '../../../../src-shared/ml/preprocess';
import { createRandom } from '../../../../src-shared/ml/random';

type Meta = Pick<ImageMeta, 'windows' | 'voiLut'>;
const TOLERANCE = 0;

function manifest(from: ModelManifest['normalisation']['from'], resize: 'stretch' | 'letterbox' = 'stretch'): ModelManifest {
  return modelManifestSchema.parse({
    id: 'm', version: '1', name: 'm', createdAt: '2025-01-01',
    input: { widthPx: 64, heightPx: 64, channels: 1, layout: 'NCHW', resize },
    normalisation: { from },
    output: { kind: 'probability', classes: ['lung'] },
  });
}

/** A film-like image: a smooth gradient plus noise, over the given value range, in the given array type. */
function film(widthPx: number, heightPx: number, kind: 'u8' | 'u16' | 'i16', invert = false): ImagePixels {
  const random = createRandom(11);
  const n = widthPx * heightPx;
  const [lo, hi] = kind === 'u8' ? [0, 255] : kind === 'u16' ? [0, 4095] : [-1024, 3071];
  const data = kind === 'u8' ? new Uint8Array(n) : kind === 'u16' ? new Uint16Array(n) : new Int16Array(n);
  let min = Infinity;
  let max = -Infinity;
  for (let y = 0; y < heightPx; y++) {
    for (let x = 0; x < widthPx; x++) {
      const t = (x / widthPx + y / heightPx) / 2;
      const v = Math.round(Math.min(hi, Math.max(lo, lo + (hi - lo) * (t + (random() - 0.5) * 0.2))));
      data[y * widthPx + x] = v;
      min = Math.min(min, v);
      max = Math.max(max, v);
    }
  }
  return { widthPx, heightPx, channels: 1, data, min, max, invert };
}

function referenceDisplay8(pixels: ImagePixels, meta: Meta, widthPx: number, heightPx: number): Float32Array {
  const grey = toGrey8(pixels, meta);
  const small = resizeForModel({ widthPx: pixels.widthPx, heightPx: pixels.heightPx, data: grey }, widthPx, heightPx).data;
  for (let i = 0; i < small.length; i++) small[i] /= 255;
  return small;
}

function maxAbsDifference(a: Float32Array, b: Float32Array): number {
  expect(a.length).toBe(b.length);
  let worst = 0;
  for (let i = 0; i < a.length; i++) worst = Math.max(worst, Math.abs(a[i] - b[i]));
  return worst;
}

const voiLut = { firstValue: 100, bits: 12, table: Array.from({ length: 3000 }, (_, i) => Math.round(4095 * Math.sqrt(i / 2999))) };

describe('fused display-8bit pre-processing equals the two-pass reference', () => {
  it.each<[string, ImagePixels, Meta]>([
    ['8-bit, automatic window', film(403, 517, 'u8'), { windows: [], voiLut: null }],
    ['8-bit MONOCHROME1, file window', film(333, 250, 'u8', true), { windows: [{ center: 120, width: 180, name: 'w', fn: 'LINEAR' }], voiLut: null }],
    ['16-bit LINEAR window', film(500, 411, 'u16'), { windows: [{ center: 2000, width: 2500, name: 'w', fn: 'LINEAR' }], voiLut: null }],
    ['16-bit MONOCHROME1, automatic window', film(257, 300, 'u16', true), { windows: [], voiLut: null }],
    ['signed 16-bit LINEAR_EXACT', film(300, 301, 'i16'), { windows: [{ center: 40, width: 1500, name: 'w', fn: 'LINEAR_EXACT' }], voiLut: null }],
    ['16-bit SIGMOID (non-linear)', film(320, 240, 'u16'), { windows: [{ center: 2000, width: 1000, name: 'w', fn: 'SIGMOID' }], voiLut: null }],
    ['16-bit VOI LUT (non-linear)', film(280, 350, 'u16'), { windows: [], voiLut }],
  ])('%s: max |fused - reference| within the tolerance', (_name, pixels, meta) => {
    expect(grey8Lut(pixels, meta), 'takes the fused path').not.toBeNull();
    for (const resize of ['stretch', 'letterbox'] as const) {
      const m = manifest('display-8bit', resize);
      const transform = inputTransform(pixels.widthPx, pixels.heightPx, m.input);
      const fused = modelIntensities(pixels, meta, m, transform).data;
      const reference = referenceDisplay8(pixels, meta, transform.contentWidthPx, transform.contentHeightPx);
      expect(maxAbsDifference(fused, reference)).toBeLessThanOrEqual(TOLERANCE);
    }
  });

  it('a film smaller than the input (enlarged, bilinear) still takes the reference path', () => {
    const pixels = film(40, 30, 'u16');
    const meta: Meta = { windows: [], voiLut: null };
    const m = manifest('display-8bit');
    const transform = inputTransform(40, 30, m.input);
    const reference = resizeForModel({ widthPx: 40, heightPx: 30, data: toGrey8(pixels, meta) }, 64, 64).data.map((v) => v / 255);
    expect(maxAbsDifference(modelIntensities(pixels, meta, m, transform).data, reference)).toBe(0);
  });
});

describe('window pre-processing averages the decoded pixels without a float copy', () => {
  it('equals averaging a Float32 copy, then windowing', () => {
    const pixels = film(411, 389, 'u16', true);
    const meta: Meta = { windows: [{ center: 1800, width: 2000, name: 'w', fn: 'LINEAR' }], voiLut: null };
    const m = manifest('window');
    const transform = inputTransform(pixels.widthPx, pixels.heightPx, m.input);
    const copy = resizeForModel({ widthPx: pixels.widthPx, heightPx: pixels.heightPx, data: Float32Array.from(pixels.data) }, 64, 64).data;
    const window = defaultWindow(meta, pixels);
    const reference = copy.map((v) => Math.fround(1 - Math.fround(windowFraction(v, window))));
    expect(maxAbsDifference(modelIntensities(pixels, meta, m, transform).data, reference)).toBe(0);
  });
});
