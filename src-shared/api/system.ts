import { z } from 'zod';

/** Which machine-learning runtime and device actually run, as reported by the workers. */
export interface RuntimeReport {
  /** What is installed and could be used, best first (e.g. `cuda`, `cpu`; `tfjs-node-gpu`, `wasm`). */
  available: string[];
  /** What is in use now, or null before the worker has started. */
  active: string | null;
  /** Why a better one is not used (e.g. "CUDA 12 libraries not found: using CPU"). */
  note?: string;
}

/** Answer of `system.info`. */
export interface SystemInfo {
  app: { name: string; version: string };
  transport: 'electron' | 'serve' | 'cli';
  platform: { os: string; arch: string; cpus: number; memoryMb: number };
  versions: Record<string, string>;
  inference: RuntimeReport;
  training: RuntimeReport;
  gpu: { found: boolean; name?: string; detail: string };
}

/** System-wide queries. */
export interface SystemApi {
  /** Versions, backends available and in use, whether a GPU was found. */
  info(): Promise<SystemInfo>;
  /**
   * Asks the user for a folder with the desktop's own dialog; null when they cancel. Only the desktop
   * app has one: in serve mode this answers 'unsupported' and the UI asks for a typed path instead.
   */
  chooseFolder(options: { title?: string }): Promise<string | null>;
}

/** Key in ctx.services of the desktop's folder dialog (registered by the Electron main process). */
export const FOLDER_DIALOG_KEY = 'system.folderDialog';

export const systemSchemas = {
  info: z.tuple([]),
  chooseFolder: z.tuple([z.object({ title: z.string().max(200).optional() })]),
};
