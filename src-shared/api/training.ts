import { z } from 'zod';

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
  promoted: boolean;
  history: { epoch: number; loss: number; dice: number; valDice?: number }[];
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
