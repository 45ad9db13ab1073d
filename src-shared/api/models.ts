import { z } from 'zod';
import type { ModelManifest } from '../ml/manifest';

/** A model version in the registry. */
export interface ModelVersion {
  /** `<id>@<version>`. */
  key: string;
  manifest: ModelManifest;
  active: boolean;
  builtIn: boolean;
  sizeBytes: number;
  /** The version's scores on the validation set it was last compared on (the same set as the version it was compared with). */
  validation?: { set: string; dice: number; iou: number };
  /** Its scores on its lineage's fixed reference set (models/<id>/reference), once a promotion scored it. */
  reference?: { set: string; dice: number; iou: number };
}

/** The model registry. */
export interface ModelsApi {
  list(): Promise<ModelVersion[]>;
  active(): Promise<ModelVersion | null>;
  /** Makes a version active; the inference worker reloads it without a restart. */
  activate(key: string): Promise<ModelVersion>;
  /** Goes back to the previously active version. */
  rollback(): Promise<ModelVersion>;
  /** Imports an ONNX file with its manifest (paths on the main side). */
  importModel(onnxPath: string, manifestPath: string): Promise<ModelVersion>;
}

export const modelsSchemas = {
  list: z.tuple([]),
  active: z.tuple([]),
  activate: z.tuple([z.string().min(1)]),
  rollback: z.tuple([]),
  importModel: z.tuple([z.string().min(1), z.string().min(1)]),
};
