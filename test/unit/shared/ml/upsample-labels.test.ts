// upsampleLabels fills runs of same-lung cells with TypedArray.fill and interpolates only edge cells;
// its mask must be byte for byte the one of the cell-by-cell version it replaced (kept below as the
// reference), for stretch and letterbox, shrinking and enlarging, on the shipped-model-like maps
// (smooth blobs with ragged edges, the low-resolution clean-up applied) and on pure noise.
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
