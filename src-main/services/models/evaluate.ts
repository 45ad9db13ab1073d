import * as ort from 'onnxruntime-node';
import { resampleBilinear } from '../../../src-shared/imaging/resample';
import { resizeForModel } from '../../../src-shared/ml/preprocess';
import { meanMetrics, segmentationMetrics, type SegmentationMetrics } from '../../../src-shared/metrics';
import type { ModelManifest } from '../../../src-shared/ml/manifest';

/** An image at its own size (8-bit grey, as the app shows it) with its reference mask (nonzero = lung). */
export interface EvaluationPair {
  name: string;
  widthPx: number;
  heightPx: number;
  image: Uint8Array;
  mask: Uint8Array;
}

export interface EvaluationReport {
  perImage: ({ name: string } & SegmentationMetrics)[];
  mean: SegmentationMetrics;
}

/**
 * Probability maps of `images` at their own size from an ONNX segmentation model, driven by its manifest:
 * stretch to the input size (as src-shared/ml resizes), /255, (x - mean) / std, NCHW or NHWC; the output (probability or
 * logit) is resized back bilinearly. This is the manifest's contract without the app's mask
 * post-processing (largest components, hole filling), so it measures the network itself.
 */
export async function predictProbabilities(
  session: ort.InferenceSession,
  manifest: ModelManifest,
  images: Pick<EvaluationPair, 'widthPx' | 'heightPx' | 'image'>[],
): Promise<Float32Array[]> {
  const { widthPx, heightPx, channels, layout } = manifest.input;
  const mean = manifest.normalisation.mean;
  const std = manifest.normalisation.std;
  const pixels = widthPx * heightPx;
  const input = new Float32Array(images.length * pixels * channels);
  images.forEach((item, n) => {
    const resized = resizeForModel({ widthPx: item.widthPx, heightPx: item.heightPx, data: item.image }, widthPx, heightPx).data;
    for (let c = 0; c < channels; c++) {
      const m = mean[c] ?? mean[0] ?? 0;
      const s = std[c] ?? std[0] ?? 1;
      for (let i = 0; i < pixels; i++) {
        const value = (resized[i] / 255 - m) / s;
        input[layout === 'NCHW' ? (n * channels + c) * pixels + i : (n * pixels + i) * channels + c] = value;
      }
    }
  });
  const dims = layout === 'NCHW' ? [images.length, channels, heightPx, widthPx] : [images.length, heightPx, widthPx, channels];
  const inputName = manifest.input.name ?? session.inputNames[0];
  const outputName = manifest.output.name ?? session.outputNames[0];
  const output = (await session.run({ [inputName]: new ort.Tensor('float32', input, dims) }))[outputName];
  const data = output.data as Float32Array;
  const outChannels = manifest.output.classes.length;
  return images.map((item, n) => {
    const map = new Float32Array(pixels);
    for (let i = 0; i < pixels; i++) {
      const v = manifest.output.layout === 'NCHW' ? data[n * outChannels * pixels + i] : data[(n * pixels + i) * outChannels];
      map[i] = manifest.output.kind === 'logit' ? 1 / (1 + Math.exp(-v)) : v;
    }
    return resampleBilinear({ widthPx, heightPx, data: map }, { widthPx: item.widthPx, heightPx: item.heightPx }).data;
  });
}

/** Per-image and mean overlap metrics of an ONNX model on `pairs`, thresholded at the manifest's threshold. */
export async function evaluateOnnx(onnxPath: string, manifest: ModelManifest, pairs: EvaluationPair[], options: { batchSize?: number } = {}): Promise<EvaluationReport> {
  const session = await ort.InferenceSession.create(onnxPath, { intraOpNumThreads: 0 });
  try {
    const batchSize = options.batchSize ?? 4;
    const perImage: EvaluationReport['perImage'] = [];
    for (let start = 0; start < pairs.length; start += batchSize) {
      const part = pairs.slice(start, start + batchSize);
      const maps = await predictProbabilities(session, manifest, part);
      part.forEach((pair, i) => {
        const predicted = new Uint8Array(maps[i].length);
        for (let k = 0; k < predicted.length; k++) predicted[k] = maps[i][k] > manifest.output.threshold ? 1 : 0;
        perImage.push({ name: pair.name, ...segmentationMetrics(predicted, pair.mask) });
      });
    }
    return { perImage, mean: meanMetrics(perImage) };
  } finally {
    await session.release();
  }
}
