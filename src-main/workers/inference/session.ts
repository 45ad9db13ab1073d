import { availableParallelism } from 'node:os';
import { readFile } from 'node:fs/promises';
import * as ort from 'onnxruntime-node';
import { PleuraError } from '../../../src-shared/api/result';
import { say } from '../../../src-shared/api/text';
import type { ModelManifest } from '../../../src-shared/ml/manifest';
import type { ProviderPlan } from './providers';
import { bindModel, type ModelBinding, type ValueInfo } from './validate';

/** A model ready to run: its ORT session, manifest, binding and the provider actually used. */
export interface LoadedModel extends ModelBinding {
  key: string;
  session: ort.InferenceSession;
  manifest: ModelManifest;
  provider: string;
  note?: string;
}

function sessionOptions(provider: string): ort.InferenceSession.SessionOptions {
  return {
    executionProviders: [provider],
    intraOpNumThreads: availableParallelism(),
    interOpNumThreads: 1,
    graphOptimizationLevel: 'all',
    // No busy-waiting of the intra-op threads after a run: on a 2-core machine they spun over the
    // pre- and post-processing that follow on the same cores (and over the UI).
    extra: { session: { intra_op: { allow_spinning: '0' } } },
  };
}

/**
 * Creates the session on the plan's preferred provider, falling back to CPU when that fails; the
 * fallback is stated in `note`, never silent. A file ONNX Runtime cannot parse is reported as
 * PleuraError('corrupt', 'not a valid ONNX model: ...').
 */
async function createSession(bytes: Uint8Array, plan: ProviderPlan, label: string): Promise<{ session: ort.InferenceSession; provider: string; note?: string }> {
  const attempt = (provider: string) => ort.InferenceSession.create(bytes, sessionOptions(provider));
  const corrupt = (error: unknown) =>
    new PleuraError('corrupt', say('model.notOnnx', { model: label, detail: (error as Error).message.split('\n')[0] }));
  if (plan.preferred === 'cpu') {
    try {
      return { session: await attempt('cpu'), provider: 'cpu', note: plan.note };
    } catch (error) {
      throw corrupt(error);
    }
  }
  try {
    return { session: await attempt(plan.preferred), provider: plan.preferred };
  } catch (preferredError) {
    try {
      const session = await attempt('cpu');
      const reason = (preferredError as Error).message.split('\n')[0];
      return { session, provider: 'cpu', note: `${plan.preferred.toUpperCase()} was requested but its session could not be created (${reason}): running on CPU` };
    } catch (error) {
      throw corrupt(error);
    }
  }
}

function valueInfos(session: ort.InferenceSession, which: 'input' | 'output'): ValueInfo[] {
  const metadata = which === 'input' ? session.inputMetadata : session.outputMetadata;
  const names = which === 'input' ? session.inputNames : session.outputNames;
  if (!metadata || metadata.length === 0) return names.map((name) => ({ name, isTensor: true, shape: [] }));
  return metadata.map((m) => (m.isTensor ? { name: m.name, isTensor: true, type: m.type, shape: m.shape } : { name: m.name, isTensor: false, shape: [] }));
}

/**
 * Loads and checks a model: reads the file, creates the session, compares inputs/outputs with the
 * manifest ({@link bindModel}), then does one dry run with zeros to check the output shape that
 * symbolic dimensions hide (and to warm the session up).
 */
export async function loadModel(key: string, onnxPath: string, manifest: ModelManifest, plan: ProviderPlan): Promise<LoadedModel> {
  const label = `${manifest.id}@${manifest.version} (${onnxPath})`;
  let bytes: Uint8Array;
  try {
    bytes = new Uint8Array(await readFile(onnxPath));
  } catch (error) {
    throw new PleuraError('not-found', say('model.cannotReadFile', { path: onnxPath, detail: (error as Error).message }));
  }
  const { session, provider, note } = await createSession(bytes, plan, label);
  try {
    const binding = bindModel(valueInfos(session, 'input'), valueInfos(session, 'output'), manifest, label);
    const { widthPx, heightPx, channels, layout } = manifest.input;
    const dims = layout === 'NCHW' ? [1, channels, heightPx, widthPx] : [1, heightPx, widthPx, channels];
    let outputDims: readonly number[];
    try {
      const result = await session.run({ [binding.inputName]: new ort.Tensor('float32', new Float32Array(channels * widthPx * heightPx), dims) });
      outputDims = result[binding.outputName].dims;
    } catch (error) {
      throw new PleuraError('invalid-argument', say('model.inputFails', { model: label, dims: dims.join('x'), layout, detail: (error as Error).message.split('\n')[0] }));
    }
    const outputInfo: ValueInfo = { name: binding.outputName, isTensor: true, type: 'float32', shape: outputDims };
    bindModel([{ name: binding.inputName, isTensor: true, type: 'float32', shape: dims }], [outputInfo], manifest, label);
    return { key, session, manifest, provider, note, ...binding };
  } catch (error) {
    await session.release().catch(() => undefined);
    throw error;
  }
}
