import * as ort from 'onnxruntime-node';
import type { ImageMeta, ImagePixels } from '../../../src-shared/api/images';
import { postprocess } from '../../../src-shared/ml/postprocess';
import { preprocess, type PreparedInput } from '../../../src-shared/ml/preprocess';
import { ttaVariants } from '../../../src-shared/ml/tta';
import type { WorkerPrediction } from './protocol';
import type { LoadedModel } from './session';

/**
 * Runs the network on a prepared batch. Models with a symbolic batch take all TTA variants in one run;
 * a model fixed to batch 1 runs them one by one and the outputs are concatenated.
 */
export async function runModel(model: LoadedModel, prepared: PreparedInput): Promise<{ data: Float32Array; dims: readonly number[] }> {
  const [items, ...rest] = prepared.dims;
  if (model.fixedBatch === null || model.fixedBatch === items) {
    const result = await model.session.run({ [model.inputName]: new ort.Tensor('float32', prepared.data, prepared.dims) });
    const output = result[model.outputName];
    return { data: output.data as Float32Array, dims: output.dims };
  }
  const itemSize = prepared.data.length / items;
  const parts: Float32Array[] = [];
  let dims: readonly number[] = [];
  for (let item = 0; item < items; item++) {
    const data = prepared.data.subarray(item * itemSize, (item + 1) * itemSize);
    const result = await model.session.run({ [model.inputName]: new ort.Tensor('float32', data, [1, ...rest]) });
    const output = result[model.outputName];
    parts.push(output.data as Float32Array);
    dims = output.dims;
  }
  const joined = new Float32Array(parts.reduce((sum, part) => sum + part.length, 0));
  parts.reduce((offset, part) => (joined.set(part, offset), offset + part.length), 0);
  return { data: joined, dims: [items, ...dims.slice(1)] };
}

/**
 * Pre-processing, the network (with TTA when asked) and post-processing of one image, timed. With
 * `maskSize`, `pixels` is a reduced copy of a film of that size (its whole field of view): the network
 * input comes from the copy, and the mask is made at the film's size from the same probabilities.
 */
export async function predictPixels(model: LoadedModel, pixels: ImagePixels, meta: Pick<ImageMeta, 'windows' | 'voiLut'>, options: { tta: boolean; maskSize?: { widthPx: number; heightPx: number } }): Promise<WorkerPrediction> {
  const started = performance.now();
  const prepared = preprocess(pixels, meta, model.manifest, { variants: ttaVariants({ enabled: options.tta }) });
  const preDone = performance.now();
  const output = await runModel(model, prepared);
  const runDone = performance.now();
  const { maskSize } = options;
  const transform = maskSize ? { ...prepared.transform, sourceWidthPx: maskSize.widthPx, sourceHeightPx: maskSize.heightPx } : prepared.transform;
  const result = postprocess(output, model.manifest, { variants: prepared.variants, transform });
  const postDone = performance.now();
  return {
    mask: result.mask,
    uncertainty: result.uncertainty,
    uncertaintyScore: result.uncertaintyScore,
    timingsMs: { pre: preDone - started, run: runDone - preDone, post: postDone - runDone },
    provider: model.provider,
  };
}
