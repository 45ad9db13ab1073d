import type { ImageMeta, ImagePixels } from '../../../src-shared/api/images';
import type { UncertaintyMap } from '../../../src-shared/api/inference';
import type { LabelMask } from '../../../src-shared/api/masks';
import type { ErrorCode } from '../../../src-shared/api/result';
import type { ServerText } from '../../../src-shared/api/text';
import type { ModelManifest } from '../../../src-shared/ml/manifest';

/**
 * Messages between the main thread and the inference worker. Every request carries an `id`; the worker
 * answers each with exactly one response of the same id. Failures travel as values (`ok: false`), never
 * as thrown errors, so the host can tell an expected failure (bad model) from a dead worker.
 */
export type InferenceRequest =
  | { id: number; type: 'load'; key: string; onnxPath: string; manifest: ModelManifest }
  /** `maskSize`: the film's size when `pixels` is a reduced copy of it (the mask is made at the film's size). */
  | { id: number; type: 'predict'; key: string; pixels: ImagePixels; meta: Pick<ImageMeta, 'windows' | 'voiLut'>; tta: boolean; maskSize?: { widthPx: number; heightPx: number } }
  | { id: number; type: 'dispose'; key: string | null }
  | { id: number; type: 'runtime' }
  /** Test hook: the worker throws an uncaught error when it reaches this request, as a crash would. */
  | { id: number; type: 'crash' };

/** What loading a model tells the host. */
export interface LoadedModelInfo {
  key: string;
  /** Execution provider the session runs on: cpu, cuda, dml, coreml. */
  provider: string;
  /** Why it is not the preferred provider, when it is not. */
  note?: string;
  inputName: string;
  outputName: string;
  loadMs: number;
}

/** One image's prediction, at the image's full size. */
export interface WorkerPrediction {
  mask: LabelMask;
  uncertainty: UncertaintyMap;
  uncertaintyScore: number;
  /** Wall time of pre-processing, `session.run` (all TTA variants) and post-processing, in ms. */
  timingsMs: { pre: number; run: number; post: number };
  provider: string;
}

/** The worker's runtime: what could run and what does. */
export interface WorkerRuntime {
  available: string[];
  preferred: string;
  /** Provider per loaded model key. */
  loaded: Record<string, string>;
  note?: string;
}

export type InferenceResponse =
  | { id: number; ok: true; value: unknown }
  | { id: number; ok: false; code: ErrorCode; reason: string; text?: ServerText };
