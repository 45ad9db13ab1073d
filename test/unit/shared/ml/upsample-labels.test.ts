// upsampleLabels cuts each output row of an edge cell where the interpolated value crosses the threshold
// instead of testing every pixel; its mask must be byte for byte (a) the cell-by-cell version it replaced
// (kept below as a reference), on the shipped-model-like maps (smooth blobs with ragged edges, the
// low-resolution clean-up applied) and on pure noise, and (b) the per-pixel definition, on smooth, noisy
// and stepped maps (values on a 0.25 grid, so many pixels fall exactly on the threshold and a run end one
// pixel off shows), stretch and letterbox, odd sizes, upscale factors 1..20, one and two lungs.
import { describe, expect, it } from 'vitest';
import type { LabelMask } from '../../../../src-shared/api/masks';
import { modelManifestSchema, type ModelManifest } from '../../../../src-shared/ml/manifest';
import { lowResolutionLabels, upsampleLabels } from '../../../../src-shared/ml/postprocess';
import { inputTransform, type InputTransform } from '../../../../src-shared/ml/preprocess';
import { createRandom } from '../../../../src-shared/ml/random';

const KEEP_MARGIN = 0.02;

function referenceUpsample(meanProbability: Float32Array, lowLabels: Uint8Array, transform: InputTransform, options: { threshold: number }): LabelMask {
  const { inputWidthPx: width, contentX, contentY, contentWidthPx, contentHeightPx, sourceWidthPx, sourceHeightPx } = transform;
  const threshold = options.threshold;
  const cleaned = new Float32Array(meanProbability.length);
  for (let i = 0; i < cleaned.length; i++) {
    const p = meanProbability[i];
    cleaned[i] = lowLabels[i] !== 0 ? Math.max(p, threshold + KEEP_MARGIN) : p > threshold ? 0 : p;
  }
  const cols = interpolationGroups(sourceWidthPx, contentWidthPx, contentX);
  const rows = interpolationGroups(sourceHeightPx, contentHeightPx, contentY);
  const data = new Uint8Array(sourceWidthPx * sourceHeightPx);
  // Work cell by cell of the network grid (the output pixels between four network pixels): a cell whose
  // four corners are all background is skipped, one whose corners are all the same lung is filled, and
  // only cells on an edge are interpolated pixel by pixel. A 2000 px film is ~65 k cells, ~3 % on edges.
  for (let r = 0; r < rows.count; r++) {
    const row0 = rows.low[r] * width;
    const row1 = rows.high[r] * width;
    const yStart = rows.start[r];
    const yEnd = rows.end[r];
    for (let c = 0; c < cols.count; c++) {
      const x0 = cols.low[c];
      const x1 = cols.high[c];
      const c00 = cleaned[row0 + x0];
      const c01 = cleaned[row0 + x1];
      const c10 = cleaned[row1 + x0];
      const c11 = cleaned[row1 + x1];
      if (c00 <= threshold && c01 <= threshold && c10 <= threshold && c11 <= threshold) continue;
      const xStart = cols.start[c];
      const xEnd = cols.end[c];
      const l00 = lowLabels[row0 + x0];
      if (c00 > threshold && c01 > threshold && c10 > threshold && c11 > threshold && l00 === lowLabels[row0 + x1] && l00 === lowLabels[row1 + x0] && l00 === lowLabels[row1 + x1]) {
        for (let y = yStart; y < yEnd; y++) for (let x = y * sourceWidthPx + xStart, end = y * sourceWidthPx + xEnd; x < end; x++) data[x] = l00;
        continue;
      }
      for (let y = yStart; y < yEnd; y++) {
        const fy = rows.fraction[y];
        const near = fy < 0.5 ? row0 : row1;
        const far = fy < 0.5 ? row1 : row0;
        for (let x = xStart; x < xEnd; x++) {
          const fx = cols.fraction[x];
          const top = c00 + (c01 - c00) * fx;
          const bottom = c10 + (c11 - c10) * fx;
          if (top + (bottom - top) * fy <= threshold) continue;
          const nearX = fx < 0.5 ? x0 : x1;
          const farX = fx < 0.5 ? x1 : x0;
          data[y * sourceWidthPx + x] = lowLabels[near + nearX] || lowLabels[near + farX] || lowLabels[far + nearX] || lowLabels[far + farX];
        }
      }
    }
  }
  return { widthPx: sourceWidthPx, heightPx: sourceHeightPx, data };
}

function interpolationGroups(outputPx: number, contentPx: number, offset: number): { count: number; start: Int32Array; end: Int32Array; low: Int32Array; high: Int32Array; fraction: Float64Array } {
  const start = new Int32Array(contentPx + 1);
  const end = new Int32Array(contentPx + 1);
  const low = new Int32Array(contentPx + 1);
  const high = new Int32Array(contentPx + 1);
  const fraction = new Float64Array(outputPx);
  const scale = contentPx / outputPx;
  let count = 0;
  for (let i = 0; i < outputPx; i++) {
    const position = Math.min(contentPx - 1, Math.max(0, (i + 0.5) * scale - 0.5));
    const floor = Math.floor(position);
    const a = offset + floor;
    const b = offset + Math.min(contentPx - 1, floor + 1);
    fraction[i] = position - floor;
    if (count > 0 && low[count - 1] === a && high[count - 1] === b) {
      end[count - 1] = i + 1;
      continue;
    }
    start[count] = i;
    end[count] = i + 1;
    low[count] = a;
    high[count] = b;
    count++;
  }
  return { count, start, end, low, high, fraction };
}

function manifest(size: number, resize: 'stretch' | 'letterbox'): ModelManifest {
  return modelManifestSchema.parse({
    id: 'm', version: '1', name: 'm', createdAt: '2025-01-01',
    input: { widthPx: size, heightPx: size, channels: 1, layout: 'NCHW', resize },
    normalisation: { from: 'display-8bit' },
    output: { kind: 'probability', classes: ['lung'], threshold: 0.5 },
    postprocess: { keepLargestComponents: 2, fillHoles: true, splitLeftRight: true },
  });
}

/** Two lung-like blobs with noisy edges and a few specks, as probabilities on the network grid. */
function lungMap(size: number, seed: number, noise: number): Float32Array {
  const random = createRandom(seed);
  const map = new Float32Array(size * size);
  for (let y = 0; y < size; y++) {
    for (let x = 0; x < size; x++) {
      const u = x / size;
      const v = y / size;
      const blob = (cx: number) => 1 - Math.hypot((u - cx) / 0.16, (v - 0.5) / 0.3);
      const p = 1 / (1 + Math.exp(-8 * Math.max(blob(0.3), blob(0.7)))) + (random() - 0.5) * noise;
      map[y * size + x] = Math.min(1, Math.max(0, p));
    }
  }
  return map;
}

describe('upsampleLabels equals the cell-by-cell reference', () => {
  it.each<[string, number, number, number, 'stretch' | 'letterbox', number]>([
    ['2000 px film, 128 px grid', 2000, 2000, 128, 'stretch', 0.2],
    ['2140x1760 film, letterboxed', 1760, 2140, 128, 'letterbox', 0.3],
    ['2048x2500, 256 px grid', 2048, 2500, 256, 'stretch', 0.2],
    ['odd 777x555, letterboxed', 777, 555, 64, 'letterbox', 0.5],
    ['film smaller than the grid (enlarged)', 90, 70, 128, 'stretch', 0.2],
    ['pure noise', 500, 400, 32, 'stretch', 2],
  ])('%s', (_label, widthPx, heightPx, size, resize, noise) => {
    const m = manifest(size, resize);
    const transform = inputTransform(widthPx, heightPx, m.input);
    const mean = lungMap(size, widthPx + size, noise);
    const low = lowResolutionLabels(mean, transform, m);
    const ours = upsampleLabels(mean, low, transform, { threshold: 0.5 });
    const reference = referenceUpsample(mean, low, transform, { threshold: 0.5 });
    expect([ours.widthPx, ours.heightPx]).toEqual([reference.widthPx, reference.heightPx]);
    expect(ours.data.findIndex((v, i) => v !== reference.data[i])).toBe(-1);
    const lung = ours.data.reduce((n, v) => n + (v !== 0 ? 1 : 0), 0);
    expect(lung).toBeGreaterThan(0); // the comparison covers filled cells...
    expect(lung).toBeLessThan(ours.data.length); // ...and background
  });
});

/**
 * The definition, one output pixel at a time and no cells: its position on the network grid (pixel
 * centres, clamped at the content edges, through the letterbox), bilinear interpolation of the cleaned
 * probabilities (along x on both grid rows, then along y), the threshold, and the label of the nearest
 * labelled of the four neighbours (nearer in y first, then in x).
 */
function perPixelUpsample(meanProbability: Float32Array, lowLabels: Uint8Array, transform: InputTransform, threshold: number): Uint8Array {
  const { inputWidthPx: width, contentX, contentY, contentWidthPx, contentHeightPx, sourceWidthPx, sourceHeightPx } = transform;
  const cleaned = new Float32Array(meanProbability.length);
  for (let i = 0; i < cleaned.length; i++) {
    const p = meanProbability[i];
    cleaned[i] = lowLabels[i] !== 0 ? Math.max(p, threshold + KEEP_MARGIN) : p > threshold ? 0 : p;
  }
  const along = (i: number, outputPx: number, contentPx: number, offset: number): [number, number, number] => {
    const position = Math.min(contentPx - 1, Math.max(0, (i + 0.5) * (contentPx / outputPx) - 0.5));
    const floor = Math.floor(position);
    return [offset + floor, offset + Math.min(contentPx - 1, floor + 1), position - floor];
  };
  const out = new Uint8Array(sourceWidthPx * sourceHeightPx);
  for (let y = 0; y < sourceHeightPx; y++) {
    const [y0, y1, fy] = along(y, sourceHeightPx, contentHeightPx, contentY);
    for (let x = 0; x < sourceWidthPx; x++) {
      const [x0, x1, fx] = along(x, sourceWidthPx, contentWidthPx, contentX);
      const top = cleaned[y0 * width + x0] + (cleaned[y0 * width + x1] - cleaned[y0 * width + x0]) * fx;
      const bottom = cleaned[y1 * width + x0] + (cleaned[y1 * width + x1] - cleaned[y1 * width + x0]) * fx;
      if (top + (bottom - top) * fy <= threshold) continue;
      const [nearY, farY] = fy < 0.5 ? [y0, y1] : [y1, y0];
      const [nearX, farX] = fx < 0.5 ? [x0, x1] : [x1, x0];
      out[y * sourceWidthPx + x] = lowLabels[nearY * width + nearX] || lowLabels[nearY * width + farX] || lowLabels[farY * width + nearX] || lowLabels[farY * width + farX];
    }
  }
  return out;
}

type MapKind = 'smooth' | 'noise' | 'steps';

/** smooth: lung-like blobs; noise: uniform; steps: values on a 0.25 grid, so many pixels land exactly on a 0.5 threshold. */
function probabilityMap(kind: MapKind, size: number, seed: number): Float32Array {
  if (kind === 'smooth') return lungMap(size, seed, 0.15);
  const random = createRandom(seed);
  return Float32Array.from({ length: size * size }, () => (kind === 'noise' ? random() : Math.floor(random() * 5) / 4));
}

function labelsFor(lungs: 1 | 2, mean: Float32Array, transform: InputTransform, size: number, resize: 'stretch' | 'letterbox', threshold: number): Uint8Array {
  const m = modelManifestSchema.parse({
    ...manifest(size, resize),
    output: { kind: 'probability', classes: ['lung'], threshold },
    postprocess: lungs === 2 ? { keepLargestComponents: 2, fillHoles: true, splitLeftRight: true } : { keepLargestComponents: 1, fillHoles: true, splitLeftRight: false },
  });
  return lowResolutionLabels(mean, transform, m);
}

describe('upsampleLabels equals the per-pixel definition', () => {
  const cases: [string, number, number, number, 'stretch' | 'letterbox', MapKind, 1 | 2, number][] = [];
  const kinds: MapKind[] = ['smooth', 'noise', 'steps'];
  for (let factor = 1; factor <= 20; factor++) {
    const size = factor % 2 === 0 ? 12 : 17;
    const resize = factor % 3 === 0 ? 'letterbox' : 'stretch';
    const kind = kinds[factor % 3];
    const lungs = factor % 4 < 2 ? 2 : 1;
    // odd sizes, not a whole multiple of the grid, a little wider than high
    cases.push([`x${factor}`, size * factor + (factor % 5), Math.round(size * factor * 0.85) + 1, size, resize, kind, lungs, 0.5]);
  }
  cases.push(
    ['x7.3 letterboxed, steps, threshold 0.5', 125, 88, 17, 'letterbox', 'steps', 2, 0.5],
    ['x4.6 steps, 1 lung', 55, 81, 12, 'stretch', 'steps', 1, 0.5],
    ['x11.9 noise, threshold 0.35', 143, 143, 12, 'stretch', 'noise', 2, 0.35],
    ['x15.5 letterboxed tall, smooth, threshold 0.7', 190, 263, 17, 'letterbox', 'smooth', 2, 0.7],
    ['shrunk x0.6', 10, 7, 17, 'stretch', 'noise', 2, 0.5],
  );

  it.each(cases)('%s: %ix%i from %i px, %s, %s map, %i lung(s)', (_label, widthPx, heightPx, size, resize, kind, lungs, threshold) => {
    const transform = inputTransform(widthPx, heightPx, manifest(size, resize).input);
    const mean = probabilityMap(kind, size, widthPx * 31 + heightPx);
    const low = labelsFor(lungs, mean, transform, size, resize, threshold);
    const ours = upsampleLabels(mean, low, transform, { threshold });
    const reference = perPixelUpsample(mean, low, transform, threshold);
    const first = ours.data.findIndex((v, i) => v !== reference[i]);
    expect(first === -1 ? 'none' : `pixel (${first % widthPx}, ${Math.floor(first / widthPx)}): ${ours.data[first]} instead of ${reference[first]}`).toBe('none');
    const counts = [0, 0, 0];
    for (const v of reference) counts[v]++;
    expect(counts[0]).toBeGreaterThan(0); // background, lung...
    expect(counts[1]).toBeGreaterThan(0);
    if (lungs === 2 && kind === 'smooth') expect(counts[2]).toBeGreaterThan(0); // ...and both lungs
    if (lungs === 1) expect(counts[2]).toBe(0);
  });

  it('labels by the nearest labelled neighbour on a speckled layout of both labels', () => {
    const size = 13;
    const transform = inputTransform(211, 160, manifest(size, 'letterbox').input);
    const random = createRandom(7);
    const mean = Float32Array.from({ length: size * size }, () => random());
    const low = Uint8Array.from(mean, (p) => (p > 0.5 ? 1 + Math.floor(random() * 2) : 0));
    const ours = upsampleLabels(mean, low, transform, { threshold: 0.5 });
    const reference = perPixelUpsample(mean, low, transform, 0.5);
    expect(ours.data.findIndex((v, i) => v !== reference[i])).toBe(-1);
    expect(new Set(reference)).toEqual(new Set([0, 1, 2]));
  });

  it('tests every pixel of a cell with a NaN corner as the definition does', () => {
    const size = 12;
    const transform = inputTransform(100, 90, manifest(size, 'stretch').input);
    const mean = lungMap(size, 3, 0.1);
    const low = labelsFor(2, mean, transform, size, 'stretch', 0.5);
    for (const i of [5 * size + 3, 6 * size + 8]) mean[i] = Number.NaN;
    const ours = upsampleLabels(mean, low, transform, { threshold: 0.5 });
    const reference = perPixelUpsample(mean, low, transform, 0.5);
    expect(ours.data.findIndex((v, i) => v !== reference[i])).toBe(-1);
  });
});
