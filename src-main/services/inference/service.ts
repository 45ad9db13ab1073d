import sharp from 'sharp';
import { batchMayPredict } from './batch-policy';
import { PREVIEW_MAX_SIDE_PX, type ImageMeta, type ImagePixels } from '../../../src-shared/api/images';
import { say } from '../../../src-shared/api/text';
import type { PendingPrediction, PredictionResult, UncertaintyMap } from '../../../src-shared/api/inference';
import type { ImageRecord } from '../../../src-shared/api/project';
import { PleuraError, textOf } from '../../../src-shared/api/result';
import { lungMeasurements } from '../../../src-shared/metrics';
import { service, type AppContext } from '../context';
import { createImagesHandlers, filmPreview } from '../images/handlers';
import { getModelRegistry, type ResolvedModel } from '../models/registry';
import { getSession } from '../project/session';
import { newRevisionId } from '../project/store';
import type { WorkerPrediction } from '../../workers/inference/protocol';
import { InferenceHost } from './host';

/** Artifact name of an image's latest uncertainty map (8-bit grey PNG at network size). */
export const UNCERTAINTY_ARTIFACT = 'uncertainty.png';

/** Prediction of decoded pixels, with the model that made it (used by the project path and the CLI). */
export interface PixelsPrediction extends WorkerPrediction {
  model: ResolvedModel;
}

/** Lung segmentation for the open project and for the CLI, over one long-lived inference worker. */
export interface InferenceService {
  host: InferenceHost;
  predictPixels(pixels: ImagePixels, meta: Pick<ImageMeta, 'windows' | 'voiLut'>, options: { model?: string; tta?: boolean }): Promise<PixelsPrediction>;
  predictImage(imageId: string, options: { modelId?: string; tta?: boolean; replace?: boolean; parentId?: string | null; unpredictedOnly?: boolean }): Promise<PredictionResult>;
  /** The running prediction's mask once made, before its revision is durable (see the contract's `predictedMask`). */
  predictedMask(imageId: string): Promise<PendingPrediction | null>;
  /** Starts a batch job; `done` settles when it ends (the job's events carry the same outcome). */
  predictBatch(options: { imageIds?: string[]; modelId?: string; tta?: boolean; scope?: 'unpredicted' | 'not-approved' }): { jobId: string; done: Promise<BatchOutcome> };
  uncertaintyMap(imageId: string): Promise<UncertaintyMap | null>;
  close(): Promise<void>;
}

/** What a finished batch reports. */
export interface BatchOutcome {
  predicted: number;
  failed: { imageId: string; reason: string }[];
  /** Films left alone because their mask is approved, a user's or imported (see batchMayPredict). */
  skipped: string[];
}

/** The process's inference service (created on first use; registers 'inference.runtime'). */
export function getInferenceService(ctx: AppContext): InferenceService {
  return service(ctx, 'inference.service', () => createInferenceService(ctx));
}

/** Encodes an uncertainty map as a grey PNG so it can be stored, viewed and read back losslessly. */
async function encodeMap(map: UncertaintyMap): Promise<Uint8Array> {
  return new Uint8Array(await sharp(map.data, { raw: { width: map.widthPx, height: map.heightPx, channels: 1 } }).png().toBuffer());
}

async function decodeMap(bytes: Uint8Array): Promise<UncertaintyMap> {
  const { data, info } = await sharp(bytes).extractChannel(0).raw().toBuffer({ resolveWithObject: true });
  return { widthPx: info.width, heightPx: info.height, data: new Uint8Array(data.buffer, data.byteOffset, data.byteLength) };
}

/** JPEG 2000 (lossless or not) by the UID in the metadata's "name (UID)" transfer syntax. */
function isJpeg2000(transferSyntax: string | undefined): boolean {
  return /\(1\.2\.840\.10008\.1\.2\.4\.9[01]\)$/.test(transferSyntax ?? '');
}

function createInferenceService(ctx: AppContext): InferenceService {
  const host = new InferenceHost();
  const registry = getModelRegistry(ctx);
  ctx.services.set('inference.runtime', { runtimeReport: async () => host.runtimeReport() });
  // A new active model replaces the cached sessions at once, without restarting the app.
  registry.onActivate((model) => {
    void host.unload(null).then(() => (model ? host.ensureModel(model) : undefined)).catch(() => undefined);
  });

  const predictPixels: InferenceService['predictPixels'] = async (pixels, meta, options) => {
    const model = await registry.resolve(options.model);
    const prediction = await host.predict(model, pixels, meta, { tta: options.tta ?? true });
    return { ...prediction, model };
  };

  /**
   * Predictions running per film (none with `replace`): a caller asking the same (model, TTA) for the
   * same film, or any prediction on open, waits for the one running instead of predicting twice.
   */
  const running = new Map<string, { key: string; prediction: Promise<PredictionResult>; made: Promise<PendingPrediction | null> }>();
  const unpredicted = (image: ImageRecord) => image.latestRevisionId === null && image.status === 'new';

  /** `fromViewer`: asked for by a viewer opening the film (not a batch), which asks for its preview too. */
  const predictShared = async (imageId: string, options: Parameters<InferenceService['predictImage']>[1], fromViewer: boolean): Promise<PredictionResult> => {
    if (options.replace) return predictNow(imageId, options, false);
    const key = `${options.modelId ?? ''}|${options.tta ?? true}`;
    const inFlight = running.get(imageId);
    if (inFlight && (options.unpredictedOnly || inFlight.key === key)) return inFlight.prediction;
    if (options.unpredictedOnly && !unpredicted(getSession(ctx).require().getImage(imageId))) {
      throw new PleuraError('conflict', say('inference.hasMask'));
    }
    let announce: (made: PendingPrediction | null) => void = () => undefined;
    const made = new Promise<PendingPrediction | null>((resolve) => (announce = resolve));
    const prediction = predictNow(imageId, options, fromViewer, announce).finally(() => {
      announce(null);
      if (running.get(imageId)?.prediction === prediction) running.delete(imageId);
    });
    running.set(imageId, { key, prediction, made });
    return prediction;
  };

  const predictImage: InferenceService['predictImage'] = (imageId, options) => predictShared(imageId, options, !!options.unpredictedOnly);

  // Nothing running: nothing to show early (the viewer then gets the mask as any other revision).
  const predictedMask: InferenceService['predictedMask'] = async (imageId) => (await running.get(imageId)?.made) ?? null;

  /** `announce` is told the mask as soon as the network made it, before the save (null if it never is). */
  const predictNow = async (imageId: string, options: Parameters<InferenceService['predictImage']>[1], fromViewer: boolean, announce: (made: PendingPrediction) => void = () => undefined): Promise<PredictionResult> => {
    const started = performance.now();
    const store = getSession(ctx).require();
    const images = createImagesHandlers(ctx);
    // On open, the viewer asks for the same preview at once: started here beside the metadata, not after it.
    const previewing = fromViewer ? filmPreview(ctx, imageId, PREVIEW_MAX_SIDE_PX).catch(() => null) : null;
    const [meta, model] = await Promise.all([images.meta(imageId), registry.resolve(options.modelId)]);
    // The viewer's preview (its first paint) stands in for the film when both its sides are at least twice
    // the network's input: the network sees the film through a 4x or larger downscale either way. For a
    // JPEG 2000 film the preview is a reduced-resolution level, and the full decode (several times slower)
    // is not waited for; for any other film opened in the viewer the preview comes from the same full
    // decode (made in the decode worker's pass), and the network's input is made from ~0.3 MP instead of
    // 5 MP, without handing the full film to the inference worker. A batch predicts from the full pixels.
    const { input } = model.manifest;
    const j2k = meta.kind === 'dicom' && isJpeg2000(meta.transferSyntax);
    const preview = j2k || previewing ? ((await previewing) ?? (await filmPreview(ctx, imageId, PREVIEW_MAX_SIDE_PX))) : null;
    const fromPreview = !!preview && (preview.reduced || fromViewer) && Math.min(preview.pixels.widthPx, preview.pixels.heightPx) >= 2 * Math.max(input.widthPx, input.heightPx);
    const pixels = fromPreview && preview ? preview.pixels : await images.pixels(imageId, {});
    const prediction = { ...(await host.predict(model, pixels, meta, { tta: options.tta ?? true, ...(fromPreview ? { maskSize: { widthPx: meta.widthPx, heightPx: meta.heightPx } } : {}) })), model };
    const { manifest, key } = prediction.model;
    const { mask } = prediction;
    // A viewer waiting for this film shows the mask now, under the id it is being saved as.
    const revisionId = newRevisionId();
    announce({ imageId, revisionId, mask, modelId: manifest.id, modelVersion: manifest.version });
    // Its answer goes out first (the measurements and the save's encoding would hold it up).
    await new Promise((resolve) => setImmediate(resolve));
    const measured = lungMeasurements(mask.data, mask.widthPx, mask.heightPx, meta.spacing);
    // Recorded as the model by this service, never by a client. On an image holding a person's work the
    // store keeps the prediction beside it unless the user confirmed replacing the revision they saw.
    const revision = await store.saveRevision(imageId, mask, {
      id: revisionId,
      source: { kind: 'model', modelId: manifest.id, modelVersion: manifest.version },
      ...(options.replace ? { replace: true, parentId: options.parentId ?? null } : {}),
    });
    const current = store.getImage(imageId).latestRevisionId === revision.id;
    await store.writeArtifact(imageId, UNCERTAINTY_ARTIFACT, await encodeMap(prediction.uncertainty));
    const areas = { rightCm2: measured.rightCm2, leftCm2: measured.leftCm2, totalCm2: measured.totalCm2, totalPx: measured.totalPx };
    // Kept beside a person's work, the prediction leaves the image's areas those of their mask.
    await store.updateImage(imageId, current ? { predictedBy: key, uncertainty: prediction.uncertaintyScore, areas } : { predictedBy: key, uncertainty: prediction.uncertaintyScore });
    const { pre, run, post } = prediction.timingsMs;
    return {
      imageId, revision, current, modelId: manifest.id, modelVersion: manifest.version,
      uncertainty: prediction.uncertaintyScore,
      areas: { ...areas, lungHeightMm: measured.lungHeightMm },
      timingsMs: { pre, run, post, total: performance.now() - started },
      provider: prediction.provider,
    };
  };

  const predictBatch: InferenceService['predictBatch'] = (options) => {
    const store = getSession(ctx).require();
    const mayPredict = (image: ImageRecord) => batchMayPredict(image, store.listRevisions(image.id).at(-1) ?? null);
    const skipped: string[] = [];
    let imageIds: string[];
    const unpredictedScope = !options.imageIds && options.scope !== 'not-approved';
    if (options.imageIds) {
      imageIds = options.imageIds.filter((id) => (mayPredict(store.getImage(id)) ? true : (skipped.push(id), false)));
    } else if (options.scope === 'not-approved') {
      imageIds = store.listImages().filter(mayPredict).map((image) => image.id);
    } else {
      imageIds = store.listImages().filter((image) => image.latestRevisionId === null && image.status === 'new').map((image) => image.id);
    }
    return ctx.jobs.start('inference', say('inference.jobTitle', { count: imageIds.length }), async (job) => {
      const outcome: BatchOutcome = { predicted: 0, failed: [], skipped };
      if (skipped.length > 0) job.log('info', say('inference.kept', { count: skipped.length }));
      job.progress(0, say('job.countOf', { done: 0, total: imageIds.length }));
      for (const [index, imageId] of imageIds.entries()) {
        // Checked before each image: a cancel lets at most the image in flight finish.
        if (job.signal.aborted) throw new PleuraError('cancelled', say('job.cancelled'));
        try {
          // Films chosen as unpredicted are checked again when their turn comes: one opened meanwhile
          // was predicted on open (or is being: then that prediction is shared).
          await predictShared(imageId, { modelId: options.modelId, tta: options.tta, unpredictedOnly: unpredictedScope }, false);
          outcome.predicted++;
        } catch (error) {
          if (error instanceof PleuraError && (error.code === 'no-project' || error.code === 'cancelled')) throw error;
          if (!(unpredictedScope && error instanceof PleuraError && error.code === 'conflict')) {
            const reason = error instanceof Error ? error.message : String(error);
            outcome.failed.push({ imageId, reason });
            job.log('warn', say('inference.filmFailed', { name: store.getImage(imageId)?.name ?? imageId, reason: textOf(error) }));
          }
        }
        job.progress((index + 1) / imageIds.length, say('job.countOf', { done: index + 1, total: imageIds.length }));
      }
      return outcome;
    });
  };

  const uncertaintyMap: InferenceService['uncertaintyMap'] = async (imageId) => {
    const bytes = await getSession(ctx).require().readArtifact(imageId, UNCERTAINTY_ARTIFACT);
    return bytes ? decodeMap(bytes) : null;
  };

  return { host, predictPixels, predictImage, predictedMask, predictBatch, uncertaintyMap, close: () => host.close() };
}
