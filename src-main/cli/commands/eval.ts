import { readFile } from 'node:fs/promises';
import { basename, join, resolve } from 'node:path';
import { PleuraError } from '../../../src-shared/api/result';
import { meanMetrics, segmentationMetrics, type SegmentationMetrics } from '../../../src-shared/metrics';
import { UsageError, type CliCommand } from '../command';
import { createAppContext } from '../../services/create-context';
import { decodeImage } from '../../services/images/decode';
import { getInferenceService } from '../../services/inference/service';
import { decodeGrey8, listPairs, readSplits } from '../../workers/training/data';

const round = (m: SegmentationMetrics) => Object.fromEntries(Object.entries(m).map(([k, v]) => [k, Math.round(v * 1e5) / 1e5]));

export const evalCommand: CliCommand = {
  name: 'eval',
  summary: 'Measure a model against reference masks (Dice, IoU, F1, precision, recall per image and mean)',
  usage: [
    'pleura eval [--model ID|PATH] (--data DIR [--split FILE] [--subset NAME] | --images DIR --masks DIR) [--no-tta]',
    '',
    '  --model ID|PATH  a model key (id@version), an id, or a model folder (default: the active model)',
    '  --data DIR       data set with DIR/images, DIR/masks and DIR/splits.json',
    '  --split FILE     splits file (default DIR/splits.json); --subset NAME: train | val | test (default val)',
    '  --images DIR --masks DIR   any two folders; masks are paired with images by file stem',
    '  --no-tta         predict without the mirrored pass (the app uses it by default)',
    '',
    'Predictions go through the same inference pipeline as the app (resize, ONNX Runtime, test-time',
    'flip, post-processing) at each image\'s own size; any nonzero mask value counts as lung.',
  ].join('\n'),
  options: {
    model: { type: 'string', short: 'm' }, data: { type: 'string' }, split: { type: 'string' }, subset: { type: 'string' },
    images: { type: 'string' }, masks: { type: 'string' }, 'no-tta': { type: 'boolean' },
  },
  allowPositionals: false,
  async run({ values }, io) {
    let imagesDir: string;
    let masksDir: string;
    let names: Set<string> | null = null;
    if (typeof values.data === 'string') {
      const data = resolve(values.data);
      imagesDir = join(data, 'images');
      masksDir = join(data, 'masks');
      const subset = typeof values.subset === 'string' ? values.subset : 'val';
      const splits = await readSplits(data, typeof values.split === 'string' ? resolve(values.split) : undefined);
      if (splits) {
        if (!splits[subset]) throw new PleuraError('invalid-argument', `No subset '${subset}' in the splits (have: ${Object.keys(splits).join(', ')})`);
        names = new Set(splits[subset]);
      } else if (typeof values.subset === 'string') throw new PleuraError('not-found', `${data} has no splits.json`);
    } else if (typeof values.images === 'string' && typeof values.masks === 'string') {
      imagesDir = resolve(values.images);
      masksDir = resolve(values.masks);
    } else throw new UsageError('Give --data DIR, or --images DIR and --masks DIR.');
    const pairs = (await listPairs(imagesDir, masksDir)).filter((p) => !names || names.has(p.name));
    if (pairs.length === 0) throw new PleuraError('not-found', 'No image/mask pairs to evaluate');
    const ctx = createAppContext({ transport: 'cli' });
    const inference = getInferenceService(ctx);
    const perImage: ({ name: string } & SegmentationMetrics)[] = [];
    let modelKey = '';
    try {
      for (const [index, pair] of pairs.entries()) {
        const image = await decodeImage(new Uint8Array(await readFile(pair.imagePath)), { name: basename(pair.imagePath) });
        const reference = await decodeGrey8(pair.maskPath);
        if (reference.widthPx !== image.pixels.widthPx || reference.heightPx !== image.pixels.heightPx) {
          throw new PleuraError('invalid-argument', `${pair.name}: mask ${reference.widthPx}x${reference.heightPx}, image ${image.pixels.widthPx}x${image.pixels.heightPx}`);
        }
        const prediction = await inference.predictPixels(image.pixels, image.meta, { model: typeof values.model === 'string' ? values.model : undefined, tta: values['no-tta'] !== true });
        modelKey = prediction.model.key;
        const metrics = segmentationMetrics(prediction.mask.data, reference.data);
        perImage.push({ name: pair.name, ...metrics });
        io.progress((index + 1) / pairs.length, `${pair.name}: Dice ${metrics.dice.toFixed(4)}`);
      }
    } finally {
      await inference.close();
    }
    const mean = meanMetrics(perImage);
    const report = { model: modelKey, images: perImage.length, mean: round(mean), perImage: perImage.map((m) => ({ ...round(m), name: m.name })) };
    if (io.json) {
      io.result(report);
      return;
    }
    io.out(`Model ${modelKey} on ${perImage.length} image(s)`);
    for (const m of perImage) io.out(`  ${m.name.padEnd(40)} Dice ${m.dice.toFixed(4)}  IoU ${m.iou.toFixed(4)}  P ${m.precision.toFixed(4)}  R ${m.recall.toFixed(4)}`);
    io.out(`Mean: Dice ${mean.dice.toFixed(4)}  IoU ${mean.iou.toFixed(4)}  F1 ${mean.f1.toFixed(4)}  precision ${mean.precision.toFixed(4)}  recall ${mean.recall.toFixed(4)}  accuracy ${mean.accuracy.toFixed(4)}`);
  },
};
