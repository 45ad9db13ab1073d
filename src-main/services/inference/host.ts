import type { Worker } from 'node:worker_threads';
import type { ImageMeta, ImagePixels } from '../../../src-shared/api/images';
import { say } from '../../../src-shared/api/text';
import type { RuntimeReport } from '../../../src-shared/api/system';
import { PleuraError } from '../../../src-shared/api/result';
import type { ModelManifest } from '../../../src-shared/ml/manifest';
import { spawnWorker } from '../../workers/spawn';
import type { InferenceRequest, InferenceResponse, LoadedModelInfo, WorkerPrediction } from '../../workers/inference/protocol';
import { currentProviderPlan } from '../../workers/inference/providers';

/** A model to load: what the registry resolves. */
export interface ModelToLoad {
  key: string;
  onnxPath: string;
  manifest: ModelManifest;
}

/**
 * Stack of the inference worker thread. Creating an ONNX Runtime session walks the process command
 * line (/proc/self/cmdline) recursively on the calling thread, about 250 bytes of stack per character:
 * with Node's 4 MB default, `pleura predict` with ~240 film paths (13 KB of arguments) died with a
 * segmentation fault. 64 MB covers ~250 KB of arguments; it is address space, touched only as used.
 */
export const INFERENCE_WORKER_STACK_MB = 64;

type DistributiveOmit<T, K extends PropertyKey> = T extends unknown ? Omit<T, K> : never;

interface Pending {
  resolve(value: unknown): void;
  reject(error: unknown): void;
}

/**
 * The main-thread side of the inference worker: starts it on first use, matches answers to requests,
 * loads each model once, and survives a crash: every request in flight fails with a clear error and the
 * next request starts a fresh worker (models are reloaded on demand).
 */
export class InferenceHost {
  private worker: Worker | null = null;
  private nextId = 1;
  private readonly pending = new Map<number, Pending>();
  private readonly loaded = new Map<string, Promise<LoadedModelInfo>>();
  private lastInfo: LoadedModelInfo | null = null;
  /** Times the worker stopped unexpectedly (tests and diagnostics). */
  crashes = 0;

  constructor(private readonly spawn: () => Worker = () => spawnWorker('inference', { resourceLimits: { stackSizeMb: INFERENCE_WORKER_STACK_MB } })) {}

  private start(): Worker {
    if (this.worker) return this.worker;
    const worker = this.spawn();
    worker.on('message', (response: InferenceResponse) => {
      const pending = this.pending.get(response.id);
      if (!pending) return;
      this.pending.delete(response.id);
      // An idle worker must not keep the process alive (CLI, tests); a busy one must.
      if (this.pending.size === 0) worker.unref();
      if (response.ok) pending.resolve(response.value);
      else pending.reject(new PleuraError(response.code, response.text ?? response.reason));
    });
    const stopped = (reason: string) => {
      if (this.worker !== worker) return;
      this.worker = null;
      this.loaded.clear();
      this.crashes++;
      const failure = new PleuraError('internal', say('inference.workerStopped', { detail: reason }));
      for (const pending of this.pending.values()) pending.reject(failure);
      this.pending.clear();
    };
    worker.on('error', (error) => stopped(error.message));
    worker.on('exit', (code) => stopped(`exit code ${code}`));
    worker.unref();
    this.worker = worker;
    return worker;
  }

  private request<T>(message: DistributiveOmit<InferenceRequest, 'id'>, transfer: ArrayBuffer[] = []): Promise<T> {
    const worker = this.start();
    const id = this.nextId++;
    return new Promise<T>((resolve, reject) => {
      this.pending.set(id, { resolve: resolve as (value: unknown) => void, reject });
      worker.ref();
      worker.postMessage({ ...message, id }, transfer);
    });
  }

  /** Loads `model` in the worker unless it is loaded already; resolves with the provider used. */
  ensureModel(model: ModelToLoad): Promise<LoadedModelInfo> {
    let info = this.loaded.get(model.key);
    if (!info) {
      info = this.request<LoadedModelInfo>({ type: 'load', key: model.key, onnxPath: model.onnxPath, manifest: model.manifest });
      this.loaded.set(model.key, info);
      info.then((value) => (this.lastInfo = value), () => this.loaded.delete(model.key));
    }
    return info;
  }

  /**
   * Predicts one image with a model (loaded first if needed). The pixels' buffer is copied to the
   * worker, so callers may keep using it (the decoded-image cache does).
   */
  async predict(model: ModelToLoad, pixels: ImagePixels, meta: Pick<ImageMeta, 'windows' | 'voiLut'>, options: { tta: boolean; maskSize?: { widthPx: number; heightPx: number } }): Promise<WorkerPrediction> {
    await this.ensureModel(model);
    return this.request<WorkerPrediction>({ type: 'predict', key: model.key, pixels, meta: { windows: meta.windows, voiLut: meta.voiLut ?? null }, tta: options.tta, ...(options.maskSize ? { maskSize: options.maskSize } : {}) });
  }

  /** Releases one model's session (all when `key` is null). */
  async unload(key: string | null): Promise<void> {
    if (key === null) this.loaded.clear();
    else this.loaded.delete(key);
    if (this.worker) await this.request({ type: 'dispose', key });
  }

  /** What runs: the last loaded model's provider, or the plan before any model is loaded. */
  runtimeReport(): RuntimeReport {
    const plan = currentProviderPlan();
    if (!this.lastInfo) return { available: plan.available, active: null, note: plan.note ?? 'No model loaded yet' };
    return { available: plan.available, active: this.lastInfo.provider, note: this.lastInfo.note };
  }

  /**
   * Makes the worker crash once it reaches this request (after the requests queued before it), to test
   * the restart path. Not `terminate()`: stopping a thread inside `session.run` aborts the process in
   * onnxruntime-node 1.30 (Napi::Error during teardown), which is also why cancel is cooperative.
   */
  crashForTest(): void {
    void this.request({ type: 'crash' }).catch(() => undefined);
  }

  /** Stops the worker without counting a crash and fails nothing still queued silently. */
  async close(): Promise<void> {
    const worker = this.worker;
    this.worker = null;
    this.loaded.clear();
    for (const pending of this.pending.values()) pending.reject(new PleuraError('cancelled', say('inference.closed')));
    this.pending.clear();
    await worker?.terminate();
  }
}
