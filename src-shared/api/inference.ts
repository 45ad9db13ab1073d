import { z } from 'zod';
import type { LabelMask, MaskRevision } from './masks';

/** Result of predicting one image. */
export interface PredictionResult {
  imageId: string;
  revision: MaskRevision;
  /**
   * Whether the prediction became the image's mask. False when the image holds a person's work (a user
   * revision, or approved) and `replace` was not given: the prediction is stored beside it.
   */
  current: boolean;
  modelId: string;
  modelVersion: string;
  /**
   * Per-image uncertainty in 0..1: mean binary entropy of the TTA-mean lung probability over the lung band
   * (predicted lung plus pixels with probability >= 0.1); 1 when no lung was found. See src-shared/ml/uncertainty.ts.
   */
  uncertainty: number;
  areas: { rightCm2: number | null; leftCm2: number | null; totalCm2: number | null; totalPx: number; lungHeightMm: number | null };
  timingsMs: { pre: number; run: number; post: number; total: number };
  /** Execution provider that ran the model (cpu, cuda, dml, coreml). */
  provider: string;
}

/**
 * The mask of a prediction still being saved: what the network made, under the id its revision will
 * have. It is not a revision until `predictImage` answers: nothing may be saved on top of it before.
 */
export interface PendingPrediction {
  imageId: string;
  /** The id the revision is being saved under (the `predictImage` answer's `revision.id` when it succeeds). */
  revisionId: string;
  mask: LabelMask;
  modelId: string;
  modelVersion: string;
}

/**
 * Per-pixel uncertainty (binary entropy of the TTA-mean probability, 0..255 for 0..1 bit) at the network's
 * size, cropped to the image content: stretch it over the full image to overlay it.
 */
export interface UncertaintyMap {
  widthPx: number;
  heightPx: number;
  data: Uint8Array;
}

/** Lung segmentation with ONNX Runtime in a worker. */
export interface InferenceApi {
  /**
   * Predicts one image now and stores the mask as a new revision. On an image holding a person's work the
   * prediction only becomes current with `replace: true` and `parentId` the revision the user agreed to
   * replace (else `conflict`). With `unpredictedOnly` (the viewer's prediction on open) it predicts only a
   * film with no mask yet (else `conflict`), and a prediction of the same film already running (another
   * client's, a batch's) is shared rather than run twice.
   */
  predictImage(imageId: string, options: { modelId?: string; tta?: boolean; replace?: boolean; parentId?: string | null; unpredictedOnly?: boolean }): Promise<PredictionResult>;
  /**
   * The mask of the prediction of this film now running (a `predictImage` asked for before, a batch's),
   * as soon as the network has made it, while its revision is still being saved; null when none runs
   * or it failed before making a mask. A viewer shows it at once, and sequences any save of its own after
   * `predictImage`'s answer (the durable revision, or the failure to report).
   */
  predictedMask(imageId: string): Promise<PendingPrediction | null>;
  /**
   * Starts a batch job and returns its job id. Without `imageIds`: the films with no mask yet, or with
   * `scope: 'not-approved'` every film whose mask is a model's and not approved (re-predict after a
   * promotion). A batch never replaces an approved mask, a user's correction or an imported mask; such
   * films, also when named in `imageIds`, are skipped and listed in the job's result.
   */
  predictBatch(options: { imageIds?: string[]; modelId?: string; tta?: boolean; scope?: 'unpredicted' | 'not-approved' }): Promise<{ jobId: string }>;
  /** The uncertainty map of the image's latest prediction, or null. */
  uncertaintyMap(imageId: string): Promise<UncertaintyMap | null>;
}

export const inferenceSchemas = {
  predictImage: z.tuple([z.string().min(1), z.object({ modelId: z.string().optional(), tta: z.boolean().optional(), replace: z.boolean().optional(), parentId: z.string().nullable().optional(), unpredictedOnly: z.boolean().optional() })]),
  predictedMask: z.tuple([z.string().min(1)]),
  predictBatch: z.tuple([z.object({ imageIds: z.array(z.string()).optional(), modelId: z.string().optional(), tta: z.boolean().optional(), scope: z.enum(['unpredicted', 'not-approved']).optional() })]),
  uncertaintyMap: z.tuple([z.string().min(1)]),
};
