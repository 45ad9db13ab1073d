import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { percentile, segmentationMetrics, meanMetrics, shareInsideLabel, type SegmentationMetrics } from '../../../src-shared/metrics';
import { PleuraError } from '../../../src-shared/api/result';
import { decodeGrey8, listPairs, readSplits } from '../../workers/training/data';
import { writeSideBySide, type GreyPicture } from './side-by-side';
import { formatEvaluationMarkdown } from './markdown';

/** One image/mask pair to evaluate. */
export interface EvaluationItem {
  name: string;
  imagePath: string;
  maskPath: string;
  /** SCR-style label image (0 background, 1 right lung, 2 left lung, 3 heart), for the heart overlap. */
  labelPath?: string;
  /** Where the image comes from (metadata.csv `source`), for per-source means. */
  group?: string;
}

/** Label value of the heart in a data set's `labels/` images (SCR convention, lungs-jsrt). */
export const heartLabel = 3;

/** Mean metrics of a set of images, with the 5th percentile of Dice and the mean heart overlap. */
export interface EvaluationSummary {
  count: number;
  mean: SegmentationMetrics;
  /** 5th percentile of the per-image Dice (numpy's linear interpolation). */
  dice5: number;
  minDice: number;
  /** Mean over images with a label image of the share of predicted lung inside the heart; absent without labels. */
  heartOverlap?: number;
}

/**
 * Segments one image the way the app does (pre-processing, network, post-processing) and returns a mask
 * of the image's own size, nonzero = lung.
 */
export type SegmentFunction = (image: GreyPicture, item: EvaluationItem) => Promise<Uint8Array>;

/** Metrics of one image at its stored resolution. */
export interface ImageEvaluation extends SegmentationMetrics {
  name: string;
  widthPx: number;
  heightPx: number;
  /** Lung share of the image in the reference and in the prediction. */
  referenceFraction: number;
  predictedFraction: number;
  /** Side-by-side PNG, relative to the report folder; only for the worst images. */
  picture?: string;
  /** Share of the predicted lung pixels inside the reference heart (items with a label image only). */
  heartOverlap?: number;
  group?: string;
}

/** The whole evaluation: mean per-image metrics, every image, and the worst ones first. */
export interface EvaluationReport {
  /** What was evaluated, e.g. "lungs-cxr val". */
  title: string;
  modelId?: string;
  count: number;
  /** Mean over images of the per-image metrics (each image weighs the same). */
  mean: SegmentationMetrics;
  /** 5th percentile and minimum of Dice, mean heart overlap (when label images exist). */
  summary: EvaluationSummary;
  /** The same per source (metadata.csv `source`), when the data set has more than one. */
  groups?: Record<string, EvaluationSummary>;
  /** Every image, in input order. */
  images: ImageEvaluation[];
  /** Names of the worst images by Dice, worst first. */
  worst: string[];
  /** Seconds spent, segmentation included. */
  durationS: number;
}

/** Options of {@link evaluate}. */
export interface EvaluateOptions {
  title: string;
  modelId?: string;
  items: readonly EvaluationItem[];
  segment: SegmentFunction;
  /** Folder for report.json, report.md and worst/*.png; nothing is written when absent. */
  outDir?: string;
  /** How many of the worst images get a side-by-side picture. Default 10. */
  worstCount?: number;
  onProgress?: (fraction: number, message: string) => void;
  signal?: AbortSignal;
}

function lungFraction(mask: Uint8Array): number {
  let count = 0;
  for (let i = 0; i < mask.length; i++) if (mask[i] !== 0) count++;
  return mask.length === 0 ? 0 : count / mask.length;
}

function safeFileName(name: string): string {
  return name.replace(/\.[^.]+$/, '').replace(/[^A-Za-z0-9._-]/g, '_');
}

/**
 * Segments every item, scores it against its reference mask at the image's stored size, and (with
 * `outDir`) writes report.json, report.md and a side-by-side PNG of each of the worst images.
 * Throws PleuraError('invalid-argument') when a mask's size differs from its image's.
 */
export async function evaluate(options: EvaluateOptions): Promise<EvaluationReport> {
  const started = performance.now();
  const worstCount = options.worstCount ?? 10;
  const images: ImageEvaluation[] = [];
  // Pixels of the worst candidates are kept so their pictures need no second segmentation.
  const kept = new Map<string, { image: GreyPicture; reference: Uint8Array; prediction: Uint8Array }>();
  for (const [index, item] of options.items.entries()) {
    if (options.signal?.aborted) throw new PleuraError('cancelled', 'Evaluation cancelled');
    const [image, reference] = await Promise.all([decodeGrey8(item.imagePath), decodeGrey8(item.maskPath)]);
    if (image.widthPx !== reference.widthPx || image.heightPx !== reference.heightPx) {
      throw new PleuraError('invalid-argument', `Mask of ${item.name} is ${reference.widthPx}x${reference.heightPx}, its image ${image.widthPx}x${image.heightPx}`);
    }
    const prediction = await options.segment(image, item);
    const labels = item.labelPath ? await decodeGrey8(item.labelPath) : null;
    images.push({
      name: item.name,
      widthPx: image.widthPx,
      heightPx: image.heightPx,
      ...segmentationMetrics(prediction, reference.data),
      referenceFraction: lungFraction(reference.data),
      predictedFraction: lungFraction(prediction),
      ...(labels ? { heartOverlap: shareInsideLabel(prediction, labels.data, heartLabel) } : {}),
      ...(item.group ? { group: item.group } : {}),
    });
    if (options.outDir && worstCount > 0) {
      kept.set(item.name, { image, reference: reference.data, prediction });
      if (kept.size > worstCount) {
        const byDice = new Map(images.map((e) => [e.name, e.dice]));
        const best = [...kept.keys()].reduce((a, b) => ((byDice.get(a) ?? 0) >= (byDice.get(b) ?? 0) ? a : b));
        kept.delete(best);
      }
    }
    options.onProgress?.((index + 1) / options.items.length, item.name);
  }
  const worstImages = [...images].sort((a, b) => a.dice - b.dice).slice(0, worstCount);
  const report: EvaluationReport = {
    title: options.title,
    ...(options.modelId ? { modelId: options.modelId } : {}),
    count: images.length,
    mean: meanMetrics(images),
    summary: summarise(images),
    ...groupSummaries(images),
    images,
    worst: worstImages.map((e) => e.name),
    durationS: 0,
  };
  if (options.outDir) {
    await mkdir(join(options.outDir, 'worst'), { recursive: true });
    for (const [rank, entry] of worstImages.entries()) {
      const pixels = kept.get(entry.name);
      if (!pixels) continue;
      entry.picture = `worst/${String(rank + 1).padStart(2, '0')}-${safeFileName(entry.name)}.png`;
      await writeSideBySide(join(options.outDir, entry.picture), pixels.image, pixels.reference, pixels.prediction);
    }
  }
  report.durationS = (performance.now() - started) / 1000;
  if (options.outDir) {
    await writeFile(join(options.outDir, 'report.json'), JSON.stringify(report, null, 2) + '\n');
    await writeFile(join(options.outDir, 'report.md'), formatEvaluationMarkdown(report));
  }
  return report;
}

/** Mean, 5th percentile and minimum of Dice, and mean heart overlap of `images`. */
export function summarise(images: readonly ImageEvaluation[]): EvaluationSummary {
  const dices = images.map((e) => e.dice).sort((a, b) => a - b);
  const withHeart = images.filter((e) => e.heartOverlap !== undefined);
  return {
    count: images.length,
    mean: meanMetrics(images),
    dice5: percentile(dices, 5),
    minDice: dices.length > 0 ? dices[0] : NaN,
    ...(withHeart.length > 0 ? { heartOverlap: withHeart.reduce((sum, e) => sum + e.heartOverlap!, 0) / withHeart.length } : {}),
  };
}

function groupSummaries(images: readonly ImageEvaluation[]): { groups?: Record<string, EvaluationSummary> } {
  const names = [...new Set(images.map((e) => e.group).filter((g): g is string => g !== undefined))].sort();
  if (names.length < 2) return {};
  return { groups: Object.fromEntries(names.map((g) => [g, summarise(images.filter((e) => e.group === g))])) };
}

/** The `source` column of `<dir>/metadata.csv` by file name (empty when there is none). */
async function sourcesByFile(dataDir: string): Promise<Map<string, string>> {
  const path = join(dataDir, 'metadata.csv');
  const out = new Map<string, string>();
  if (!existsSync(path)) return out;
  const [header, ...rows] = (await readFile(path, 'utf8')).split(/\r?\n/).filter((l) => l.length > 0);
  const columns = header.split(',');
  const file = columns.indexOf('file');
  const source = columns.indexOf('source');
  if (file < 0 || source < 0) return out;
  // The first columns (file, source) never hold quoted commas in Pleura's data sets.
  for (const row of rows) {
    const cells = row.split(',');
    if (cells[file] && cells[source]) out.set(cells[file], cells[source]);
  }
  return out;
}

/**
 * The pairs of one subset of a data set laid out as `<dir>/images`, `<dir>/masks`, `<dir>/splits.json`;
 * every pair when `subset` is absent. Each item carries `<dir>/labels/<name>` when that label image
 * exists (heart overlap) and its metadata.csv `source` (per-source means). Throws PleuraError when the subset or its files are missing.
 */
export async function listEvaluationItems(dataDir: string, subset?: string, splitFile?: string): Promise<EvaluationItem[]> {
  const sources = await sourcesByFile(dataDir);
  const pairs: EvaluationItem[] = (await listPairs(join(dataDir, 'images'), join(dataDir, 'masks'))).map((p) => {
    const labelPath = join(dataDir, 'labels', p.name);
    const group = sources.get(p.name);
    return { ...p, ...(existsSync(labelPath) ? { labelPath } : {}), ...(group ? { group } : {}) };
  });
  if (!subset) return pairs;
  const splits = await readSplits(dataDir, splitFile);
  const names = splits?.[subset];
  if (!names) throw new PleuraError('not-found', `${dataDir} has no subset '${subset}' in splits.json`);
  const byName = new Map(pairs.map((p) => [p.name, p]));
  const missing = names.filter((n) => !byName.has(n));
  if (missing.length > 0) throw new PleuraError('not-found', `${missing.length} images of subset '${subset}' are missing, e.g. ${missing[0]}`);
  return names.map((n) => byName.get(n)!);
}
