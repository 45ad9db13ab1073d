import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import sharp from 'sharp';
import { existsSync, readdirSync } from 'node:fs';
import { fixturePath, repoRoot } from '../helpers/paths';
import { createAppContext } from '../../src-main/services/create-context';
import { evaluateModelOnSplit } from '../../src-main/services/evaluation/app-segmenter';
import { getInferenceService } from '../../src-main/services/inference/service';
import { evaluate, listEvaluationItems, type SegmentFunction } from '../../src-main/services/evaluation/report';
import { decodeGrey8 } from '../../src-main/workers/training/data';

// Fake segmenters with known errors, so the expected metrics follow from the reference masks alone.
function shiftedReference(shiftPx: number): SegmentFunction {
  return async (image, item) => {
    const reference = await decodeGrey8(item.maskPath);
    const out = new Uint8Array(image.widthPx * image.heightPx);
    for (let y = 0; y < image.heightPx; y++) {
      for (let x = shiftPx; x < image.widthPx; x++) out[y * image.widthPx + x] = reference.data[y * image.widthPx + x - shiftPx];
    }
    return out;
  };
}

describe('evaluation report on fixture X-rays', () => {
  let outDir: string;
  beforeAll(async () => {
    outDir = await mkdtemp(join(tmpdir(), 'pleura-eval-'));
  });
  afterAll(async () => {
    await rm(outDir, { recursive: true, force: true });
  });

  it('lists a split by splits.json and rejects an unknown one', async () => {
    const val = await listEvaluationItems(fixturePath('lungs'), 'val');
    expect(val.map((i) => i.name)).toEqual(['IM-0147-0001.png', 'COVIDGB_pneumocystis-pneumonia-1.png']);
    await expect(listEvaluationItems(fixturePath('lungs'), 'holdout')).rejects.toThrow(/no subset 'holdout'/);
  });

  it('scores a perfect prediction 1 and a shifted one lower, worst first, and draws the worst', async () => {
    const items = (await listEvaluationItems(fixturePath('lungs'), 'train')).slice(0, 3);
    const perfect = await evaluate({ title: 'perfect', items, segment: shiftedReference(0) });
    expect(perfect.mean.dice).toBe(1);
    expect(perfect.mean.iou).toBe(1);

    // A bigger shift on one image makes it the worst.
    const worstName = items[1].name;
    const segment: SegmentFunction = (image, item) => shiftedReference(item.name === worstName ? 24 : 4)(image, item);
    const report = await evaluate({ title: 'shifted', items, segment, outDir, worstCount: 2 });
    expect(report.count).toBe(3);
    expect(report.worst[0]).toBe(worstName);
    expect(report.worst).toHaveLength(2);
    for (const entry of report.images) {
      expect(entry.dice).toBeLessThan(1);
      expect(entry.dice).toBeCloseTo((2 * entry.iou) / (1 + entry.iou), 10);
    }
    const meanDice = report.images.reduce((s, e) => s + e.dice, 0) / 3;
    expect(report.mean.dice).toBeCloseTo(meanDice, 12);

    const worst = report.images.find((e) => e.name === worstName)!;
    expect(worst.picture).toMatch(/^worst\/01-/);
    const meta = await sharp(join(outDir, worst.picture!)).metadata();
    // Four panels of the image's size side by side (fixtures are small, so no scaling).
    expect(meta.height).toBe(worst.heightPx);
    expect(meta.width).toBe(4 * worst.widthPx + 12);
    // The difference panel shows the shift: some pixels are tinted red or blue there.
    const { data, info } = await sharp(join(outDir, worst.picture!)).removeAlpha().raw().toBuffer({ resolveWithObject: true });
    let tinted = 0;
    const panelStart = 3 * (worst.widthPx + 4);
    for (let y = 0; y < info.height; y++) {
      for (let x = panelStart; x < info.width; x++) {
        const i = (y * info.width + x) * 3;
        if (Math.max(data[i], data[i + 1], data[i + 2]) - Math.min(data[i], data[i + 1], data[i + 2]) > 60) tinted++;
      }
    }
    expect(tinted).toBeGreaterThan(0);

    const json = JSON.parse(await readFile(join(outDir, 'report.json'), 'utf8'));
    expect(json.images).toHaveLength(3);
    const markdown = await readFile(join(outDir, 'report.md'), 'utf8');
    expect(markdown).toContain(`\`${worstName}\``);
    expect(markdown).toContain(`](${worst.picture})`);
  });
});

describe('evaluation through the app with the shipped model', () => {
  const modelsDir = join(repoRoot, 'models');
  const hasShipped = existsSync(modelsDir) && readdirSync(modelsDir).some((name) => name.startsWith('pleura-lungs-unet') && existsSync(join(modelsDir, name, 'model.json')));

  it.skipIf(!hasShipped)('uses the shipped model by default and segments the fixture val X-rays well', async () => {
    const dataDir = await mkdtemp(join(tmpdir(), 'pleura-eval-data-'));
    const outDir = await mkdtemp(join(tmpdir(), 'pleura-eval-app-'));
    const ctx = createAppContext({ transport: 'cli', builtinModelsDir: modelsDir, dataDir });
    try {
      const report = await evaluateModelOnSplit(ctx, { dataDir: fixturePath('lungs'), subset: 'val', outDir, worstCount: 1 });
      expect(report.modelId).toMatch(/^pleura-lungs-unet@/);
      expect(report.count).toBe(2);
      // One paediatric and one adult film. The default model 2.0.0 (adult convention, no paediatric film in
      // training) scores 0.86 on the paediatric one, whose V7 mask includes the lung behind the heart, and 0.93 on the adult one.
      for (const image of report.images) {
        expect(image.dice).toBeGreaterThan(0.85);
        expect(image.predictedFraction).toBeGreaterThan(0.1);
        expect(image.predictedFraction).toBeLessThan(0.7);
      }
      expect(JSON.parse(await readFile(join(outDir, 'report.json'), 'utf8')).modelId).toBe(report.modelId);
    } finally {
      await getInferenceService(ctx).close();
      await rm(outDir, { recursive: true, force: true });
      await rm(dataDir, { recursive: true, force: true });
    }
  });
});

describe('convention metric and per-source means', () => {
  let dataDir: string;
  const size = 16;
  const png = (data: Uint8Array) => sharp(Buffer.from(data), { raw: { width: size, height: size, channels: 1 } }).png().toBuffer();
  beforeAll(async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'pleura-eval-labels-'));
    const { mkdir, writeFile } = await import('node:fs/promises');
    for (const sub of ['images', 'masks', 'labels']) await mkdir(join(dataDir, sub));
    // Lung: columns 0..7; heart (label 3): columns 8..11; the rest background.
    const mask = new Uint8Array(size * size);
    const labels = new Uint8Array(size * size);
    for (let y = 0; y < size; y++) for (let x = 0; x < size; x++) {
      if (x < 8) { mask[y * size + x] = 255; labels[y * size + x] = x < 4 ? 1 : 2; } else if (x < 12) labels[y * size + x] = 3;
    }
    for (const name of ['a.png', 'b.png']) {
      await writeFile(join(dataDir, 'images', name), await png(new Uint8Array(size * size).fill(100)));
      await writeFile(join(dataDir, 'masks', name), await png(mask));
    }
    // Only a.png has a label image.
    await writeFile(join(dataDir, 'labels', 'a.png'), await png(labels));
    await writeFile(join(dataDir, 'metadata.csv'), 'file,source,patient_id\na.png,north,1\nb.png,south,2\n');
    await writeFile(join(dataDir, 'splits.json'), JSON.stringify({ val: ['a.png', 'b.png'] }));
  });
  afterAll(async () => {
    await rm(dataDir, { recursive: true, force: true });
  });

  it('measures the share of predicted lung inside the heart, and means per source', async () => {
    const items = await listEvaluationItems(dataDir, 'val');
    expect(items.map((i) => [i.name, i.group, i.labelPath !== undefined])).toEqual([['a.png', 'north', true], ['b.png', 'south', false]]);
    // Prediction: columns 0..9, i.e. the lung plus two of the four heart columns: 2 of 10 columns in the heart.
    const segment: SegmentFunction = async () => {
      const out = new Uint8Array(size * size);
      for (let y = 0; y < size; y++) for (let x = 0; x < 10; x++) out[y * size + x] = 1;
      return out;
    };
    const report = await evaluate({ title: 'labels', items, segment });
    expect(report.images[0].heartOverlap).toBeCloseTo(0.2, 10);
    expect(report.images[1].heartOverlap).toBeUndefined();
    // Mean over the images that have labels only.
    expect(report.summary.heartOverlap).toBeCloseTo(0.2, 10);
    expect(Object.keys(report.groups ?? {})).toEqual(['north', 'south']);
    expect(report.groups!.north.count).toBe(1);
    expect(report.groups!.north.mean.dice).toBeCloseTo((2 * 8) / (8 + 10), 10);
    expect(report.summary.dice5).toBeCloseTo(report.images[0].dice, 10);
  });
});
