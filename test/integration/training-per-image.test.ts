import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { modelManifestSchema } from '../../src-shared/ml/manifest';
import { normalisePerImage } from '../../src-shared/ml/preprocess';
import { loadDataset } from '../../src-main/workers/training/data';
import { runTraining } from '../../src-main/workers/training/run';
import { fixturePath } from '../helpers/paths';

/**
 * A network trained with a per-image stretch must declare it in its manifest (inference then feeds it
 * the same values), and its training pairs must be stretched exactly as inference stretches them.
 */
const spec = { kind: 'percentile' as const, lowPercent: 0.5, highPercent: 99.5 };
let root: string;

beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'pleura-per-image-'));
});
afterAll(async () => {
  await rm(root, { recursive: true, force: true });
});

describe('per-image normalisation in training', () => {
  it('loads stretched pairs: the same values as the plain pairs stretched by the inference function', async () => {
    const plain = await loadDataset(fixturePath('lungs'), { inputPx: 32, subset: 'val' });
    const stretched = await loadDataset(fixturePath('lungs'), { inputPx: 32, subset: 'val', perImage: spec });
    expect(stretched.map((s) => s.name)).toEqual(plain.map((s) => s.name));
    stretched.forEach((s, i) => expect([...s.image]).toEqual([...normalisePerImage(plain[i].image.slice(), spec)]));
    // The fixture films do not use the whole range, so the stretch changes them.
    expect(plain.some((s, i) => s.image.some((v, k) => v !== stretched[i].image[k]))).toBe(true);
  });

  it('writes the stretch into the trained manifest; without one the manifest has none', async () => {
    const request = (outDir: string, perImage?: typeof spec) => ({
      model: { kind: 'new' as const, architecture: 'unet-bn' as const, inputPx: 32, baseFilters: 2, depth: 2, dropout: 0 },
      train: [{ kind: 'dataset' as const, dir: fixturePath('lungs'), subset: 'train', limit: 2 }],
      val: [],
      options: { epochs: 1, batchSize: 2, augment: false, earlyStopping: null, plateau: null },
      manifest: { id: 'per-image', version: '1', name: 'per image' },
      backend: ['wasm' as const],
      outDir,
      ...(perImage ? { perImage } : {}),
    });
    const withStretch = await runTraining(request(join(root, 'with'), spec));
    expect(withStretch.manifest?.normalisation.perImage).toEqual(spec);
    const written = modelManifestSchema.parse(JSON.parse(await readFile(join(root, 'with', 'model.json'), 'utf8')));
    expect(written.normalisation.perImage).toEqual(spec);
    const without = await runTraining(request(join(root, 'without')));
    expect(without.manifest?.normalisation.perImage).toBeUndefined();
  }, 120_000);
});
