import * as tf from '@tensorflow/tfjs';
import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { PleuraError } from '../../../src-shared/api/result';

/**
 * TF.js models on disk without tfjs-node: `<dir>/model.json` (topology + weights manifest) and
 * `<dir>/weights.bin`, the same files tfjs-node's `file://` handler writes, so either can read them.
 */
export async function saveModel(model: tf.LayersModel, dir: string): Promise<void> {
  await mkdir(dir, { recursive: true });
  await model.save(
    tf.io.withSaveHandler(async (artifacts) => {
      const weightData = artifacts.weightData
        ? tf.io.concatenateArrayBuffers(Array.isArray(artifacts.weightData) ? artifacts.weightData : [artifacts.weightData])
        : new ArrayBuffer(0);
      const json = {
        modelTopology: artifacts.modelTopology,
        format: 'layers-model',
        generatedBy: `TensorFlow.js v${tf.version.tfjs}`,
        convertedBy: null,
        weightsManifest: [{ paths: ['weights.bin'], weights: artifacts.weightSpecs ?? [] }],
      };
      // Write then rename, so an interrupted save never leaves a half-written checkpoint behind.
      await writeFile(join(dir, 'weights.bin.tmp'), new Uint8Array(weightData));
      await writeFile(join(dir, 'model.json.tmp'), JSON.stringify(json));
      await rename(join(dir, 'weights.bin.tmp'), join(dir, 'weights.bin'));
      await rename(join(dir, 'model.json.tmp'), join(dir, 'model.json'));
      return { modelArtifactsInfo: { dateSaved: new Date(), modelTopologyType: 'JSON', weightDataBytes: weightData.byteLength } };
    }),
  );
}

/** Loads a model saved by {@link saveModel} (or tfjs-node). Throws PleuraError when absent or unreadable. */
export async function loadModel(dir: string): Promise<tf.LayersModel> {
  const jsonPath = join(dir, 'model.json');
  if (!existsSync(jsonPath)) throw new PleuraError('not-found', `No TF.js model at ${dir}`);
  try {
    const json = JSON.parse(await readFile(jsonPath, 'utf8')) as {
      modelTopology: object;
      weightsManifest: { paths: string[]; weights: tf.io.WeightsManifestEntry[] }[];
    };
    const specs = json.weightsManifest.flatMap((group) => group.weights);
    const buffers = await Promise.all(
      json.weightsManifest.flatMap((group) => group.paths).map(async (file) => {
        const bytes = await readFile(join(dir, file));
        return bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer;
      }),
    );
    return await tf.loadLayersModel(
      tf.io.fromMemory({ modelTopology: json.modelTopology, weightSpecs: specs, weightData: tf.io.concatenateArrayBuffers(buffers) }),
    );
  } catch (error) {
    throw new PleuraError('corrupt', `Cannot read the TF.js model at ${dir}: ${(error as Error).message}`);
  }
}

/** Saves optimizer slots (Adam moments, step) next to a checkpoint, so a resumed run continues smoothly. */
export async function saveOptimizer(optimizer: tf.Optimizer, dir: string): Promise<void> {
  const named = await optimizer.getWeights();
  const { data, specs } = await tf.io.encodeWeights(named);
  await writeFile(join(dir, 'optimizer.bin'), new Uint8Array(data as ArrayBuffer));
  await writeFile(join(dir, 'optimizer.json'), JSON.stringify(specs));
}

/** Restores what {@link saveOptimizer} wrote; false when the checkpoint has no optimizer state. */
export async function loadOptimizer(optimizer: tf.Optimizer, dir: string): Promise<boolean> {
  if (!existsSync(join(dir, 'optimizer.json'))) return false;
  const specs = JSON.parse(await readFile(join(dir, 'optimizer.json'), 'utf8')) as tf.io.WeightsManifestEntry[];
  const bytes = await readFile(join(dir, 'optimizer.bin'));
  const decoded = tf.io.decodeWeights(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer, specs);
  await optimizer.setWeights(specs.map((spec) => ({ name: spec.name, tensor: decoded[spec.name] })));
  return true;
}
