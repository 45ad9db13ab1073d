import { resolve } from 'node:path';
import { PleuraError } from '../../../src-shared/api/result';
import type { SegmentationMetrics } from '../../../src-shared/metrics';
import { UsageError, type CliCommand } from '../command';
import { createAppContext } from '../../services/create-context';
import { getInferenceService } from '../../services/inference/service';
import { appSegmenter } from '../../services/evaluation/app-segmenter';
import { evaluate, listEvaluationItems, type EvaluationItem, type EvaluationSummary } from '../../services/evaluation/report';
import { listPairs } from '../../workers/training/data';

const round = (m: SegmentationMetrics) => Object.fromEntries(Object.entries(m).map(([k, v]) => [k, Math.round(v * 1e5) / 1e5]));

function summaryLine(s: EvaluationSummary): string {
  return `Dice ${s.mean.dice.toFixed(4)}  IoU ${s.mean.iou.toFixed(4)}  F1 ${s.mean.f1.toFixed(4)}  precision ${s.mean.precision.toFixed(4)}  recall ${s.mean.recall.toFixed(4)}` +
    `  accuracy ${s.mean.accuracy.toFixed(4)}  | Dice 5th percentile ${s.dice5.toFixed(4)}, min ${s.minDice.toFixed(4)}` +
    (s.heartOverlap !== undefined ? `  | heart overlap ${(s.heartOverlap * 100).toFixed(2)} %` : '');
}

export const evalCommand: CliCommand = {
  name: 'eval',
  summary: 'Measure a model against reference masks (Dice, IoU, F1, precision, recall per image and mean)',
  usage: [
    'pleura eval [--model ID|PATH] (--data DIR [--split FILE] [--subset NAME] | --images DIR --masks DIR) [--no-tta] [--out DIR]',
    '',
    '  --model ID|PATH  a model key (id@version), an id, or a model folder (default: the active model)',
    '  --data DIR       data set with DIR/images, DIR/masks and DIR/splits.json',
    '  --split FILE     splits file (default DIR/splits.json); --subset NAME: train | val | test (default val)',
    '  --images DIR --masks DIR   any two folders; masks are paired with images by file stem',
    '  --no-tta         predict without the mirrored pass (the app uses it by default)',
    '  --out DIR        write report.json, report.md and side-by-side pictures of the worst images there',
    '  --worst N        how many worst images get a picture (default 10)',
    '',
    'Predictions go through the same inference pipeline as the app (resize, ONNX Runtime, test-time',
    'flip, post-processing) at each image\'s own size; any nonzero mask value counts as lung.',
    'With DIR/labels/<name> (SCR labels: 3 = heart) it reports the heart overlap: the share of predicted',
    'lung pixels inside the reference heart. With a `source` column in DIR/metadata.csv, means per source.',
  ].join('\n'),
  options: {
    model: { type: 'string', short: 'm' }, data: { type: 'string' }, split: { type: 'string' }, subset: { type: 'string' },
    images: { type: 'string' }, masks: { type: 'string' }, 'no-tta': { type: 'boolean' }, out: { type: 'string' }, worst: { type: 'string' },
  },
  allowPositionals: false,
  async run({ values }, io) {
    let items: EvaluationItem[];
    let title: string;
    if (typeof values.data === 'string') {
      const data = resolve(values.data);
      const subset = typeof values.subset === 'string' ? values.subset : 'val';
      const splitFile = typeof values.split === 'string' ? resolve(values.split) : undefined;
      try {
        items = await listEvaluationItems(data, subset, splitFile);
      } catch (error) {
        // A data set without splits is evaluated whole unless a subset was asked for.
        if (!(error instanceof PleuraError) || splitFile || typeof values.subset === 'string') throw error;
        items = await listEvaluationItems(data);
      }
      title = `${data} ${subset}`;
    } else if (typeof values.images === 'string' && typeof values.masks === 'string') {
      items = await listPairs(resolve(values.images), resolve(values.masks));
      title = resolve(values.images);
    } else throw new UsageError('Give --data DIR, or --images DIR and --masks DIR.');
    if (items.length === 0) throw new PleuraError('not-found', 'No image/mask pairs to evaluate');
    const worstCount = typeof values.worst === 'string' ? Number(values.worst) : 10;
    if (!Number.isInteger(worstCount) || worstCount < 0) throw new UsageError('--worst must be a whole number.');
    const ctx = createAppContext({ transport: 'cli' });
    const segmenter = appSegmenter(ctx, { model: typeof values.model === 'string' ? values.model : undefined, tta: values['no-tta'] !== true });
    let report;
    try {
      report = await evaluate({
        title, items, segment: segmenter.segment, worstCount,
        ...(typeof values.out === 'string' ? { outDir: resolve(values.out) } : {}),
        onProgress: (fraction, name) => io.progress(fraction, name),
      });
    } finally {
      await getInferenceService(ctx).close();
    }
    const modelKey = segmenter.modelKey() ?? '';
    if (io.json) {
      io.result({
        model: modelKey, images: report.count, mean: round(report.mean),
        dice5: report.summary.dice5, minDice: report.summary.minDice,
        ...(report.summary.heartOverlap !== undefined ? { heartOverlap: report.summary.heartOverlap } : {}),
        ...(report.groups ? { groups: report.groups } : {}),
        perImage: report.images.map((m) => ({ ...round(m), name: m.name, ...(m.heartOverlap !== undefined ? { heartOverlap: m.heartOverlap } : {}), ...(m.group ? { group: m.group } : {}) })),
      });
      return;
    }
    io.out(`Model ${modelKey} on ${report.count} image(s)`);
    for (const m of report.images) {
      io.out(`  ${m.name.padEnd(40)} Dice ${m.dice.toFixed(4)}  IoU ${m.iou.toFixed(4)}  P ${m.precision.toFixed(4)}  R ${m.recall.toFixed(4)}` +
        (m.heartOverlap !== undefined ? `  heart ${(m.heartOverlap * 100).toFixed(2)} %` : ''));
    }
    for (const [group, s] of Object.entries(report.groups ?? {})) io.out(`${group} (${s.count}): ${summaryLine(s)}`);
    io.out(`Mean: ${summaryLine(report.summary)}`);
    if (typeof values.out === 'string') io.out(`Report: ${resolve(values.out)}/report.md`);
  },
};
