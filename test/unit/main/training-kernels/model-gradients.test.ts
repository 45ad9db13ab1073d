import { beforeAll, describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs';
import { initTrainingBackend } from '../../../../src-main/workers/training/backend';
import { buildModel, countParameters, estimateFlops, type ArchitectureName } from '../../../../src-main/workers/training/architectures';

// End to end: the gradient of a segmentation loss w.r.t. every weight of each architecture, on the WASM
// backend with our kernels, equals the CPU backend's.

const inputPx = 16;

function pseudoRandom(length: number, seed: number): Float32Array {
  const values = new Float32Array(length);
  let state = seed;
  for (let i = 0; i < length; i++) {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    values[i] = state / 2 ** 32;
  }
  return values;
}

async function gradientsOn(
  backendName: 'wasm' | 'cpu',
  model: tf.LayersModel,
  weights: Float32Array[],
): Promise<Map<string, Float32Array>> {
  await tf.setBackend(backendName);
  model.setWeights(weights.map((w, i) => tf.tensor(w, model.getWeights()[i].shape)));
  const image = tf.tensor4d(pseudoRandom(2 * inputPx * inputPx, 11), [2, inputPx, inputPx, 1]);
  const mask = tf.tensor4d(pseudoRandom(2 * inputPx * inputPx, 12), [2, inputPx, inputPx, 1]).round();
  // training: false keeps dropout off (deterministic); batch norm still differentiates through its
  // moving statistics, which exercises the same convolution kernels.
  const { grads } = tf.variableGrads(
    () => tf.losses.sigmoidCrossEntropy(mask, model.apply(image, { training: false }) as tf.Tensor) as tf.Scalar,
  );
  const result = new Map<string, Float32Array>();
  for (const [name, gradient] of Object.entries(grads)) result.set(name, (await gradient.data()) as Float32Array);
  tf.dispose([image, mask, ...Object.values(grads)]);
  return result;
}

beforeAll(async () => {
  await initTrainingBackend({ prefer: ['wasm'], threads: 2 });
});

describe('architectures', () => {
  it.each(['unet', 'unet-bn', 'linknet'] as ArchitectureName[])('%s maps [n, px, px, 1] to a probability map', (architecture) => {
    const model = buildModel({ architecture, inputPx: 32, baseFilters: 4, depth: 3 });
    const output = model.predict(tf.ones([1, 32, 32, 1])) as tf.Tensor;
    expect(output.shape).toEqual([1, 32, 32, 1]);
    const values = output.dataSync();
    expect(Math.min(...values)).toBeGreaterThanOrEqual(0);
    expect(Math.max(...values)).toBeLessThanOrEqual(1);
    expect(countParameters(model).trainable).toBeGreaterThan(1000);
    expect(estimateFlops(model)).toBeGreaterThan(0);
    output.dispose();
    model.dispose();
  });

  it('counts parameters and FLOPs by hand for a one-level U-Net', () => {
    const model = buildModel({ architecture: 'unet', inputPx: 8, baseFilters: 2, depth: 1, dropout: 0 });
    // Convs: 1->2, 2->2 | bottleneck 2->4, 4->4 | up 4->2 (2x2) | 4->2, 2->2 | head 2->1 (1x1).
    const convs = [
      [9, 1, 2],
      [9, 2, 2],
      [9, 2, 4],
      [9, 4, 4],
      [4, 4, 2],
      [9, 4, 2],
      [9, 2, 2],
      [1, 2, 1],
    ];
    const parameters = convs.reduce((sum, [taps, cin, cout]) => sum + taps * cin * cout + cout, 0);
    expect(countParameters(model).trainable).toBe(parameters);
    const pixels = [64, 64, 16, 16, 16, 64, 64, 64];
    const flops = convs.reduce((sum, [taps, cin, cout], i) => sum + 2 * pixels[i] * taps * cin * cout, 0);
    expect(estimateFlops(model)).toBe(flops);
    model.dispose();
  });

  it('drops about `rate` of the activations in training only, as a standard Keras Dropout layer', async () => {
    const model = buildModel({ architecture: 'unet', inputPx: 16, baseFilters: 2, depth: 1, dropout: 0.25 });
    const layer = model.layers.find((l) => l.getClassName() === 'Dropout')!;
    expect(layer.getConfig()).toMatchObject({ rate: 0.25 });
    const input = tf.ones([4, 64, 64, 8]);
    const trained = (layer.apply(input, { training: true }) as tf.Tensor).dataSync();
    const dropped = trained.filter((v) => v === 0).length / trained.length;
    expect(dropped).toBeGreaterThan(0.23);
    expect(dropped).toBeLessThan(0.27);
    expect(trained.every((v) => v === 0 || Math.abs(v - 1 / 0.75) < 1e-6)).toBe(true);
    expect((layer.apply(input, { training: false }) as tf.Tensor).dataSync().every((v) => v === 1)).toBe(true);
    // Saved models name it 'Dropout' and load with TF.js's own class.
    const restored = await tf.models.modelFromJSON({ modelTopology: model.toJSON(null, false) as tf.io.ModelJSON['modelTopology'] });
    expect(restored.layers.map((l) => l.getClassName())).toEqual(model.layers.map((l) => l.getClassName()));
    tf.dispose(input);
    model.dispose();
  });

  it('rejects an input size that the pooling levels do not divide', () => {
    expect(() => buildModel({ architecture: 'unet', inputPx: 100, depth: 4 })).toThrow(/multiple of 16/);
  });
});

describe('gradients of a small network on WASM match the CPU backend', () => {
  it.each(['unet', 'unet-bn', 'linknet'] as ArchitectureName[])('%s', async (architecture) => {
    await tf.setBackend('wasm');
    const model = buildModel({ architecture, inputPx, baseFilters: 4, depth: 2 });
    const weights = model.getWeights().map((w, i) => {
      const values = w.dataSync() as Float32Array;
      // Non-zero biases and batch-norm statistics, so every term of the gradient is exercised.
      return w.shape.length === 1 ? values.map((value, j) => value + 0.05 * (1 + Math.sin(i + j))) : values;
    });
    const expected = await gradientsOn('cpu', model, weights);
    const actual = await gradientsOn('wasm', model, weights);
    expect([...actual.keys()].sort()).toEqual([...expected.keys()].sort());
    expect(actual.size).toBeGreaterThan(8);
    for (const [name, reference] of expected) {
      const ours = actual.get(name)!;
      let difference = 0;
      let scale = 1e-6;
      for (let i = 0; i < reference.length; i++) {
        difference = Math.max(difference, Math.abs(ours[i] - reference[i]));
        scale = Math.max(scale, Math.abs(reference[i]));
      }
      expect(difference / scale, name).toBeLessThan(1e-4);
    }
    model.dispose();
  });
});
