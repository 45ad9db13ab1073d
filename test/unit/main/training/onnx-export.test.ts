import { beforeAll, describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs';
import * as ort from 'onnxruntime-node';
import { exportOnnx } from '../../../../src-main/onnx/export';

type Build = (x: tf.SymbolicTensor) => tf.SymbolicTensor;

// Each case builds a tiny network around one layer type; weights are random (batch-norm statistics too,
// so the inference form is really exercised).
const cases: { name: string; build: Build }[] = [
  { name: 'Conv2D same relu', build: (x) => tf.layers.conv2d({ filters: 3, kernelSize: 3, padding: 'same', activation: 'relu' }).apply(x) as tf.SymbolicTensor },
  { name: 'Conv2D valid 1x1 sigmoid', build: (x) => tf.layers.conv2d({ filters: 2, kernelSize: 1, activation: 'sigmoid' }).apply(x) as tf.SymbolicTensor },
  { name: 'Conv2D stride 2 same', build: (x) => tf.layers.conv2d({ filters: 2, kernelSize: 3, strides: 2, padding: 'same' }).apply(x) as tf.SymbolicTensor },
  { name: 'Conv2DTranspose k2 s2', build: (x) => tf.layers.conv2dTranspose({ filters: 3, kernelSize: 2, strides: 2, padding: 'same' }).apply(x) as tf.SymbolicTensor },
  { name: 'Conv2DTranspose k3 s2 relu', build: (x) => tf.layers.conv2dTranspose({ filters: 2, kernelSize: 3, strides: 2, padding: 'same', activation: 'relu' }).apply(x) as tf.SymbolicTensor },
  { name: 'BatchNormalization', build: (x) => tf.layers.batchNormalization({ axis: -1 }).apply(tf.layers.conv2d({ filters: 4, kernelSize: 3, padding: 'same' }).apply(x)) as tf.SymbolicTensor },
  { name: 'ReLU layer', build: (x) => tf.layers.reLU().apply(tf.layers.conv2d({ filters: 2, kernelSize: 1 }).apply(x)) as tf.SymbolicTensor },
  { name: 'MaxPooling2D', build: (x) => tf.layers.maxPooling2d({ poolSize: 2, strides: 2 }).apply(tf.layers.conv2d({ filters: 2, kernelSize: 1 }).apply(x)) as tf.SymbolicTensor },
  {
    name: 'Concatenate',
    build: (x) => {
      const a = tf.layers.conv2d({ filters: 2, kernelSize: 1 }).apply(x) as tf.SymbolicTensor;
      const b = tf.layers.conv2d({ filters: 3, kernelSize: 3, padding: 'same' }).apply(x) as tf.SymbolicTensor;
      return tf.layers.concatenate({ axis: -1 }).apply([a, b]) as tf.SymbolicTensor;
    },
  },
  {
    name: 'Add of three',
    build: (x) => {
      const parts = [1, 3, 5].map((k) => tf.layers.conv2d({ filters: 2, kernelSize: k, padding: 'same' }).apply(x) as tf.SymbolicTensor);
      return tf.layers.add().apply(parts) as tf.SymbolicTensor;
    },
  },
  { name: 'Dropout', build: (x) => tf.layers.dropout({ rate: 0.5 }).apply(tf.layers.conv2d({ filters: 2, kernelSize: 1 }).apply(x)) as tf.SymbolicTensor },
  { name: 'Activation sigmoid', build: (x) => tf.layers.activation({ activation: 'sigmoid' }).apply(tf.layers.conv2d({ filters: 1, kernelSize: 3, padding: 'same' }).apply(x)) as tf.SymbolicTensor },
];

function randomiseBatchNorm(model: tf.LayersModel): void {
  for (const layer of model.layers) {
    if (layer.getClassName() !== 'BatchNormalization') continue;
    layer.setWeights(layer.getWeights().map((w, i) => (i === 3 ? tf.randomUniform(w.shape, 0.5, 2, 'float32', 7) : tf.randomNormal(w.shape, 0, 0.5, 'float32', 11 + i))));
  }
}

async function compare(model: tf.LayersModel, sizePx: number): Promise<number> {
  const input = tf.randomUniform([2, sizePx, sizePx, 1], 0, 1, 'float32', 3);
  const expected = model.predict(input) as tf.Tensor;
  const session = await ort.InferenceSession.create(exportOnnx(model));
  const nchw = tf.transpose(input, [0, 3, 1, 2]);
  const feeds = { image: new ort.Tensor('float32', nchw.dataSync() as Float32Array, nchw.shape) };
  const result = (await session.run(feeds)).probability;
  const actual = tf.transpose(tf.tensor(result.data as Float32Array, result.dims as number[]), [0, 2, 3, 1]);
  expect(actual.shape).toEqual(expected.shape);
  const diff = tf.max(tf.abs(tf.sub(actual, expected))).dataSync()[0];
  tf.dispose([input, expected, nchw, actual]);
  return diff;
}

describe('ONNX export matches TF.js', () => {
  beforeAll(async () => {
    await tf.setBackend('cpu');
  });

  it.each(cases)('$name', async ({ build }) => {
    const input = tf.input({ shape: [8, 8, 1] });
    const model = tf.model({ inputs: input, outputs: build(input) });
    randomiseBatchNorm(model);
    expect(await compare(model, 8)).toBeLessThan(1e-5);
  });

  it('refuses a layer it cannot convert, naming it', () => {
    const input = tf.input({ shape: [8, 8, 1] });
    const model = tf.model({ inputs: input, outputs: tf.layers.upSampling2d({ name: 'up_nearest' }).apply(input) as tf.SymbolicTensor });
    expect(() => exportOnnx(model)).toThrow(/up_nearest/);
  });
});
