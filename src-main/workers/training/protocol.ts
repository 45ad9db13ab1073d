import type { ModelManifest, PerImageNormalisation } from '../../../src-shared/ml/manifest';
import type { ArchitectureName } from './architectures';
import type { TrainingBackendName, TrainingBackendReport } from './backend';
import type { Sample } from './data';
import type { EpochRecord, TrainOptions, TrainingProgress } from './trainer';

/** Where training pairs come from: a data set folder (loaded in the worker) or pairs already decoded. */
export type DataSource =
  | { kind: 'dataset'; dir: string; subset?: string; splitFile?: string; limit?: number }
  | { kind: 'samples'; samples: Sample[] };

/** A new network, or one loaded from a TF.js folder (a checkpoint or a model version's `tfjs/`). */
export type ModelSource =
  | { kind: 'new'; architecture: ArchitectureName; inputPx: number; baseFilters?: number; depth?: number; dropout?: number }
  | { kind: 'load'; tfjsDir: string };

/** Everything a training run needs; plain data so it crosses a worker boundary. */
export interface TrainingRequest {
  model: ModelSource;
  train: DataSource[];
  val: DataSource[];
  /** The trainer's options that are plain data (callbacks and the signal stay on the worker's side). */
  options: Omit<TrainOptions, 'restoreBest' | 'signal' | 'onProgress' | 'log'>;
  /** Folder for the result: `model.onnx`, `model.json` (manifest) and `tfjs/` (weights for later fine-tuning). */
  outDir: string;
  /** Manifest fields for the result (id, version, name, convention, licence, data descriptions, parent). */
  manifest: Pick<ModelManifest, 'id' | 'version' | 'name'> & Partial<Omit<ModelManifest, 'input' | 'output' | 'normalisation'>>;
  /**
   * Per-image intensity normalisation of the network (manifest `normalisation.perImage`): training data is
   * loaded with it and the written manifest declares it, so inference feeds the same values. Absent: none.
   */
  perImage?: PerImageNormalisation;
  /** Backend preference (default the fastest available). */
  backend?: TrainingBackendName[];
}

/** What a finished run hands back. */
export interface TrainingResult {
  outDir: string;
  /** The written version's manifest; null when the run was cancelled (nothing is written then). */
  manifest: ModelManifest | null;
  history: EpochRecord[];
  bestEpoch: number;
  stoppedEarly: boolean;
  cancelled: boolean;
  durationS: number;
  backend: TrainingBackendReport;
}

/** Host -> worker. */
export type ToTrainingWorker = { type: 'start'; request: TrainingRequest } | { type: 'cancel' };

/** Worker -> host. */
export type FromTrainingWorker =
  | { type: 'backend'; report: TrainingBackendReport }
  | { type: 'progress'; progress: TrainingProgress }
  | { type: 'log'; level: 'info' | 'warn' | 'error'; message: string }
  | { type: 'result'; result: TrainingResult }
  | { type: 'error'; code: string; reason: string };
