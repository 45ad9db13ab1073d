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
}

export const systemSchemas = {
  info: z.tuple([]),
};
