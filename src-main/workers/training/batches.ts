import * as tf from '@tensorflow/tfjs';
import type { Sample } from './data';
import { augmentPair, createRandom, defaultAugmentOptions, type AugmentOptions, type Random } from './augment';

/** Seed of epoch `epoch` of a run seeded `seed`: a resumed run draws the same augmentations. */
export function epochSeed(seed: number, epoch: number): number {
  return (Math.imul(seed ^ 0x9e3779b9, 0x85ebca6b) + Math.imul(epoch + 1, 0xc2b2ae35)) >>> 0;
}

/** Fisher-Yates shuffle of 0..n-1 with `random`. */
export function shuffledIndices(n: number, random: Random): number[] {
  const order = Array.from({ length: n }, (_, i) => i);
  for (let i = n - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [order[i], order[j]] = [order[j], order[i]];
  }
  return order;
}

/** Resolves the `augment` option: false = none, true = defaults, an object = defaults overridden. */
export function augmentOptions(augment: boolean | Partial<AugmentOptions> | undefined): AugmentOptions | null {
  if (augment === false || augment === undefined) return null;
  return augment === true ? defaultAugmentOptions : { ...defaultAugmentOptions, ...augment };
}

/** Stacks samples into NHWC tensors x [n, s, s, 1] (0..1) and y [n, s, s, 1] (0/1). */
export function stack(samples: { image: Float32Array; mask: Uint8Array }[], sizePx: number): { x: tf.Tensor4D; y: tf.Tensor4D } {
  const pixels = sizePx * sizePx;
  const x = new Float32Array(samples.length * pixels);
  const y = new Float32Array(samples.length * pixels);
  samples.forEach((s, i) => {
    x.set(s.image, i * pixels);
    for (let p = 0; p < pixels; p++) y[i * pixels + p] = s.mask[p] ? 1 : 0;
  });
  return { x: tf.tensor4d(x, [samples.length, sizePx, sizePx, 1]), y: tf.tensor4d(y, [samples.length, sizePx, sizePx, 1]) };
}

/** The batches of one epoch: shuffled, each pair augmented (if asked) with the epoch's seeded stream. */
export function* epochBatches(
  samples: Sample[],
  options: { batchSize: number; seed: number; epoch: number; augment: AugmentOptions | null },
): Generator<{ image: Float32Array; mask: Uint8Array }[]> {
  const random = createRandom(epochSeed(options.seed, options.epoch));
  const order = shuffledIndices(samples.length, random);
  for (let start = 0; start < order.length; start += options.batchSize) {
    yield order.slice(start, start + options.batchSize).map((index) => {
      const s = samples[index];
      return options.augment ? augmentPair(s.image, s.mask, s.sizePx, random, options.augment) : s;
    });
  }
}
