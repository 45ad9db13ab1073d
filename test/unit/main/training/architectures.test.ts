import { beforeAll, describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs';
import { buildModel } from '../../../../src-main/workers/training/architectures';

const weightsOf = (model: tf.LayersModel) => model.getWeights().map((w) => Array.from(w.dataSync()));

describe.each(['unet', 'unet-bn', 'linknet'] as const)('%s initial weights', (architecture) => {
  beforeAll(async () => {
    await tf.setBackend('cpu');
  });

  it('are the same for the same seed, differ for another seed and between layers of one build', () => {
    const build = (seed?: number) => buildModel({ architecture, inputPx: 16, baseFilters: 2, depth: 2, seed });
    const [a, b, c] = [build(5), build(5), build(6)];
    const [wa, wb, wc] = [weightsOf(a), weightsOf(b), weightsOf(c)];
    expect(wa).toEqual(wb);
    const kernels = a.getWeights().map((w, i) => ({ w, i })).filter(({ w }) => w.shape.length === 4).map(({ i }) => i);
    expect(kernels.length).toBeGreaterThan(4);
    for (const i of kernels) expect(wc[i]).not.toEqual(wa[i]);
    // Two kernels of the same shape in one build do not share a stream.
    const sameShape = kernels.filter((i) => a.getWeights()[i].shape.join() === a.getWeights()[kernels[1]].shape.join());
    if (sameShape.length > 1) expect(wa[sameShape[0]]).not.toEqual(wa[sameShape[1]]);
    // Unseeded builds still differ run to run.
    expect(weightsOf(build())[kernels[0]]).not.toEqual(weightsOf(build())[kernels[0]]);
    for (const m of [a, b, c]) m.dispose();
  });
});
