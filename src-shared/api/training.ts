import { z } from 'zod';
import type { Said } from './text';

export const architectures = ['unet', 'unet-bn', 'linknet'] as const;
export type Architecture = (typeof architectures)[number];

export const losses = ['bce', 'dice', 'jaccard', 'bce+jaccard', 'bce+dice', 'bce+jaccard+dice'] as const;
export type LossName = (typeof losses)[number];

/** Options for fine-tuning from the current model on the project's approved masks. */
export interface FineTuneOptions {
  /** Base model (default: the active model). */
  baseModelId?: string;
  epochs?: number;
  batchSize?: number;
  learningRate?: number;
  /** Freeze the encoder and train the decoder on cached features (fast), or train everything. */
  mode?: 'decoder' | 'full';
  /** Also mix this many images of the base data set to avoid forgetting (0 = none). */
  mixBaseImages?: number;
  /** Make the result active even if its validation Dice is worse. */
  forcePromote?: boolean;
}

/**
 * The defaults a fine-tuning run uses when an option is left out; the Train form starts from these, so
 * what the form shows is what runs. Learning rate 1e-4 suits fine-tuning a trained network (3e-4 and
 * more undo its pre-training on a handful of films).
 */
export const fineTuneDefaults = { epochs: 10, batchSize: 4, learningRate: 1e-4, mode: 'decoder', mixBaseImages: 0, patienceEpochs: 5 } as const satisfies Required<Omit<FineTuneOptions, 'baseModelId' | 'forcePromote'>> & { patienceEpochs: number };

/**
 * Why a run ended: all its epochs; early stopping after `patienceEpochs` epochs without a better
 * validation Dice; the user's cancel; or an error (`reason` is the error's sentence, `code` its code).
 * `epochsRun` counts finished epochs, `bestEpoch` is 1-based (the epoch whose weights were kept).
 */
export type TrainingStop =
  | { kind: 'completed'; epochsRun: number; epochs: number; bestEpoch: number | null }
  | { kind: 'early-stopping'; epochsRun: number; epochs: number; bestEpoch: number | null; patienceEpochs: number }
  | { kind: 'cancelled'; epochsRun: number; epochs: number }
  | ({ kind: 'error'; epochsRun: number; epochs: number; code: string } & Said);

/** A finished or running training run as the Train workspace lists it. */
export interface TrainingRun {
  runId: string;
  jobId: string | null;
  state: 'running' | 'done' | 'failed' | 'cancelled';
  startedAt: string;
  options: FineTuneOptions;
  resultModel: string | null;
  validation: { dice: number; iou: number } | null;
  activeValidation: { dice: number; iou: number } | null;
  /** Both versions on the model's fixed reference set (models/<id>/reference), when it has one. */
  reference?: { dice: number; iou: number } | null;
  activeReference?: { dice: number; iou: number } | null;
  promoted: boolean;
  history: { epoch: number; loss: number; dice: number; valDice?: number }[];
  /** Why the run ended; null while it runs. */
  stop: TrainingStop | null;
}

/** Training with TensorFlow.js in a worker. */
export interface TrainingApi {
  fineTune(options: FineTuneOptions): Promise<{ jobId: string; runId: string }>;
  runs(): Promise<TrainingRun[]>;
}

export const trainingSchemas = {
  fineTune: z.tuple([
    z.object({
      baseModelId: z.string().optional(),
      epochs: z.number().int().positive().max(1000).optional(),
      batchSize: z.number().int().positive().max(64).optional(),
      learningRate: z.number().positive().max(1).optional(),
      mode: z.enum(['decoder', 'full']).optional(),
      mixBaseImages: z.number().int().nonnegative().optional(),
      forcePromote: z.boolean().optional(),
    }),
  ]),
  runs: z.tuple([]),
};
