import * as tf from '@tensorflow/tfjs';
import { createRequire } from 'node:module';
import { availableParallelism, tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { mkdirSync, readFileSync, writeFileSync, existsSync, renameSync } from 'node:fs';
import { threadId } from 'node:worker_threads';
import { registerTrainingKernels } from './kernels';

export type TrainingBackendName = 'tfjs-node-gpu' | 'tfjs-node' | 'wasm' | 'cpu';

export interface TrainingBackendReport {
  /** The TF.js backend that runs: 'tensorflow' (native, CPU or CUDA), 'wasm' or 'cpu'. */
  name: string;
  /** What it runs on, in words: "CUDA GPU", "CPU (native TensorFlow)", "CPU (WASM SIMD, 2 threads)". */
  device: string;
  /** Why a better backend was not used, or a silent fallback detected. */
  note?: string;
}

export interface TrainingBackendOptions {
  /** Order of preference; default the fastest first. */
  prefer?: TrainingBackendName[];
  /** WASM threads; default all logical cores. */
  threads?: number;
}

const require = createRequire(import.meta.url);

/** Native TF's binding lists devices only through its private API; absent in other versions. */
interface NativeBinding {
  isUsingGpuDevice?: () => boolean;
}

async function tryNative(gpu: boolean): Promise<TrainingBackendReport> {
  const packageName = gpu ? '@tensorflow/tfjs-node-gpu' : '@tensorflow/tfjs-node';
  // Optional dependencies: a failed import means "not installed here" (or its native build is broken).
  const native = (await import(packageName)) as { backend?: () => unknown };
  await tf.setBackend('tensorflow');
  await tf.ready();
  if (!gpu) return { name: 'tensorflow', device: 'CPU (native TensorFlow)' };
  const binding = (tf.backend() as unknown as { binding?: NativeBinding }).binding;
  const usingGpu = binding?.isUsingGpuDevice?.();
  if (usingGpu === false) {
    return {
      name: 'tensorflow',
      device: 'CPU (native TensorFlow)',
      note: 'tfjs-node-gpu found no usable GPU and fell back to CPU: it needs CUDA 11.2 and cuDNN 8.1 exactly',
    };
  }
  if (usingGpu === undefined) {
    // No device query: a GPU multiplies a 1024^2 matmul in well under 20 ms once warm; a CPU does not.
    const a = tf.randomNormal([1024, 1024]);
    tf.matMul(a, a).dataSync();
    const start = performance.now();
    tf.matMul(a, a).dataSync();
    const elapsedMs = performance.now() - start;
    a.dispose();
    if (elapsedMs > 20) {
      return {
        name: 'tensorflow',
        device: 'CPU (native TensorFlow)',
        note: `tfjs-node-gpu looks CPU-bound (1024x1024 matmul ${elapsedMs.toFixed(0)} ms): likely a silent CUDA/cuDNN fallback (needs CUDA 11.2 + cuDNN 8.1)`,
      };
    }
  }
  void native;
  return { name: 'tensorflow', device: 'CUDA GPU' };
}

/** Several workers may start at once: write beside, then rename (atomic), so none reads half a file. */
function writeIfChanged(path: string, content: string): void {
  if (existsSync(path) && readFileSync(path, 'utf8') === content) return;
  const partial = `${path}.${process.pid}.${threadId}.partial`;
  writeFileSync(partial, content);
  renameSync(partial, path);
}

/**
 * Node's tfjs-backend-wasm refuses threads (tfjs issue 3830) because its pthread worker script is a blob
 * URL, which node's worker_threads cannot start. Writing the worker and the module factory to files and
 * handing their paths out makes Emscripten's own node code path work.
 */
function enableNodeWasmThreads(distFolder: string): void {
  const wasmOut = join(distFolder, '..', 'wasm-out');
  const version = (require('@tensorflow/tfjs-backend-wasm/package.json') as { version: string }).version;
  const folder = join(tmpdir(), `pleura-tfjs-wasm-${version}`);
  mkdirSync(folder, { recursive: true });
  const mainScript = join(folder, 'threaded-simd-main.cjs');
  const workerScript = join(folder, 'threaded-simd-worker.cjs');
  const { wasmWorkerContents } = require(join(wasmOut, 'tfjs-backend-wasm-threaded-simd.worker.js')) as {
    wasmWorkerContents: string;
  };
  // tfjs escapes newlines this way before building its blob; the worker loads the factory from our
  // file instead of the blob it is sent (which it cannot import in node).
  const blobSource = wasmWorkerContents.replace(/\n/g, '\\n');
  const workerSource = blobSource.replace(
    'if(typeof e.data.urlOrBlob=="string"){importScripts(e.data.urlOrBlob)}',
    `if(true){importScripts(${JSON.stringify(mainScript)})}`,
  );
  if (workerSource === blobSource) throw new Error(`unrecognised pthread worker in tfjs-backend-wasm ${version}`);
  writeIfChanged(mainScript, readFileSync(join(wasmOut, 'tfjs-backend-wasm-threaded-simd.js'), 'utf8'));
  writeIfChanged(workerScript, workerSource);
  // Only the backend's own worker blob (recognised by type and size) is redirected.
  const workerBlobBytes = Buffer.byteLength(blobSource);
  const createObjectURL = URL.createObjectURL.bind(URL);
  URL.createObjectURL = (blob: Blob) =>
    blob.type === 'application/javascript' && blob.size === workerBlobBytes ? workerScript : createObjectURL(blob);
  tf.env().set('WASM_HAS_MULTITHREAD_SUPPORT', true);
}

/**
 * Emscripten keeps its pthread workers referenced, so a process that used the threaded backend never
 * exits by itself (a CLI run would hang after printing its result). The thread pool only works while
 * the main thread runs kernels, so nothing is lost by letting the process end.
 */
function releasePthreadWorkers(): void {
  const module = (tf.backend() as unknown as { wasm?: { PThread?: Record<string, { unref?: () => void }[]> } }).wasm;
  const pool = module?.PThread;
  if (!pool) return;
  for (const worker of [...(pool.runningWorkers ?? []), ...(pool.unusedWorkers ?? [])]) worker.unref?.();
}

async function tryWasm(threads: number): Promise<TrainingBackendReport> {
  const wasm = await import('@tensorflow/tfjs-backend-wasm');
  const distFolder = dirname(require.resolve('@tensorflow/tfjs-backend-wasm'));
  wasm.setWasmPaths(distFolder + '/');
  let note: string | undefined;
  if (threads > 1) {
    try {
      enableNodeWasmThreads(distFolder);
      wasm.setThreadsCount(threads);
    } catch (error) {
      note = `WASM threads unavailable (${(error as Error).message}); running single-threaded`;
    }
  }
  // The WASM module caps its thread pool at half the logical cores (it assumes hyper-threading), read
  // once when the module starts; a 2-core PC would get 1 thread. Report 2 x threads cores at start-up.
  const os = require('node:os') as { cpus: () => unknown[] };
  const cpus = os.cpus;
  os.cpus = () => {
    const real = cpus();
    return Array.from({ length: 2 * threads }, (_, i) => real[i % real.length]);
  };
  try {
    if (!(await tf.setBackend('wasm'))) throw new Error('the WASM backend failed to initialise');
    await tf.ready();
  } finally {
    os.cpus = cpus;
  }
  releasePthreadWorkers();
  registerTrainingKernels();
  const simd = await tf.env().getAsync('WASM_HAS_SIMD_SUPPORT');
  const actualThreads = wasm.getThreadsCount();
  if (threads > 1 && actualThreads < threads && note === undefined) {
    note = `asked for ${threads} WASM threads, got ${actualThreads}`;
  }
  const device = `CPU (WASM${simd ? ' SIMD' : ''}, ${actualThreads} thread${actualThreads === 1 ? '' : 's'})`;
  return { name: 'wasm', device, ...(note ? { note } : {}) };
}

/**
 * Picks the fastest TF.js backend that works here and makes it current. The WASM backend gets the
 * training kernels it lacks (see ./kernels). Never throws while 'cpu' is allowed: TF.js's plain JS
 * backend always initialises.
 */
export async function initTrainingBackend(options: TrainingBackendOptions = {}): Promise<TrainingBackendReport> {
  const prefer = options.prefer ?? ['tfjs-node-gpu', 'tfjs-node', 'wasm', 'cpu'];
  const threads = Math.max(1, options.threads ?? availableParallelism());
  const skipped: string[] = [];
  for (const name of prefer) {
    try {
      let report: TrainingBackendReport;
      if (name === 'tfjs-node-gpu') report = await tryNative(true);
      else if (name === 'tfjs-node') report = await tryNative(false);
      else if (name === 'wasm') report = await tryWasm(threads);
      else {
        await tf.setBackend('cpu');
        await tf.ready();
        report = { name: 'cpu', device: 'CPU (plain JavaScript, slow)' };
      }
      const notes = [...skipped, ...(report.note ? [report.note] : [])];
      return { ...report, ...(notes.length > 0 ? { note: notes.join('; ') } : {}) };
    } catch (error) {
      skipped.push(`${name} unavailable: ${(error as Error).message.split('\n')[0]}`);
    }
  }
  throw new Error(`no TF.js backend could start: ${skipped.join('; ')}`);
}
