/**
 * The inference worker: the only owner of onnxruntime-node in the process. One long-lived worker holds
 * one session per model (several workers crash some ORT versions). Requests are served one at a time;
 * answers follow src-main/workers/inference/protocol.ts, failures as values.
 */
import { parentPort } from 'node:worker_threads';
import { PleuraError, serializeError } from '../../src-shared/api/result';
import { say } from '../../src-shared/api/text';
import { predictPixels } from './inference/pipeline';
import type { InferenceRequest, InferenceResponse, LoadedModelInfo, WorkerRuntime } from './inference/protocol';
import { currentProviderPlan } from './inference/providers';
import { loadModel, type LoadedModel } from './inference/session';

if (!parentPort) throw new Error('inference.worker must run in a worker thread');
const port = parentPort;
const plan = currentProviderPlan();
const models = new Map<string, LoadedModel>();

async function release(key: string): Promise<void> {
  const model = models.get(key);
  models.delete(key);
  await model?.session.release().catch(() => undefined);
}

async function handle(request: InferenceRequest): Promise<{ value: unknown; transfer?: ArrayBuffer[] }> {
  switch (request.type) {
    case 'load': {
      const started = performance.now();
      await release(request.key);
      const model = await loadModel(request.key, request.onnxPath, request.manifest, plan);
      models.set(request.key, model);
      const info: LoadedModelInfo = { key: request.key, provider: model.provider, note: model.note, inputName: model.inputName, outputName: model.outputName, loadMs: performance.now() - started };
      return { value: info };
    }
    case 'predict': {
      const model = models.get(request.key);
      if (!model) throw new PleuraError('not-found', say('inference.modelNotLoaded', { key: request.key }));
      const prediction = await predictPixels(model, request.pixels, request.meta, { tta: request.tta, maskSize: request.maskSize });
      return { value: prediction, transfer: [prediction.mask.data.buffer as ArrayBuffer, prediction.uncertainty.data.buffer as ArrayBuffer] };
    }
    case 'dispose': {
      for (const key of request.key === null ? [...models.keys()] : [request.key]) await release(key);
      return { value: null };
    }
    case 'crash': {
      setImmediate(() => {
        throw new Error('crash requested by the host (test hook)');
      });
      return new Promise<never>(() => undefined);
    }
    case 'runtime': {
      const loaded = Object.fromEntries([...models.values()].map((m) => [m.key, m.provider]));
      const runtime: WorkerRuntime = { available: plan.available, preferred: plan.preferred, loaded, note: plan.note };
      return { value: runtime };
    }
  }
}

let queue: Promise<void> = Promise.resolve();
port.on('message', (request: InferenceRequest) => {
  queue = queue.then(async () => {
    let response: InferenceResponse;
    let transfer: ArrayBuffer[] | undefined;
    try {
      const answer = await handle(request);
      response = { id: request.id, ok: true, value: answer.value };
      transfer = answer.transfer;
    } catch (error) {
      const { code, reason, text } = serializeError(error);
      response = { id: request.id, ok: false, code, reason, ...(text ? { text } : {}) };
    }
    port.postMessage(response, transfer ?? []);
  });
});
