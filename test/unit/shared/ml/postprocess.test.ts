import { describe, expect, it } from 'vitest';
import { modelManifestSchema, type ModelManifest } from '../../../../src-shared/ml/manifest';
import { lowResolutionLabels, meanLungProbability, postprocess, upsampleLabels } from '../../../../src-shared/ml/postprocess';
import { inputTransform } from '../../../../src-shared/ml/preprocess';
import { binaryEntropy, uncertaintyFromProbability } from '../../../../src-shared/ml/uncertainty';
import { labelComponents } from '../../../../src-shared/mask';

function manifest(output: Partial<ModelManifest['output']> = {}, size = 8): ModelManifest {
  return modelManifestSchema.parse({
    id: 'm', version: '1', name: 'm', createdAt: '2025-01-01',
    input: { widthPx: size, heightPx: size, channels: 1, layout: 'NCHW' },
    normalisation: { from: 'display-8bit' },
    output: { kind: 'probability', classes: ['lung'], ...output },
  });
}

/** An 8x8 probability map from ASCII rows: '#' = 0.9, '.' = 0.05, '?' = 0.5. */
function map(rows: string[]): Float32Array {
  return Float32Array.from(rows.join('').split(''), (c) => (c === '#' ? 0.9 : c === '?' ? 0.5 : 0.05));
}

const twoLungs = [
  '........',
  '.##..##.',
  '.##..##.',
  '.##..##.',
  '.##..##.',
  '........',
  '......#.',
  '........',
];

describe('meanLungProbability', () => {
  it('applies the sigmoid to logits and unflips the mirrored variant before averaging', () => {
    const m = manifest({ kind: 'logit' }, 2);
    // identity says column 0 is lung (logit +4), the flip says the same after mirroring back.
    const data = Float32Array.from([4, -4, 4, -4, /* flipped */ -4, 4, -4, 4]);
    const mean = meanLungProbability({ data, dims: [2, 1, 2, 2] }, m, ['identity', 'hflip']);
    expect(mean[0]).toBeCloseTo(1 / (1 + Math.exp(-4)), 5);
    expect(mean[1]).toBeCloseTo(1 / (1 + Math.exp(4)), 5);
  });

  it('reads several classes with a background channel as 1 - p(background) after softmax', () => {
    const m = manifest({ kind: 'logit', classes: ['background', 'lung'] }, 1);
    const mean = meanLungProbability({ data: Float32Array.from([0, Math.log(3)]), dims: [1, 2, 1, 1] }, m, ['identity']);
    expect(mean[0]).toBeCloseTo(0.75, 5);
  });

  it('rejects an output whose batch does not match the variants', () => {
    expect(() => meanLungProbability({ data: new Float32Array(64), dims: [1, 1, 8, 8] }, manifest(), ['identity', 'hflip'])).toThrow(/batch 1/);
  });
});

describe('lowResolutionLabels', () => {
  it('keeps the two largest blobs, drops the speck and labels image-left as the right lung (1)', () => {
    const m = manifest();
    const labels = lowResolutionLabels(map(twoLungs), inputTransform(8, 8, m.input), m);
    expect(labels[1 * 8 + 1]).toBe(1);
    expect(labels[1 * 8 + 5]).toBe(2);
    expect(labels[6 * 8 + 6]).toBe(0);
  });
});

describe('upsampleLabels', () => {
  it('gives a full-size mask with the same two lungs and smooth (not blocky) edges', () => {
    const m = manifest();
    const mean = map(twoLungs);
    const t = inputTransform(80, 80, m.input);
    const low = lowResolutionLabels(mean, t, m);
    const mask = upsampleLabels(mean, low, t, { threshold: 0.5 });
    expect([mask.widthPx, mask.heightPx]).toEqual([80, 80]);
    const binary = mask.data.map((v) => (v ? 1 : 0));
    expect(labelComponents(binary, 80, 80).count).toBe(2);
    const labelsSeen = new Set(mask.data);
    expect([...labelsSeen].sort()).toEqual([0, 1, 2]);
    // Nearest-neighbour upscaling would give 10x10 blocks: 2x4 cells per lung = 800 px. Bilinear
    // thresholding at 0.5 puts the edge between cell centres, so the area differs from the blocks.
    const lungPx = binary.reduce((a, b) => a + b, 0);
    expect(lungPx).toBeGreaterThan(0);
    expect(lungPx % 100 === 0 && lungPx === 1600).toBe(false);
  });
});

describe('uncertainty', () => {
  it.each([[0, 0], [1, 0], [0.5, 1], [0.1, 0.469]])('binary entropy of %d is %d bits', (p, bits) => {
    expect(binaryEntropy(p)).toBeCloseTo(bits, 2);
  });

  it('scores a confident map low and an undecided one high; no lung at all scores 1', () => {
    const m = manifest();
    const t = inputTransform(8, 8, m.input);
    const sure = Float32Array.from(map(twoLungs), (p) => (p > 0.5 ? 0.999 : 0.001));
    const unsure = map(twoLungs.map((row) => row.replace(/#/g, '?')));
    expect(uncertaintyFromProbability(sure, t, null).score).toBeLessThan(0.05);
    expect(uncertaintyFromProbability(unsure, t, null).score).toBeGreaterThan(0.9);
    expect(uncertaintyFromProbability(new Float32Array(64), t, null).score).toBe(1);
  });

  it('crops the map to the letterbox content', () => {
    const m = modelManifestSchema.parse({ ...manifest(), input: { ...manifest().input, resize: 'letterbox' } });
    const t = inputTransform(16, 8, m.input);
    const result = postprocess({ data: map(twoLungs), dims: [1, 1, 8, 8] }, m, { variants: ['identity'], transform: t });
    expect([result.uncertainty.widthPx, result.uncertainty.heightPx]).toEqual([8, 4]);
    expect([result.mask.widthPx, result.mask.heightPx]).toEqual([16, 8]);
  });
});

describe('upsampleLabels against a per-pixel reference', () => {
  /** Straightforward bilinear-then-threshold, label from the nearest labelled tap, one pixel at a time. */
  function reference(mean: Float32Array, low: Uint8Array, t: ReturnType<typeof inputTransform>, threshold: number): Uint8Array {
    const w = t.inputWidthPx;
    const cleaned = Float32Array.from(mean, (p, i) => (low[i] ? Math.max(p, threshold + 0.02) : p > threshold ? 0 : p));
    const out = new Uint8Array(t.sourceWidthPx * t.sourceHeightPx);
    for (let y = 0; y < t.sourceHeightPx; y++) for (let x = 0; x < t.sourceWidthPx; x++) {
      const cx = Math.min(t.contentWidthPx - 1, Math.max(0, ((x + 0.5) * t.contentWidthPx) / t.sourceWidthPx - 0.5));
      const cy = Math.min(t.contentHeightPx - 1, Math.max(0, ((y + 0.5) * t.contentHeightPx) / t.sourceHeightPx - 0.5));
      const x0 = Math.floor(cx), y0 = Math.floor(cy);
      const x1 = Math.min(t.contentWidthPx - 1, x0 + 1), y1 = Math.min(t.contentHeightPx - 1, y0 + 1);
      const fx = cx - x0, fy = cy - y0;
      const at = (yy: number, xx: number) => (t.contentY + yy) * w + t.contentX + xx;
      const top = cleaned[at(y0, x0)] + (cleaned[at(y0, x1)] - cleaned[at(y0, x0)]) * fx;
      const bottom = cleaned[at(y1, x0)] + (cleaned[at(y1, x1)] - cleaned[at(y1, x0)]) * fx;
      if (top + (bottom - top) * fy <= threshold) continue;
      const [ny, fyRow] = fy < 0.5 ? [y0, y1] : [y1, y0];
      const [nx, fxCol] = fx < 0.5 ? [x0, x1] : [x1, x0];
      out[y * t.sourceWidthPx + x] = low[at(ny, nx)] || low[at(ny, fxCol)] || low[at(fyRow, nx)] || low[at(fyRow, fxCol)];
    }
    return out;
  }

  it.each([
    [37, 23, 'stretch'],
    [80, 80, 'stretch'],
    [50, 30, 'letterbox'],
    [5, 7, 'stretch'],
  ] as const)('gives the same mask for a %dx%d source (%s)', (sourceW, sourceH, resize) => {
    const m = modelManifestSchema.parse({ ...manifest(), input: { ...manifest().input, resize } });
    const t = inputTransform(sourceW, sourceH, m.input);
    let seed = sourceW * 31 + sourceH;
    const random = () => ((seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648);
    const mean = Float32Array.from({ length: 64 }, () => random());
    const low = lowResolutionLabels(mean, t, m);
    const fast = upsampleLabels(mean, low, t, { threshold: 0.5 }).data;
    const slow = reference(mean, low, t, 0.5);
    // Float32 vs float64 rounding may flip a pixel sitting exactly on the threshold; none should differ here.
    expect([...fast]).toEqual([...slow]);
  });
});
