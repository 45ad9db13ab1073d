import { beforeAll, describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs';
import { initTrainingBackend } from '../../../../src-main/workers/training/backend';

// The one-pass layout kernels (and their fallbacks to the stock kernels) against the CPU backend.

function randomValues(length: number, seed: number, options: { zeros?: boolean } = {}): Float32Array {
  const values = new Float32Array(length);
  let state = seed;
  for (let i = 0; i < length; i++) {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    // With zeros: a ReLU-like input, so max-pool windows have ties.
    values[i] = options.zeros && state % 3 === 0 ? 0 : state / 2 ** 31 - 1;
  }
  return values;
}

function tensor(shape: number[], seed: number, options: { zeros?: boolean } = {}): () => tf.Tensor {
  const values = randomValues(shape.reduce((a, b) => a * b, 1), seed, options);
  return () => tf.tensor(values, shape);
}

async function compareBackends(compute: () => tf.Tensor | tf.Tensor[]): Promise<void> {
  const run = async (name: 'cpu' | 'wasm') => {
    await tf.setBackend(name);
    const result = compute();
    const list = Array.isArray(result) ? result : [result];
    const values = await Promise.all(list.map(async (t) => ({ shape: t.shape, data: await t.data() })));
    tf.dispose(list);
    return values;
  };
  const expected = await run('cpu');
  const actual = await run('wasm');
  expect(actual.map((a) => a.shape)).toEqual(expected.map((e) => e.shape));
  actual.forEach((a, i) => {
    const reference = expected[i].data;
    let difference = 0;
    for (let j = 0; j < reference.length; j++) difference = Math.max(difference, Math.abs(a.data[j] - reference[j]));
    expect(difference).toBeLessThan(1e-4);
  });
}

beforeAll(async () => {
  await initTrainingBackend({ prefer: ['wasm'], threads: 2 });
});

describe('layout kernels on WASM match the CPU backend', () => {
  const x = tensor([3, 5, 6, 7], 1);
  const sums: [string, number[], boolean][] = [
    ['leading axes (bias gradient)', [0, 1, 2], false],
    ['leading axes, keepDims', [0, 1], true],
    ['first axis only', [0], false],
    ['inner axes (stock kernel)', [1, 2], false],
    ['last axis (stock kernel)', [3], true],
  ];
  it.each(sums)('Sum over %s', async (_, axis, keepDims) => {
    await compareBackends(() => tf.sum(x(), axis, keepDims));
  });

  it('Concat along channels, three widths', async () => {
    const parts = [tensor([2, 4, 3, 5], 2), tensor([2, 4, 3, 1], 3), tensor([2, 4, 3, 8], 4)];
    await compareBackends(() => tf.concat(parts.map((p) => p()), 3));
  });

  it('Concat along channels, equal widths (U-Net skip)', async () => {
    const parts = [tensor([2, 4, 3, 6], 12), tensor([2, 4, 3, 6], 13)];
    await compareBackends(() => tf.concat(parts.map((p) => p()), -1));
  });

  it('Concat along another axis (stock kernel)', async () => {
    const parts = [tensor([2, 4, 3, 5], 5), tensor([2, 1, 3, 5], 6)];
    await compareBackends(() => tf.concat(parts.map((p) => p()), 1));
  });

  it.each([[[16, 16]], [[5, 1, 9]], [3]] as [number[] | number][])('SplitV along channels into %j', async (splits) => {
    const input = tensor([2, 3, 4, Array.isArray(splits) ? splits.reduce((a, b) => a + b, 0) : 12], 7);
    await compareBackends(() => tf.split(input(), splits, -1));
  });

  it('SplitV along another axis (stock kernel)', async () => {
    const input = tensor([2, 6, 4, 3], 8);
    await compareBackends(() => tf.split(input(), [2, 4], 1));
  });

  it.each([
    ['2x2 stride 2 valid, with ties', [2, 8, 6, 5], 2, 2, 'valid'],
    ['2x2 stride 2 same, even size', [1, 4, 4, 3], 2, 2, 'same'],
    ['3x3 stride 1 same, overlapping windows', [1, 5, 5, 2], 3, 1, 'same'],
    ['2x2 stride 2 same, odd size (padded border)', [1, 5, 5, 2], 2, 2, 'same'],
    ['3x3 stride 2 valid', [2, 7, 9, 3], 3, 2, 'valid'],
    ['2x2 stride 2 valid, odd size', [2, 7, 5, 3], 2, 2, 'valid'],
  ] as [string, number[], number, number, 'valid' | 'same'][])('MaxPool gradient %s', async (_, shape, size, stride, pad) => {
    const input = tensor(shape, 9, { zeros: true });
    await compareBackends(() => tf.grad((t: tf.Tensor) => tf.maxPool(t as tf.Tensor4D, size, stride, pad).square().sum())(input()));
  });

  it.each(['int32', 'bool', 'float32'] as tf.DataType[])('Cast float32 to %s', async (dtype) => {
    const input = tensor([3, 4], 14);
    await compareBackends(() => tf.cast(input().mul(3), dtype));
  });

  it('Cast to the same type shares the data', async () => {
    await tf.setBackend('wasm');
    const input = tf.tensor([1.5, -2]);
    const same = tf.cast(input, 'float32');
    expect(same.dataId).toBe(input.dataId);
    tf.dispose([input, same]);
  });

  it('Identity shares the data instead of copying it', async () => {
    await tf.setBackend('wasm');
    const input = tf.tensor([1, 2, 3]);
    const copy = tf.clone(input);
    const before = tf.backend().numDataIds();
    expect(copy.dataId).toBe(input.dataId);
    input.dispose();
    expect(Array.from(await copy.data())).toEqual([1, 2, 3]);
    copy.dispose();
    expect(tf.backend().numDataIds()).toBe(before - 1);
  });
});
