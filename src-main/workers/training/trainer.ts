import * as tf from '@tensorflow/tfjs';
import type { Sample } from './data';
import type { AugmentOptions } from './augment';
import { augmentOptions, epochBatches, stack } from './batches';
import { batchMetrics, lossByName, metricsFromCounts, type BatchMetrics } from './losses';
import { loadModel, loadOptimizer, saveModel, saveOptimizer } from './checkpoint';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { FeatureCache } from './feature-cache';
import { readState, writeState, type EpochRecord, type TrainerState } from './state';

export type { EpochRecord } from './state';

/** How to train; every field has a default suited to fine-tuning a small U-Net. */
export interface TrainOptions {
  /** Loss name, e.g. 'bce+jaccard' (see losses.ts). Default 'bce+jaccard' (the paper's best). */
  loss?: string;
  epochs?: number;
  batchSize?: number;
  learningRate?: number;
  /** Seeds shuffling and augmentation. */
  seed?: number;
  /** Augment training pairs (default true). */
  augment?: boolean | Partial<AugmentOptions>;
  /** 'full' trains every layer; 'decoder' freezes the encoder and trains on its cached features. */
  mode?: 'full' | 'decoder';
  /** Decoder mode: cached encoder passes per image (the first plain, the rest augmented). Default 4. */
  featureVariants?: number;
  /** Halve (factor) the learning rate after `patience` epochs without a better monitored value. */
  plateau?: { patience: number; factor: number; minLearningRate: number } | null;
  /**
   * Cosine learning-rate decay over the run, set at the start of every epoch: from `learningRate` at epoch 0
   * down to `minLearningRate` at the last epoch (suits a fixed compute budget better than plateau halving;
   * use with `plateau: null`). Resumed runs get the same rate for the same epoch.
   */
  cosine?: { minLearningRate: number } | null;
  /** Stop after `patience` epochs without a better monitored value. */
  earlyStopping?: { patience: number } | null;
  /** Keep the weights of the best epoch (by val Dice, else train loss) at the end. Default true. */
  restoreBest?: boolean;
  /** Save a checkpoint (model, optimizer, state) after every epoch into this folder. */
  checkpointDir?: string;
  /** Continue a run from its checkpoint folder (the model passed in must be loaded from it). */
  resume?: boolean;
  /** Checked before every batch; an aborted signal stops the run within one batch. */
  signal?: { aborted: boolean };
  onProgress?: (event: TrainingProgress) => void;
  log?: (message: string) => void;
}

/** A progress report, once per batch and once per epoch. */
export interface TrainingProgress {
  phase: 'batch' | 'epoch';
  epoch: number;
  epochs: number;
  step: number;
  steps: number;
  loss: number;
  metrics: BatchMetrics;
  validation?: { loss: number; metrics: BatchMetrics };
  learningRate: number;
  /** Fraction of the whole run done, 0..1, and the estimated time left. */
  fraction: number;
  etaMs: number | null;
}

export interface TrainResult {
  history: EpochRecord[];
  bestEpoch: number;
  stoppedEarly: boolean;
  cancelled: boolean;
  durationS: number;
}

const nextTick = () => new Promise<void>((resolve) => setImmediate(resolve));

/** Per-image mean metrics and the loss of `predict` on `samples`, in batches, without gradients. */
export async function validate(
  predict: (x: tf.Tensor4D, indices: number[]) => tf.Tensor,
  samples: Sample[],
  loss: (y: tf.Tensor, p: tf.Tensor) => tf.Scalar,
  batchSize: number,
): Promise<{ loss: number; metrics: BatchMetrics }> {
  const sums: BatchMetrics = { dice: 0, iou: 0, precision: 0, recall: 0, accuracy: 0 };
  let lossSum = 0;
  for (let start = 0; start < samples.length; start += batchSize) {
    const part = samples.slice(start, start + batchSize);
    const { x, y } = stack(part, part[0].sizePx);
    const p = tf.tidy(() => predict(x, part.map((_, i) => start + i)));
    const l = loss(y, p);
    lossSum += l.dataSync()[0] * part.length;
    const probabilities = await p.data();
    const pixels = part[0].sizePx ** 2;
    part.forEach((s, i) => {
      let tp = 0, fp = 0, fn = 0;
      for (let k = 0; k < pixels; k++) {
        const predicted = probabilities[i * pixels + k] > 0.5;
        if (predicted && s.mask[k]) tp++;
        else if (predicted) fp++;
        else if (s.mask[k]) fn++;
      }
      const m = metricsFromCounts({ tp, fp, fn, total: pixels });
      for (const key of Object.keys(sums) as (keyof BatchMetrics)[]) sums[key] += m[key];
    });
    tf.dispose([x, y, p, l]);
  }
  for (const key of Object.keys(sums) as (keyof BatchMetrics)[]) sums[key] /= samples.length;
  return { loss: lossSum / samples.length, metrics: sums };
}

function trainableVariables(model: tf.LayersModel): tf.Variable[] {
  return model.trainableWeights.map((w) => w.read() as tf.Variable);
}

/**
 * Trains `model` in place on `train`, validating on `val` after each epoch. Decoder mode trains only the
 * layers after the encoder, on features cached once per image. Returns when the epochs are done, early
 * stopping triggers or the signal is aborted (then `cancelled` is true and the weights are the last ones).
 */
export async function train(model: tf.LayersModel, trainSet: Sample[], val: Sample[], options: TrainOptions = {}): Promise<TrainResult> {
  const o = {
    loss: options.loss ?? 'bce+jaccard', epochs: options.epochs ?? 10, batchSize: options.batchSize ?? 4,
    learningRate: options.learningRate ?? 1e-3, seed: options.seed ?? 1, mode: options.mode ?? 'full',
    plateau: options.plateau === undefined ? { patience: 3, factor: 0.5, minLearningRate: 1e-6 } : options.plateau,
    earlyStopping: options.earlyStopping === undefined ? { patience: 8 } : options.earlyStopping,
  };
  const log = options.log ?? (() => undefined);
  const loss = lossByName(o.loss);
  const augment = augmentOptions(options.augment ?? true);
  const optimizer = tf.train.adam(o.learningRate);
  const lr = optimizer as unknown as { learningRate: number };
  let state: TrainerState = { epoch: 0, learningRate: o.learningRate, best: null, bestEpoch: -1, sinceBest: 0, sinceLrChange: 0, history: [] };
  if (options.resume && options.checkpointDir) {
    const saved = await readState(options.checkpointDir);
    if (saved) {
      state = saved;
      lr.learningRate = state.learningRate;
      if (await loadOptimizer(optimizer, options.checkpointDir)) log('restored the optimizer state');
      log(`resuming after epoch ${state.epoch} (best ${state.best?.toFixed(4) ?? '-'} at epoch ${state.bestEpoch})`);
    }
  }
  const cache = o.mode === 'decoder' ? await FeatureCache.build(model, trainSet, val, {
    variants: options.featureVariants ?? 4, seed: o.seed, augment, signal: options.signal,
  }) : null;
  if (cache) log(`decoder mode: ${cache.frozenLayers} encoder layers frozen, features cached for ${trainSet.length} images`);
  const trainedModel = cache ? cache.decoder : model;
  const variables = trainableVariables(trainedModel);
  const steps = Math.ceil(trainSet.length / o.batchSize);
  const totalSteps = Math.max(1, (o.epochs - state.epoch) * steps);
  const started = performance.now();
  let bestWeights: tf.Tensor[] | null = null;
  let stepsDone = 0;
  let cancelled = false;
  let stoppedEarly = false;
  const progressAt = () => {
    const fraction = Math.min(1, stepsDone / totalSteps);
    const elapsedMs = performance.now() - started;
    return { fraction, etaMs: fraction > 0 ? Math.round((elapsedMs * (1 - fraction)) / fraction) : null };
  };
  try {
    for (let epoch = state.epoch; epoch < o.epochs && !cancelled; epoch++) {
      if (options.cosine) {
        const t = o.epochs > 1 ? epoch / (o.epochs - 1) : 1;
        lr.learningRate = options.cosine.minLearningRate + 0.5 * (o.learningRate - options.cosine.minLearningRate) * (1 + Math.cos(Math.PI * t));
      }
      let lossSum = 0;
      const counts = { dice: 0, iou: 0, precision: 0, recall: 0, accuracy: 0 };
      let step = 0;
      const batches = cache
        ? cache.epochBatches({ batchSize: o.batchSize, seed: o.seed, epoch })
        : (function* () {
            for (const batch of epochBatches(trainSet, { batchSize: o.batchSize, seed: o.seed, epoch, augment })) yield stack(batch, trainSet[0].sizePx);
          })();
      for (const batch of batches) {
        await nextTick();
        if (options.signal?.aborted) {
          cancelled = true;
          tf.dispose(Object.values(batch).flat());
          break;
        }
        const { y } = batch;
        const inputs = 'features' in batch ? batch.features : batch.x;
        let prediction: tf.Tensor | null = null;
        const cost = optimizer.minimize(() => {
          const p = trainedModel.apply(inputs, { training: true }) as tf.Tensor;
          prediction = tf.keep(p);
          return loss(y, p);
        }, true, variables)!;
        const lossValue = (await cost.data())[0];
        const metrics = batchMetrics(y, prediction!);
        tf.dispose([cost, prediction!, ...Object.values(batch).flat()]);
        lossSum += lossValue;
        for (const key of Object.keys(counts) as (keyof BatchMetrics)[]) counts[key] += metrics[key];
        step++;
        stepsDone++;
        options.onProgress?.({ phase: 'batch', epoch, epochs: o.epochs, step, steps, loss: lossValue, metrics, learningRate: lr.learningRate, ...progressAt() });
      }
      if (cancelled || step === 0) break;
      for (const key of Object.keys(counts) as (keyof BatchMetrics)[]) counts[key] /= step;
      const validation = val.length > 0
        ? await validate((x, indices) => (cache ? cache.predictVal(indices) : (model.apply(x, { training: false }) as tf.Tensor)), val, loss, o.batchSize)
        : undefined;
      const record: EpochRecord = { epoch, loss: lossSum / step, metrics: counts, learningRate: lr.learningRate, ...(validation ? { validation } : {}) };
      state.history.push(record);
      // Higher is better for Dice; the train loss is negated so one comparison serves both.
      const monitored = validation ? validation.metrics.dice : -record.loss;
      const improved = state.best === null || monitored > state.best + 1e-6;
      if (improved) {
        state.best = monitored;
        state.bestEpoch = epoch;
        state.sinceBest = 0;
        state.sinceLrChange = 0;
        if (options.restoreBest !== false) {
          tf.dispose(bestWeights ?? []);
          bestWeights = model.getWeights().map((w) => tf.keep(w.clone()));
        }
      } else {
        state.sinceBest++;
        state.sinceLrChange++;
      }
      if (o.plateau && state.sinceLrChange >= o.plateau.patience && lr.learningRate > o.plateau.minLearningRate) {
        lr.learningRate = Math.max(o.plateau.minLearningRate, lr.learningRate * o.plateau.factor);
        state.sinceLrChange = 0;
        log(`epoch ${epoch + 1}: no improvement for ${o.plateau.patience} epochs, learning rate now ${lr.learningRate.toExponential(2)}`);
      }
      state.epoch = epoch + 1;
      state.learningRate = lr.learningRate;
      options.onProgress?.({ phase: 'epoch', epoch, epochs: o.epochs, step, steps, loss: record.loss, metrics: counts, validation, learningRate: lr.learningRate, ...progressAt() });
      if (options.checkpointDir) {
        await saveModel(model, options.checkpointDir);
        await saveOptimizer(optimizer, options.checkpointDir);
        // The best epoch's weights too, so a resumed run can still end on them.
        if (improved && options.restoreBest !== false) await saveModel(model, join(options.checkpointDir, 'best'));
        await writeState(options.checkpointDir, state);
      }
      if (o.earlyStopping && state.sinceBest >= o.earlyStopping.patience) {
        stoppedEarly = true;
        log(`epoch ${epoch + 1}: stopping early, no improvement for ${o.earlyStopping.patience} epochs`);
        break;
      }
    }
    if (bestWeights && !cancelled && state.bestEpoch >= 0) model.setWeights(bestWeights);
    else if (!bestWeights && !cancelled && options.restoreBest !== false && options.resume && options.checkpointDir) {
      // Resumed and no better epoch since: the best one was saved before the interruption.
      const bestDir = join(options.checkpointDir, 'best');
      if (state.bestEpoch >= 0 && existsSync(join(bestDir, 'model.json'))) {
        const best = await loadModel(bestDir);
        model.setWeights(best.getWeights());
        best.dispose();
        log(`restored the best epoch (${state.bestEpoch + 1}) from ${bestDir}`);
      }
    }
  } finally {
    tf.dispose(bestWeights ?? []);
    cache?.dispose();
    optimizer.dispose();
  }
  return { history: state.history, bestEpoch: state.bestEpoch, stoppedEarly, cancelled, durationS: (performance.now() - started) / 1000 };
}
