import type * as tf from '@tensorflow/tfjs';
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { modelManifestSchema, type ModelManifest, type PerImageNormalisation } from '../../../src-shared/ml/manifest';
import { normalisePerImage } from '../../../src-shared/ml/preprocess';
import { exportOnnx } from '../../onnx/export';
import { buildModel, countParameters } from './architectures';
import { initTrainingBackend, type TrainingBackendReport } from './backend';
import { loadModel, saveModel } from './checkpoint';
import { loadDataset, type Sample } from './data';
import type { DataSource, TrainingRequest, TrainingResult } from './protocol';
import { train, type TrainingProgress } from './trainer';

/** How a run reports while it works. */
export interface RunReporter {
  backend?(report: TrainingBackendReport): void;
  progress?(progress: TrainingProgress): void;
  log?(level: 'info' | 'warn' | 'error', message: string): void;
}

let backendReport: Promise<TrainingBackendReport> | null = null;

/**
 * Starts the training backend once per thread (later calls get the first report). `threads`: WASM threads
 * (default all cores; on a machine crowded with other work one thread wastes less CPU on synchronisation).
 */
export function ensureTrainingBackend(prefer?: TrainingRequest['backend'], threads?: number): Promise<TrainingBackendReport> {
  backendReport ??= initTrainingBackend({ ...(prefer ? { prefer } : {}), ...(threads ? { threads } : {}) });
  return backendReport;
}

async function loadSources(sources: DataSource[], inputPx: number, perImage?: PerImageNormalisation): Promise<Sample[]> {
  const samples: Sample[] = [];
  for (const source of sources) {
    if (source.kind === 'samples') {
      for (let s of source.samples) {
        if (s.sizePx !== inputPx) throw new Error(`sample ${s.name} is ${s.sizePx} px; the network takes ${inputPx}`);
        // Decoded pairs come in plain 0..1 (makeSample without a stretch); the network's stretch is applied here.
        if (perImage) s = { ...s, image: normalisePerImage(s.image.slice(), perImage) };
        samples.push(s);
      }
    } else {
      samples.push(...(await loadDataset(source.dir, { inputPx, subset: source.subset, splitFile: source.splitFile, limit: source.limit, perImage })));
    }
  }
  return samples;
}

/**
 * Writes a trained network as a model version folder: `tfjs/` (for further training), `model.onnx`
 * (what inference runs) and `model.json` (the manifest). Returns the validated manifest.
 */
export async function writeModelVersion(
  model: tf.LayersModel,
  outDir: string,
  fields: TrainingRequest['manifest'],
  perImage?: PerImageNormalisation,
): Promise<ModelManifest> {
  await mkdir(outDir, { recursive: true });
  await saveModel(model, join(outDir, 'tfjs'));
  const inputPx = model.inputs[0].shape[1]!;
  const manifest = modelManifestSchema.parse({
    convention: 'unknown',
    ...fields,
    file: 'model.onnx',
    input: { name: 'image', widthPx: inputPx, heightPx: model.inputs[0].shape[2]!, channels: 1, layout: 'NCHW', resize: 'stretch', padValue: 0 },
    normalisation: { from: 'display-8bit', mean: [0], std: [1], ...(perImage ? { perImage } : {}) },
    output: { name: 'probability', kind: 'probability', layout: 'NCHW', classes: ['lung'], threshold: 0.5 },
    createdAt: fields.createdAt ?? new Date().toISOString(),
  });
  await writeFile(join(outDir, 'model.onnx'), exportOnnx(model, { description: `${manifest.name} (${manifest.id}@${manifest.version})` }));
  await writeFile(join(outDir, 'model.json'), JSON.stringify(manifest, null, 2));
  return manifest;
}

/**
 * One training run from request to model version folder, in the calling thread (the worker calls this;
 * the CLI and tests may too). Throws on bad input; a cancelled run still returns (cancelled: true) and
 * writes nothing.
 */
export async function runTraining(request: TrainingRequest, reporter: RunReporter = {}, signal?: { aborted: boolean }): Promise<TrainingResult> {
  const backend = await ensureTrainingBackend(request.backend);
  reporter.backend?.(backend);
  reporter.log?.('info', `training on ${backend.name}: ${backend.device}${backend.note ? ` (${backend.note})` : ''}`);
  const model = request.model.kind === 'new' ? buildModel({ ...request.model, seed: request.options.seed ?? 1 }) : await loadModel(request.model.tfjsDir);
  try {
    const inputPx = model.inputs[0].shape[1]!;
    const [trainSet, val] = [await loadSources(request.train, inputPx, request.perImage), await loadSources(request.val, inputPx, request.perImage)];
    if (trainSet.length === 0) throw new Error('no training pairs');
    reporter.log?.('info', `${trainSet.length} training and ${val.length} validation pairs at ${inputPx} px`);
    const result = await train(model, trainSet, val, {
      ...request.options,
      signal,
      onProgress: reporter.progress,
      log: (message) => reporter.log?.('info', message),
    });
    const best = result.history[result.bestEpoch];
    const base = {
      history: result.history, bestEpoch: result.bestEpoch, stoppedEarly: result.stoppedEarly,
      cancelled: result.cancelled, durationS: result.durationS, backend, outDir: request.outDir,
    };
    if (result.cancelled) return { ...base, manifest: null };
    const parameters = countParameters(model).total;
    const metrics: Record<string, Record<string, number>> = { ...(request.manifest.metrics ?? {}) };
    if (best) metrics.train = { loss: best.loss, ...best.metrics };
    if (best?.validation) metrics.val = { loss: best.validation.loss, ...best.validation.metrics };
    const manifest = await writeModelVersion(model, request.outDir, {
      ...request.manifest,
      metrics,
      training: {
        data: request.manifest.training?.data ?? [],
        parent: request.manifest.training?.parent ?? null,
        architecture: model.name,
        parameters,
        hyperParameters: { ...request.options, inputPx, epochsRun: result.history.length, bestEpoch: result.bestEpoch },
        backend: `${backend.name}: ${backend.device}`,
        durationS: result.durationS,
      },
    }, request.perImage);
    return { ...base, manifest };
  } finally {
    model.dispose();
  }
}
