import * as tf from '@tensorflow/tfjs';
import type { Sample } from './data';
import { augmentPair, createRandom, type AugmentOptions } from './augment';
import { epochSeed, shuffledIndices, stack } from './batches';
import { splitEncoderDecoder } from './split';

interface CachedItem {
  /** One tensor per encoder output, batch dimension 1. */
  features: tf.Tensor[];
  mask: Uint8Array;
}

/**
 * Encoder features computed once per image (and per augmented variant), so decoder-only fine-tuning
 * skips the encoder's forward and backward passes at every step. Holds backend memory until disposed.
 */
export class FeatureCache {
  private constructor(
    readonly decoder: tf.LayersModel,
    readonly frozenLayers: number,
    private readonly train: CachedItem[][],
    private readonly val: CachedItem[],
    private readonly sizePx: number,
  ) {}

  /** Runs the frozen encoder over `variants` versions of each training pair (the first unaugmented). */
  static async build(
    model: tf.LayersModel,
    trainSet: Sample[],
    val: Sample[],
    options: { variants: number; seed: number; augment: AugmentOptions | null; signal?: { aborted: boolean } },
  ): Promise<FeatureCache> {
    const { encoder, decoder, frozenLayers } = splitEncoderDecoder(model);
    const encode = async (pairs: { image: Float32Array; mask: Uint8Array }[]): Promise<CachedItem[]> => {
      const items: CachedItem[] = [];
      for (let start = 0; start < pairs.length; start += 4) {
        if (options.signal?.aborted) break;
        const part = pairs.slice(start, start + 4);
        const { x, y } = stack(part, model.inputs[0].shape[1]!);
        const outputs = tf.tidy(() => {
          const result = encoder.apply(x, { training: false }) as tf.Tensor | tf.Tensor[];
          return Array.isArray(result) ? result : [result];
        });
        part.forEach((pair, i) => items.push({ features: outputs.map((t) => tf.slice(t, i, 1)), mask: pair.mask }));
        tf.dispose([x, y, ...outputs]);
        await new Promise<void>((resolve) => setImmediate(resolve));
      }
      return items;
    };
    const variants = Math.max(1, options.augment ? options.variants : 1);
    const trainItems: CachedItem[][] = trainSet.map(() => []);
    for (let v = 0; v < variants; v++) {
      const random = createRandom(epochSeed(options.seed, 100_000 + v));
      const pairs = trainSet.map((s) => (v === 0 || !options.augment ? s : augmentPair(s.image, s.mask, s.sizePx, random, options.augment)));
      (await encode(pairs)).forEach((item, i) => trainItems[i].push(item));
    }
    const valItems = await encode(val);
    return new FeatureCache(decoder, frozenLayers, trainItems, valItems, model.inputs[0].shape[1]!);
  }

  /** One epoch's batches: shuffled images, each with a randomly chosen cached variant. */
  *epochBatches(options: { batchSize: number; seed: number; epoch: number }): Generator<{ features: tf.Tensor[]; y: tf.Tensor4D }> {
    const random = createRandom(epochSeed(options.seed, options.epoch));
    const order = shuffledIndices(this.train.length, random);
    for (let start = 0; start < order.length; start += options.batchSize) {
      const items = order.slice(start, start + options.batchSize).map((i) => {
        const variants = this.train[i];
        return variants[Math.floor(random() * variants.length)];
      });
      yield this.batch(items);
    }
  }

  /** Decoder output for cached validation images `indices` (inference mode). */
  predictVal(indices: number[]): tf.Tensor {
    const { features, y } = this.batch(indices.map((i) => this.val[i]));
    const p = this.decoder.apply(features, { training: false }) as tf.Tensor;
    tf.dispose([...features, y]);
    return p;
  }

  private batch(items: CachedItem[]): { features: tf.Tensor[]; y: tf.Tensor4D } {
    const features = items[0].features.map((_, k) => (items.length === 1 ? items[0].features[k].clone() : tf.concat(items.map((item) => item.features[k]), 0)));
    const pixels = this.sizePx * this.sizePx;
    const y = new Float32Array(items.length * pixels);
    items.forEach((item, i) => {
      for (let p = 0; p < pixels; p++) y[i * pixels + p] = item.mask[p] ? 1 : 0;
    });
    return { features, y: tf.tensor4d(y, [items.length, this.sizePx, this.sizePx, 1]) };
  }

  dispose(): void {
    for (const variants of this.train) for (const item of variants) tf.dispose(item.features);
    for (const item of this.val) tf.dispose(item.features);
  }
}
