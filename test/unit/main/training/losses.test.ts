import { beforeAll, describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs';
import { batchMetrics, bceLoss, diceLoss, jaccardLoss, lossByName, parseLoss } from '../../../../src-main/workers/training/losses';

// y = [1, 0, 1, 1], p = [0.9, 0.2, 0.6, 0.3]: I = 1.8, Σy = 3, Σp = 2, union = 3.2.
const y = [1, 0, 1, 1];
const p = [0.9, 0.2, 0.6, 0.3];
const bce = -(Math.log(0.9) + Math.log(0.8) + Math.log(0.6) + Math.log(0.3)) / 4;
const dice = 1 - (2 * 1.8) / 5;
const jaccard = 1 - 1.8 / 3.2;

const run = (f: (a: tf.Tensor, b: tf.Tensor) => tf.Scalar) => f(tf.tensor4d(y, [1, 2, 2, 1]), tf.tensor4d(p, [1, 2, 2, 1])).dataSync()[0];

describe('losses (paper definitions)', () => {
  beforeAll(async () => {
    await tf.setBackend('cpu');
  });

  it.each([
    { name: 'bce', expected: bce },
    { name: 'dice', expected: dice },
    { name: 'jaccard', expected: jaccard },
    { name: 'bce+jaccard', expected: bce + jaccard },
    { name: 'bce+jaccard+dice', expected: bce + jaccard + dice },
    { name: '0.5*bce+2*dice', expected: 0.5 * bce + 2 * dice },
  ])('$name = $expected', ({ name, expected }) => {
    expect(run(lossByName(name))).toBeCloseTo(expected, 5);
  });

  it('single terms agree with the named sums', () => {
    expect(run(bceLoss)).toBeCloseTo(bce, 5);
    expect(run(diceLoss)).toBeCloseTo(dice, 5);
    expect(run(jaccardLoss)).toBeCloseTo(jaccard, 5);
  });

  it('perfect prediction gives zero overlap losses', () => {
    const t = tf.tensor4d([1, 0, 0, 1], [1, 2, 2, 1]);
    expect(diceLoss(t, t).dataSync()[0]).toBeCloseTo(0, 6);
    expect(jaccardLoss(t, t).dataSync()[0]).toBeCloseTo(0, 6);
  });

  it('rejects unknown terms', () => {
    expect(() => parseLoss('bce+focal')).toThrow(/focal/);
  });

  it('batch metrics threshold at 0.5', () => {
    // hard = [1, 0, 1, 0]: tp 2, fp 0, fn 1, tn 1.
    const m = batchMetrics(tf.tensor4d(y, [1, 2, 2, 1]), tf.tensor4d(p, [1, 2, 2, 1]));
    expect(m.dice).toBeCloseTo(4 / 5, 6);
    expect(m.iou).toBeCloseTo(2 / 3, 6);
    expect(m.precision).toBeCloseTo(1, 6);
    expect(m.recall).toBeCloseTo(2 / 3, 6);
    expect(m.accuracy).toBeCloseTo(3 / 4, 6);
  });
});
