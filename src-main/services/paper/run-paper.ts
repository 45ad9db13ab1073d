import { buildModel } from '../../workers/training/architectures';
import { initTrainingBackend } from '../../workers/training/backend';
import { loadDataset } from '../../workers/training/data';
import { train, type TrainingProgress } from '../../workers/training/trainer';
import type { BatchMetrics } from '../../workers/training/losses';
import { PleuraError } from '../../../src-shared/api/result';
import type { PaperMetrics } from './paper-numbers';
import type { PaperRunSetup, VariantResult } from './paper-table';
import { paperVariants, scaledEpochs, type PaperVariant } from './variants';

/** How `pleura paper` trains; the defaults are the paper's own sizes (see docs/paper-table.md). */
export interface PaperRunOptions {
  /** A data set folder with images/, masks/ and splits.json (train and val subsets). */
  dataDir: string;
  /** The paper's epochs are multiplied by this (rounded, at least one). */
  epochsScale: number;
  /** Square network input. The paper: 256 (or 512). */
  inputPx?: number;
  /** Filters of the first level. The paper: 64. */
  baseFilters?: number;
  /** The paper: 16. */
  batchSize?: number;
  /** Variant ids to run (default all four). */
  only?: string[];
  /** Use at most this many training pairs (for smoke runs). */
  trainLimit?: number;
  seed?: number;
  log?: (line: string) => void;
  onProgress?: (fraction: number, message: string) => void;
  signal?: { aborted: boolean };
}

function asPaperMetrics(m: BatchMetrics): Required<PaperMetrics> {
  // For binary pixel masks F1 equals Dice (src-shared/metrics/overlap.ts).
  return { accuracy: m.accuracy, iou: m.iou, dice: m.dice, f1: m.dice };
}

/** Picks the variants named in `only` (all when absent); throws PleuraError for an unknown id. */
export function selectVariants(only?: string[]): PaperVariant[] {
  if (!only || only.length === 0) return [...paperVariants];
  const unknown = only.filter((id) => !paperVariants.some((v) => v.id === id));
  if (unknown.length > 0) {
    throw new PleuraError('invalid-argument', `Unknown variant ${unknown.join(', ')} (have: ${paperVariants.map((v) => v.id).join(', ')})`);
  }
  return paperVariants.filter((v) => only.includes(v.id));
}

/**
 * Trains each of the paper's variants with the project's training loop (same data, augmentation and
 * optimiser for all; each its own network and loss, the paper's epochs x scale) and returns what the
 * last epoch measured, as the paper reports its last epoch. Only the paper's U-Net 2 reduces the learning
 * rate on plateau, as the paper's PyTorch loop did; nothing stops early.
 */
export async function runPaperVariants(options: PaperRunOptions): Promise<{ setup: PaperRunSetup; results: VariantResult[] }> {
  const inputPx = options.inputPx ?? 256;
  const baseFilters = options.baseFilters ?? 64;
  const batchSize = options.batchSize ?? 16;
  const log = options.log ?? (() => undefined);
  const variants = selectVariants(options.only);
  const backend = await initTrainingBackend();
  log(`backend ${backend.name}: ${backend.device}`);
  const trainSet = await loadDataset(options.dataDir, { inputPx, subset: 'train', ...(options.trainLimit ? { limit: options.trainLimit } : {}) });
  const val = await loadDataset(options.dataDir, { inputPx, subset: 'val' });
  const setup: PaperRunSetup = {
    dataName: options.dataDir.replace(/\/+$/, '').split(/[\\/]/).pop() ?? options.dataDir,
    trainImages: trainSet.length,
    valImages: val.length,
    inputPx,
    baseFilters,
    epochsScale: options.epochsScale,
    backend: `${backend.name} (${backend.device})`,
  };
  const totalEpochs = variants.reduce((sum, v) => sum + scaledEpochs(v, options.epochsScale), 0);
  let epochsDone = 0;
  const results: VariantResult[] = [];
  for (const variant of variants) {
    const epochs = scaledEpochs(variant, options.epochsScale);
    log(`${variant.id}: ${variant.architecture}, loss ${variant.loss.join('+')}, ${epochs} epochs`);
    const model = buildModel({ architecture: variant.architecture, inputPx, baseFilters, depth: 4, dropout: variant.dropout, seed: options.seed ?? 1 });
    try {
      const run = await train(model, trainSet, val, {
        loss: variant.loss.join('+'),
        epochs,
        batchSize,
        learningRate: 1e-3,
        seed: options.seed ?? 1,
        augment: true,
        plateau: variant.architecture === 'unet-bn' ? { patience: 2, factor: 0.5, minLearningRate: 1e-6 } : null,
        earlyStopping: null,
        restoreBest: false,
        ...(options.signal ? { signal: options.signal } : {}),
        onProgress: (p: TrainingProgress) => {
          const fraction = (epochsDone + p.epoch + p.step / Math.max(1, p.steps)) / totalEpochs;
          options.onProgress?.(Math.min(1, fraction), `${variant.id} epoch ${p.epoch + 1}/${epochs}`);
          if (p.phase === 'epoch') {
            log(`${variant.id} epoch ${p.epoch + 1}/${epochs}: loss ${p.loss.toFixed(4)}, val loss ${p.validation?.loss.toFixed(4) ?? '-'}, val IoU ${p.validation?.metrics.iou.toFixed(4) ?? '-'}`);
          }
        },
      });
      if (run.cancelled) throw new PleuraError('cancelled', 'Paper run cancelled');
      const last = run.history[run.history.length - 1];
      if (!last?.validation) throw new PleuraError('invalid-argument', `${options.dataDir} has no validation pairs`);
      results.push({
        variant,
        train: asPaperMetrics(last.metrics),
        val: asPaperMetrics(last.validation.metrics),
        valLoss: last.validation.loss,
        trainingS: run.durationS,
        epochs: run.history.length,
      });
    } finally {
      model.dispose();
    }
    epochsDone += epochs;
  }
  return { setup, results };
}
