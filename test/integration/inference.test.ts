import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ImageMeta, ImagePixels } from '../../src-shared/api/images';
import { modelManifestSchema, type ModelManifest } from '../../src-shared/ml/manifest';
import { labelComponents } from '../../src-shared/mask';
import type { LabelMask } from '../../src-shared/api/masks';
import { decodeImage } from '../../src-main/services/images/decode';
import { InferenceHost, type ModelToLoad } from '../../src-main/services/inference/host';
import { createAppContext } from '../../src-main/services/create-context';
import { getModelRegistry } from '../../src-main/services/models/registry';
import { fixturePath, repoRoot } from '../helpers/paths';
import { randomUnet } from '../fixtures/models/onnx-builder';

const xrays = ['CHNCXR_0005_0', 'CHNCXR_0010_0', 'COVIDGB_pneumocystis-pneumonia-1', 'COVIDGB_ARDSSevere'];
const tinyDir = fixturePath('models', 'tiny-lungs');
const tinyManifest: ModelManifest = modelManifestSchema.parse(JSON.parse(readFileSync(join(tinyDir, 'model.json'), 'utf8')));
const tiny: ModelToLoad = { key: 'tiny-lungs@test', onnxPath: join(tinyDir, 'model.onnx'), manifest: tinyManifest };

async function loadXray(stem: string): Promise<{ pixels: ImagePixels; meta: Omit<ImageMeta, 'imageId'> }> {
  return decodeImage(new Uint8Array(await readFile(fixturePath('xray', `${stem}.png`))), { name: `${stem}.png` });
}

/** The sanity a lung mask must have whatever model made it. */
function expectSaneLungs(mask: LabelMask): void {
  const { widthPx, heightPx, data } = mask;
  const binary = data.map((v) => (v ? 1 : 0));
  expect(labelComponents(binary, widthPx, heightPx).count).toBe(2);
  let lung = 0;
  const sumX = [0, 0, 0];
  const count = [0, 0, 0];
  for (let i = 0; i < data.length; i++) {
    if (data[i] === 0) continue;
    lung++;
    sumX[data[i]] += i % widthPx;
    count[data[i]]++;
  }
  const fraction = lung / data.length;
  expect(fraction).toBeGreaterThan(0.1);
  // Not the whole film (COVIDGB_ARDSSevere is cropped to the chest: its reference mask covers 51 %).
  expect(fraction).toBeLessThan(0.7);
  // Patient's right lung (1) is on the image's left on a frontal film.
  expect(sumX[1] / count[1]).toBeLessThan(widthPx / 2);
  expect(sumX[2] / count[2]).toBeGreaterThan(widthPx / 2);
}

describe('inference worker on real X-rays', () => {
  const host = new InferenceHost();
  afterAll(() => host.close());

  it('loads the tiny model on the CPU and says so', async () => {
    const info = await host.ensureModel(tiny);
    expect(info.provider).toBe('cpu');
    expect(host.runtimeReport().active).toBe('cpu');
  });

  it.each(xrays)('segments %s into two sane lungs at full size', async (stem) => {
    const { pixels, meta } = await loadXray(stem);
    const prediction = await host.predict(tiny, pixels, meta, { tta: true });
    expect([prediction.mask.widthPx, prediction.mask.heightPx]).toEqual([pixels.widthPx, pixels.heightPx]);
    expectSaneLungs(prediction.mask);
    expect(prediction.uncertaintyScore).toBeGreaterThan(0);
    expect(prediction.uncertaintyScore).toBeLessThanOrEqual(1);
    expect(prediction.uncertainty.data.length).toBe(prediction.uncertainty.widthPx * prediction.uncertainty.heightPx);
  });

  it('runs the flipped variant: an asymmetric network gives other probabilities with TTA', async () => {
    // The tiny model was fitted on images and their mirror images, so it is itself mirror-symmetric and TTA
    // cannot change its output; a random-weight U-Net is not.
    const dir = await mkdtemp(join(tmpdir(), 'pleura-tta-'));
    try {
      await writeFile(join(dir, 'model.onnx'), randomUnet({ sizePx: 64, base: 4, levels: 2, seed: 7 }));
      const manifest = { ...tinyManifest, id: 'random-unet', input: { ...tinyManifest.input, widthPx: 64, heightPx: 64 } };
      const model = { key: 'random-unet@test', onnxPath: join(dir, 'model.onnx'), manifest };
      const { pixels, meta } = await loadXray(xrays[0]);
      const withTta = await host.predict(model, pixels, meta, { tta: true });
      const without = await host.predict(model, pixels, meta, { tta: false });
      expect(Buffer.compare(Buffer.from(withTta.uncertainty.data), Buffer.from(without.uncertainty.data))).not.toBe(0);
      await host.unload(model.key);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('reports a crash for the request in flight and restarts for the next one', async () => {
    const { pixels, meta } = await loadXray(xrays[1]);
    host.crashForTest();
    const inFlight = host.predict(tiny, pixels, meta, { tta: true });
    await expect(inFlight).rejects.toThrow(/inference worker stopped/);
    const again = await host.predict(tiny, pixels, meta, { tta: false });
    expectSaneLungs(again.mask);
    expect(host.crashes).toBe(1);
  });
});

describe('model checks', () => {
  const host = new InferenceHost();
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'pleura-inference-'));
    const bytes = await readFile(tiny.onnxPath);
    await writeFile(join(dir, 'truncated.onnx'), bytes.subarray(0, Math.floor(bytes.length / 3)));
    await writeFile(join(dir, 'random.onnx'), Buffer.from(Array.from({ length: 4096 }, (_, i) => (i * 2654435761) % 251)));
  });
  afterAll(async () => {
    await host.close();
    await rm(dir, { recursive: true, force: true });
  });

  it.each([
    ['3 channels for a 1-channel model', { input: { ...tinyManifest.input, channels: 3 as const } }, /does not match its manifest: channel count of 'image' is 1.*says 3/],
    ['a 256 px input for a 128 px model', { input: { ...tinyManifest.input, widthPx: 256, heightPx: 256 } }, /does not match its manifest: input height of 'image' is 128.*says 256 px/],
    ['an input name the model lacks', { input: { ...tinyManifest.input, name: 'pixels' } }, /names input 'pixels', the model has 'image'/],
  ])('rejects a manifest with %s', async (_case, change, message) => {
    const manifest = { ...tinyManifest, ...change };
    await expect(host.ensureModel({ ...tiny, key: `bad-${_case}`, manifest })).rejects.toThrow(message);
  });

  it.each(['truncated.onnx', 'random.onnx'])('rejects %s as not a valid ONNX model', async (file) => {
    const error = await host.ensureModel({ ...tiny, key: file, onnxPath: join(dir, file) }).catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'corrupt' });
    expect((error as Error).message).toMatch(/is not a valid ONNX model: /);
  });
});

describe('shipped model', () => {
  const modelsDir = join(repoRoot, 'models');
  const hasShipped = existsSync(modelsDir) && readdirSync(modelsDir).some((name) => existsSync(join(modelsDir, name, 'model.json')));

  it.skipIf(!hasShipped)('segments the fixture X-rays into sane lungs', async () => {
    const ctx = createAppContext({ transport: 'cli', builtinModelsDir: modelsDir, dataDir: await mkdtemp(join(tmpdir(), 'pleura-data-')) });
    const model = await getModelRegistry(ctx).resolve();
    const host = new InferenceHost();
    try {
      for (const stem of xrays) {
        const { pixels, meta } = await loadXray(stem);
        const { mask } = await host.predict(model, pixels, meta, { tta: true });
        expectSaneLungs(mask);
        // And close to the film's reference outline.
        const reference = (await decodeImage(new Uint8Array(await readFile(fixturePath('xray', `${stem}.mask.png`))), { name: 'mask.png' })).pixels;
        let both = 0;
        let predicted = 0;
        let truth = 0;
        for (let i = 0; i < mask.data.length; i++) {
          const p = mask.data[i] ? 1 : 0;
          const t = (reference.data[i] ?? 0) > 0 ? 1 : 0;
          both += p & t;
          predicted += p;
          truth += t;
        }
        expect(2 * both / (predicted + truth)).toBeGreaterThan(0.85);
      }
    } finally {
      await host.close();
    }
  });
});

