import { readFile } from 'node:fs/promises';
import { basename } from 'node:path';
import type { AppContext } from '../context';
import { decodeImage } from '../images/decode';
import { getInferenceService } from '../inference/service';
import { getModelRegistry } from '../models/registry';
import { evaluate, listEvaluationItems, type EvaluationReport, type SegmentFunction } from './report';

/** Options of {@link appSegmenter}. */
export interface AppSegmenterOptions {
  /** Model key, id or folder as `pleura predict --model` takes it; default the active model. */
  model?: string;
  /** Flip test-time augmentation, as the app does by default. Default true. */
  tta?: boolean;
}

/**
 * A {@link SegmentFunction} that runs the app's own path on the image FILE: the images service's
 * decoder, the manifest-driven pre-processing, the inference worker and the post-processing (largest
 * components, holes, left/right), exactly what `pleura predict` and the app do. `modelKey()` says which
 * model answered (after the first image).
 */
export function appSegmenter(ctx: AppContext, options: AppSegmenterOptions = {}): { segment: SegmentFunction; modelKey: () => string | undefined } {
  const inference = getInferenceService(ctx);
  let modelKey: string | undefined;
  const segment: SegmentFunction = async (_decoded, item) => {
    const image = await decodeImage(new Uint8Array(await readFile(item.imagePath)), { name: basename(item.imagePath) });
    const prediction = await inference.predictPixels(image.pixels, image.meta, { model: options.model, tta: options.tta ?? true });
    modelKey = prediction.model.key;
    return prediction.mask.data;
  };
  return { segment, modelKey: () => modelKey };
}

/** Options of {@link evaluateModelOnSplit}. */
export interface EvaluateModelOptions extends AppSegmenterOptions {
  dataDir: string;
  /** Subset of splits.json (e.g. 'val'); every pair when absent. */
  subset?: string;
  outDir?: string;
  worstCount?: number;
  onProgress?: (fraction: number, message: string) => void;
  signal?: AbortSignal;
}

/**
 * Evaluates a model on a data set's split through the app's prediction path and writes the report
 * (report.json, report.md, worst/*.png) when `outDir` is given. This is what the model card's numbers are.
 */
export async function evaluateModelOnSplit(ctx: AppContext, options: EvaluateModelOptions): Promise<EvaluationReport> {
  const items = await listEvaluationItems(options.dataDir, options.subset);
  // Resolved up front so the report can name the model; a folder path stays a path for the predictions
  // (the registry only resolves keys of versions it holds).
  const model = await getModelRegistry(ctx).resolve(options.model);
  const segmenter = appSegmenter(ctx, { ...options, model: options.model ?? model.key });
  const dataName = basename(options.dataDir.replace(/[\\/]+$/, ''));
  const report = await evaluate({
    modelId: model.key,
    title: `${dataName} ${options.subset ?? 'all'}${options.tta === false ? ' (no TTA)' : ''}`,
    items,
    segment: segmenter.segment,
    ...(options.outDir ? { outDir: options.outDir } : {}),
    ...(options.worstCount !== undefined ? { worstCount: options.worstCount } : {}),
    ...(options.onProgress ? { onProgress: options.onProgress } : {}),
    ...(options.signal ? { signal: options.signal } : {}),
  });
  return report;
}
