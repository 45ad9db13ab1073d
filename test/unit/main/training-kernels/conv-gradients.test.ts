import { beforeAll, describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs';
import { initTrainingBackend } from '../../../../src-main/workers/training/backend';

// Each WASM kernel we supply is checked against TF.js's reference CPU backend on random inputs.

type Pad = 'same' | 'valid';
interface ConvCase {
  input: [number, number, number, number];
  filter: [number, number, number, number];
  stride: number;
  pad: Pad;
}

const cases: ConvCase[] = [
  { input: [2, 9, 7, 3], filter: [3, 3, 3, 5], stride: 1, pad: 'same' },
  { input: [3, 8, 8, 5], filter: [3, 3, 5, 2], stride: 1, pad: 'valid' },
  { input: [2, 6, 6, 3], filter: [1, 1, 3, 4], stride: 1, pad: 'same' },
  { input: [1, 8, 8, 4], filter: [2, 2, 4, 3], stride: 2, pad: 'same' },
  { input: [2, 6, 10, 7], filter: [2, 2, 7, 5], stride: 2, pad: 'valid' },
  { input: [2, 9, 9, 3], filter: [3, 3, 3, 4], stride: 2, pad: 'same' },
  { input: [3, 10, 9, 5], filter: [3, 3, 5, 2], stride: 2, pad: 'valid' },
  { input: [2, 7, 7, 1], filter: [2, 2, 1, 3], stride: 1, pad: 'same' },
  // Level-0 sized rows (130 px wide) and an odd channel count.
  { input: [2, 40, 130, 16], filter: [3, 3, 16, 8], stride: 1, pad: 'same' },
  { input: [1, 37, 131, 17], filter: [3, 3, 17, 5], stride: 1, pad: 'valid' },
];

function randomValues(shape: number[], seed: number): Float32Array {
  const values = new Float32Array(shape.reduce((a, b) => a * b, 1));
  let state = seed >>> 0 || 1;
  for (let i = 0; i < values.length; i++) {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    values[i] = state / 2 ** 31 - 1;
  }
  return values;
}

async function onBackend(name: 'wasm' | 'cpu', compute: () => tf.Tensor): Promise<Float32Array> {
  await tf.setBackend(name);
  const result = tf.tidy(compute);
  const values = (await result.data()) as Float32Array;
  result.dispose();
  return values;
}

/** Largest absolute difference, relative to the largest reference magnitude. */
function relativeError(actual: Float32Array, expected: Float32Array): number {
  expect(actual.length).toBe(expected.length);
  let difference = 0;
  let scale = 1e-12;
  for (let i = 0; i < expected.length; i++) {
    difference = Math.max(difference, Math.abs(actual[i] - expected[i]));
    scale = Math.max(scale, Math.abs(expected[i]));
  }
  return difference / scale;
}

beforeAll(async () => {
  const report = await initTrainingBackend({ prefer: ['wasm'], threads: 2 });
  expect(report.name).toBe('wasm');
});

describe('WASM convolution gradient kernels match the CPU backend', () => {
  it.each(cases)('Conv2DBackpropFilter x$input w$filter stride $stride $pad', async (c) => {
    const x = randomValues(c.input, 1);
    const outShape = tf.tidy(() => tf.conv2d(tf.zeros(c.input) as tf.Tensor4D, tf.zeros(c.filter) as tf.Tensor4D, c.stride, c.pad).shape);
    const dy = randomValues(outShape, 2);
    const compute = () =>
      tf.engine().runKernel(
        'Conv2DBackpropFilter',
        { x: tf.tensor4d(x, c.input), dy: tf.tensor(dy, outShape) },
        { filterShape: c.filter, strides: c.stride, pad: c.pad, dataFormat: 'NHWC' } as unknown as tf.NamedAttrMap,
      ) as tf.Tensor;
    const expected = await onBackend('cpu', compute);
    const actual = await onBackend('wasm', compute);
    expect(relativeError(actual, expected)).toBeLessThan(1e-5);
  });

  it.each(cases)('Conv2DBackpropInput x$input w$filter stride $stride $pad', async (c) => {
    const w = randomValues(c.filter, 3);
    const outShape = tf.tidy(() => tf.conv2d(tf.zeros(c.input) as tf.Tensor4D, tf.zeros(c.filter) as tf.Tensor4D, c.stride, c.pad).shape);
    const dy = randomValues(outShape, 4);
    const compute = () =>
      tf.engine().runKernel(
        'Conv2DBackpropInput',
        { dy: tf.tensor(dy, outShape), filter: tf.tensor4d(w, c.filter) },
        { inputShape: c.input, strides: c.stride, pad: c.pad, dataFormat: 'NHWC' } as unknown as tf.NamedAttrMap,
      ) as tf.Tensor;
    const expected = await onBackend('cpu', compute);
    const actual = await onBackend('wasm', compute);
    expect(relativeError(actual, expected)).toBeLessThan(1e-5);
  });

  it('frees every intermediate buffer (no leak in the WASM heap)', async () => {
    await tf.setBackend('wasm');
    const c = cases[0];
    const x = tf.tensor4d(randomValues(c.input, 5), c.input);
    const dy = tf.tensor4d(randomValues([2, 9, 7, 5], 6), [2, 9, 7, 5]);
    const w = tf.tensor4d(randomValues(c.filter, 7), c.filter);
    const before = tf.backend().numDataIds();
    const attrs = { strides: 1, pad: 'same', dataFormat: 'NHWC' };
    const dw = tf.engine().runKernel('Conv2DBackpropFilter', { x, dy }, { ...attrs, filterShape: c.filter }) as tf.Tensor;
    const dx = tf.engine().runKernel('Conv2DBackpropInput', { dy, filter: w }, { ...attrs, inputShape: c.input }) as tf.Tensor;
    expect(tf.backend().numDataIds()).toBe(before + 2);
    tf.dispose([dw, dx, x, dy, w]);
  });
});
