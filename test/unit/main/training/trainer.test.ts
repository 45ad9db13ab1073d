import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { buildModel } from '../../../../src-main/workers/training/architectures';
import { loadModel, saveModel } from '../../../../src-main/workers/training/checkpoint';
import { splitEncoderDecoder } from '../../../../src-main/workers/training/split';
import { train } from '../../../../src-main/workers/training/trainer';
import type { Sample } from '../../../../src-main/workers/training/data';

const sizePx = 16;
let root: string;

/** Discs of varying radius: an easy, deterministic segmentation task. */
function samples(n: number): Sample[] {
  return Array.from({ length: n }, (_, k) => {
    const image = new Float32Array(sizePx * sizePx);
    const mask = new Uint8Array(sizePx * sizePx);
    const r = 3 + (k % 4);
    for (let y = 0; y < sizePx; y++) for (let x = 0; x < sizePx; x++) {
      const inside = (x - 8) ** 2 + (y - 8) ** 2 <= r * r;
      image[y * sizePx + x] = inside ? 0.8 : 0.2;
      mask[y * sizePx + x] = inside ? 1 : 0;
    }
    return { name: `disc${k}`, sizePx, image, mask };
  });
}

describe.each(['unet', 'unet-bn', 'linknet'] as const)('%s', (architecture) => {
  beforeAll(async () => {
    await tf.setBackend('cpu');
  });

  it('encoder followed by decoder computes exactly the network', () => {
    const model = buildModel({ architecture, inputPx: sizePx, baseFilters: 2, depth: 2 });
    const { encoder, decoder, frozenLayers } = splitEncoderDecoder(model);
    expect(frozenLayers).toBeGreaterThan(2);
    const x = tf.randomUniform([2, sizePx, sizePx, 1], 0, 1, 'float32', 1);
    const whole = model.predict(x) as tf.Tensor;
    const features = encoder.predict(x) as tf.Tensor[];
    const parts = decoder.predict(features) as tf.Tensor;
    expect(tf.max(tf.abs(tf.sub(whole, parts))).dataSync()[0]).toBeLessThan(1e-6);
    // The decoder shares the network's layers: it trains the same weights.
    expect(decoder.trainableWeights.every((w) => model.trainableWeights.includes(w))).toBe(true);
    expect(decoder.trainableWeights.length).toBeLessThan(model.trainableWeights.length);
  });
});

describe('trainer', () => {
  beforeAll(async () => {
    await tf.setBackend('cpu');
    root = await mkdtemp(join(tmpdir(), 'pleura-trainer-'));
  });
  afterAll(async () => {
    await rm(root, { recursive: true, force: true });
  });

  it('decoder mode leaves the encoder weights unchanged and changes the decoder', async () => {
    const model = buildModel({ architecture: 'unet', inputPx: sizePx, baseFilters: 2, depth: 2, dropout: 0 });
    const before = model.getWeights().map((w) => w.dataSync().slice());
    const { encoder } = splitEncoderDecoder(model);
    const encoderWeights = new Set(encoder.weights.map((w) => w.name));
    await train(model, samples(4), [], { epochs: 2, batchSize: 2, mode: 'decoder', augment: false, learningRate: 1e-2 });
    const changed = model.weights.map((w, i) => ({ encoder: encoderWeights.has(w.name), changed: w.read().dataSync().some((v, k) => v !== before[i][k]) }));
    expect(changed.filter((c) => c.encoder).every((c) => !c.changed)).toBe(true);
    expect(changed.filter((c) => !c.encoder).some((c) => c.changed)).toBe(true);
  });

  it('checkpoints every epoch and resumes where it stopped, with the same history', async () => {
    const data = samples(4);
    const options = { batchSize: 2, augment: true, learningRate: 5e-3, seed: 3, plateau: null, earlyStopping: null, restoreBest: false };
    const straight = buildModel({ architecture: 'unet', inputPx: sizePx, baseFilters: 2, depth: 2, dropout: 0 });
    const start = straight.getWeights().map((w) => w.clone());
    const full = await train(straight, data, data.slice(0, 2), { ...options, epochs: 4 });

    const dir = join(root, 'checkpoint');
    const first = buildModel({ architecture: 'unet', inputPx: sizePx, baseFilters: 2, depth: 2, dropout: 0 });
    first.setWeights(start);
    const signal = { aborted: false };
    await train(first, data, data.slice(0, 2), { ...options, epochs: 4, checkpointDir: dir, onProgress: (p) => { if (p.phase === 'epoch' && p.epoch === 1) signal.aborted = true; }, signal });
    const resumed = await loadModel(dir);
    const rest = await train(resumed, data, data.slice(0, 2), { ...options, epochs: 4, checkpointDir: dir, resume: true });
    expect(rest.history.map((h) => h.epoch)).toEqual([0, 1, 2, 3]);
    rest.history.forEach((h, i) => expect(h.loss).toBeCloseTo(full.history[i].loss, 4));
  });

  it('ends a resumed run on the best epoch saved before the interruption', async () => {
    const data = samples(4);
    const dir = join(root, 'checkpoint-best');
    const first = buildModel({ architecture: 'unet', inputPx: sizePx, baseFilters: 2, depth: 2, dropout: 0 });
    await train(first, data, data.slice(0, 2), { epochs: 2, batchSize: 2, learningRate: 5e-3, augment: false, plateau: null, earlyStopping: null, checkpointDir: dir });
    const best = await loadModel(join(dir, 'best'));
    // Interrupted after its last epoch: the resumed run trains no further epoch (a resume keeps the
    // checkpoint's learning rate, so later epochs could still improve and make the test depend on the
    // random initialisation), and it must end on the saved best weights, not on the last epoch's.
    const resumed = await loadModel(dir);
    const logs: string[] = [];
    const rest = await train(resumed, data, data.slice(0, 2), { epochs: 2, batchSize: 2, learningRate: 5e-3, augment: false, plateau: null, earlyStopping: null, checkpointDir: dir, resume: true, log: (m) => logs.push(m) });
    expect(rest.history.length).toBe(2);
    expect(logs.some((l) => l.includes('restored the best epoch'))).toBe(true);
    const x = tf.randomUniform([1, sizePx, sizePx, 1], 0, 1, 'float32', 4);
    expect(Array.from((resumed.predict(x) as tf.Tensor).dataSync())).toEqual(Array.from((best.predict(x) as tf.Tensor).dataSync()));
  });

  it('decays the learning rate along a cosine from the first to the last epoch', async () => {
    const model = buildModel({ architecture: 'unet', inputPx: sizePx, baseFilters: 2, depth: 2 });
    const result = await train(model, samples(2), [], { epochs: 3, batchSize: 2, learningRate: 1e-2, augment: false, plateau: null, earlyStopping: null, cosine: { minLearningRate: 1e-4 } });
    expect(result.history.map((h) => +h.learningRate.toExponential(4))).toEqual([1e-2, (1e-2 + 1e-4) / 2, 1e-4].map((v) => +v.toExponential(4)));
  });

  it('lowers the learning rate on a plateau and stops early', async () => {
    const model = buildModel({ architecture: 'unet', inputPx: sizePx, baseFilters: 2, depth: 2 });
    const logs: string[] = [];
    // A zero learning rate never improves, so both rules must fire on schedule.
    const result = await train(model, samples(2), samples(2), {
      epochs: 20, batchSize: 2, learningRate: 1e-12, augment: false,
      plateau: { patience: 1, factor: 0.5, minLearningRate: 1e-15 }, earlyStopping: { patience: 3 }, log: (m) => logs.push(m),
    });
    expect(result.stoppedEarly).toBe(true);
    expect(result.history.length).toBe(4);
    expect(result.history[3].learningRate).toBeLessThan(result.history[0].learningRate);
    expect(logs.some((l) => l.includes('stopping early'))).toBe(true);
  });

  it('saves and loads a model with identical outputs', async () => {
    const model = buildModel({ architecture: 'unet-bn', inputPx: sizePx, baseFilters: 2, depth: 2 });
    await saveModel(model, join(root, 'saved'));
    const loaded = await loadModel(join(root, 'saved'));
    const x = tf.randomUniform([1, sizePx, sizePx, 1], 0, 1, 'float32', 2);
    expect(Array.from((loaded.predict(x) as tf.Tensor).dataSync())).toEqual(Array.from((model.predict(x) as tf.Tensor).dataSync()));
  });
});
