import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';

/** ONNX Runtime execution providers Pleura may ask for, best first per platform. */
export type ProviderName = 'cuda' | 'dml' | 'coreml' | 'cpu';

/** Which providers can run here and which one to try first. */
export interface ProviderPlan {
  preferred: ProviderName;
  available: ProviderName[];
  /** Why the preferred provider is not a GPU one, when there is something to say. */
  note?: string;
}

/** Folder of onnxruntime-node's native binaries for this platform, or null when not found. */
export function onnxRuntimeBinDir(platform: string = process.platform, arch: string = process.arch): string | null {
  try {
    const require = createRequire(import.meta.url);
    const root = dirname(require.resolve('onnxruntime-node/package.json'));
    return join(root, 'bin', 'napi-v6', platform, arch);
  } catch {
    return null;
  }
}

/**
 * Chooses the execution provider: CUDA on Linux when onnxruntime-node's CUDA provider library was
 * installed beside it (its installer fetches it only on request), DirectML on Windows (shipped with
 * the package), CoreML on macOS, else CPU. `PLEURA_INFERENCE_PROVIDER=cpu` (or another name) forces one.
 */
export function planProviders(options: { platform: string; binDir: string | null; fileExists?: (path: string) => boolean; forced?: string }): ProviderPlan {
  const fileExists = options.fileExists ?? existsSync;
  const forced = options.forced?.toLowerCase();
  if (forced === 'cpu' || forced === 'cuda' || forced === 'dml' || forced === 'coreml') {
    return { preferred: forced, available: forced === 'cpu' ? ['cpu'] : [forced, 'cpu'], note: `provider forced by PLEURA_INFERENCE_PROVIDER=${forced}` };
  }
  if (options.platform === 'win32') return { preferred: 'dml', available: ['dml', 'cpu'] };
  if (options.platform === 'darwin') return { preferred: 'coreml', available: ['coreml', 'cpu'] };
  if (options.platform === 'linux') {
    const cudaLibrary = options.binDir ? join(options.binDir, 'libonnxruntime_providers_cuda.so') : null;
    if (cudaLibrary && fileExists(cudaLibrary)) return { preferred: 'cuda', available: ['cuda', 'cpu'] };
    return { preferred: 'cpu', available: ['cpu'], note: 'CUDA provider of onnxruntime-node not installed: using CPU' };
  }
  return { preferred: 'cpu', available: ['cpu'] };
}

/** The plan for this process. */
export function currentProviderPlan(): ProviderPlan {
  return planProviders({ platform: process.platform, binDir: onnxRuntimeBinDir(), forced: process.env.PLEURA_INFERENCE_PROVIDER });
}
