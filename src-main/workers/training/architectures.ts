import * as tf from '@tensorflow/tfjs';

/** The paper's segmentation networks, selectable by name. */
export type ArchitectureName = 'unet' | 'unet-bn' | 'linknet';

export interface BuildModelOptions {
  architecture: ArchitectureName;
  /** Square input side in pixels; must be divisible by 2^depth. */
  inputPx: number;
  /** Grey images are one channel (the paper's finding); kept as an option for the signature only. */
  channels?: 1;
  /** Filters of the first encoder level; doubled at each level below. Default 16. */
  baseFilters?: number;
  /** Number of pooling levels (encoder blocks before the bottleneck). Default 4. */
  depth?: number;
  /** Dropout rate inside the plain U-Net's blocks. Default 0.1. */
  dropout?: number;
  /**
   * Seed of the weight initialisers: the same seed gives the same starting weights, so a run can be
   * repeated (and a test of "the loss falls" cannot land on an unlucky start one run in fifty). Each layer
   * draws from its own stream (seed + its index). Unseeded without it.
   */
  seed?: number;
}

// Only layers with a direct ONNX counterpart are used (Conv, ConvTranspose, BatchNormalization, Relu,
// MaxPool, Concat, Add, Dropout, Sigmoid), so the exporter stays a table of one-to-one mappings.
type Tensor = tf.SymbolicTensor;

type DropoutConstructor = new (args: { rate: number; name?: string }) => tf.layers.Layer;
const BuiltinDropout = tf.layers.dropout({ rate: 0.5 }).constructor as DropoutConstructor;
let dropoutState = (Math.random() * 2 ** 32) >>> 0 || 1;

/**
 * Keras Dropout whose training mask comes from a xorshift generator straight into a Float32Array of
 * 0 or 1/keep: TF.js builds the mask from an alea generator plus four tensor passes, about 50 ms of a
 * 128 px training step. Still class 'Dropout' (same config, same export); inference is the identity.
 */
class FastDropout extends BuiltinDropout {
  private readonly dropRate: number;

  constructor(args: { rate: number; name?: string }) {
    super(args);
    this.dropRate = args.rate;
  }

  override call(inputs: tf.Tensor | tf.Tensor[], kwargs: { training?: boolean }): tf.Tensor | tf.Tensor[] {
    const input = Array.isArray(inputs) ? inputs[0] : inputs;
    if (!kwargs.training || this.dropRate <= 0 || this.dropRate >= 1) return input;
    const keep = 1 - this.dropRate;
    const threshold = keep * 2 ** 32;
    const values = new Float32Array(input.size);
    let state = dropoutState;
    for (let i = 0; i < values.length; i++) {
      state ^= state << 13;
      state ^= state >>> 17;
      state ^= state << 5;
      values[i] = state >>> 0 < threshold ? 1 / keep : 0;
    }
    dropoutState = state;
    return tf.tidy(() => tf.mul(input, tf.tensor(values, input.shape)));
  }
}

interface Builder {
  next(kind: string): string;
  /** He-normal for ReLU convolutions, Glorot-uniform for the rest; seeded per layer when the build is. */
  init(kind: 'he' | 'glorot'): ReturnType<typeof tf.initializers.heNormal> | 'heNormal' | 'glorotUniform';
}

function conv(
  b: Builder,
  x: Tensor,
  options: { filters: number; kernelSize?: number; relu?: boolean },
): Tensor {
  return tf.layers
    .conv2d({
      name: b.next('conv'),
      filters: options.filters,
      kernelSize: options.kernelSize ?? 3,
      padding: 'same',
      activation: options.relu === false ? 'linear' : 'relu',
      kernelInitializer: b.init('he'),
    })
    .apply(x) as Tensor;
}

function convBnRelu(b: Builder, x: Tensor, filters: number, options: { relu?: boolean } = {}): Tensor {
  const y = tf.layers
    .conv2d({ name: b.next('conv'), filters, kernelSize: 3, padding: 'same', kernelInitializer: b.init('he') })
    .apply(x) as Tensor;
  const normalised = tf.layers.batchNormalization({ name: b.next('bn'), axis: -1 }).apply(y) as Tensor;
  return options.relu === false ? normalised : (tf.layers.reLU({ name: b.next('relu') }).apply(normalised) as Tensor);
}

function upsample(b: Builder, x: Tensor, filters: number): Tensor {
  return tf.layers
    .conv2dTranspose({ name: b.next('up'), filters, kernelSize: 2, strides: 2, padding: 'same', kernelInitializer: b.init('glorot') })
    .apply(x) as Tensor;
}

function maxPool(b: Builder, x: Tensor): Tensor {
  return tf.layers.maxPooling2d({ name: b.next('pool'), poolSize: 2, strides: 2 }).apply(x) as Tensor;
}

/** Conv-ReLU-Dropout-Conv-ReLU (paper model 1) or Conv-BN-ReLU twice (paper model 2). */
function doubleConv(b: Builder, x: Tensor, filters: number, options: { batchNorm: boolean; dropout: number }): Tensor {
  if (options.batchNorm) return convBnRelu(b, convBnRelu(b, x, filters), filters);
  let y = conv(b, x, { filters });
  if (options.dropout > 0) y = new FastDropout({ name: b.next('dropout'), rate: options.dropout }).apply(y) as Tensor;
  return conv(b, y, { filters });
}

function unet(b: Builder, input: Tensor, o: Required<Omit<BuildModelOptions, 'channels' | 'inputPx' | 'seed'>>): Tensor {
  const batchNorm = o.architecture === 'unet-bn';
  const block = { batchNorm, dropout: o.dropout };
  const skips: Tensor[] = [];
  let x = input;
  for (let level = 0; level < o.depth; level++) {
    x = doubleConv(b, x, o.baseFilters * 2 ** level, block);
    skips.push(x);
    x = maxPool(b, x);
  }
  x = doubleConv(b, x, o.baseFilters * 2 ** o.depth, block);
  for (let level = o.depth - 1; level >= 0; level--) {
    const filters = o.baseFilters * 2 ** level;
    const up = upsample(b, x, filters);
    x = tf.layers.concatenate({ name: b.next('concat'), axis: -1 }).apply([up, skips[level]]) as Tensor;
    x = doubleConv(b, x, filters, block);
  }
  return x;
}

/** ResNet basic block with a 1x1 projection when the width changes; additive skip then ReLU. */
function residualBlock(b: Builder, x: Tensor, filters: number): Tensor {
  const y = convBnRelu(b, convBnRelu(b, x, filters), filters, { relu: false });
  const shortcut = conv(b, x, { filters, kernelSize: 1, relu: false });
  const sum = tf.layers.add({ name: b.next('add') }).apply([y, shortcut]) as Tensor;
  return tf.layers.reLU({ name: b.next('relu') }).apply(sum) as Tensor;
}

/** LinkNet decoder block: 1x1 squeeze, 2x up (transposed conv), 1x1 expand. */
function linknetDecoder(b: Builder, x: Tensor, inFilters: number, outFilters: number): Tensor {
  const squeezed = Math.max(1, Math.floor(inFilters / 4));
  let y = conv(b, x, { filters: squeezed, kernelSize: 1 });
  y = tf.layers.reLU({ name: b.next('relu') }).apply(upsample(b, y, squeezed)) as Tensor;
  return conv(b, y, { filters: outFilters, kernelSize: 1 });
}

function linknet(b: Builder, input: Tensor, o: Required<Omit<BuildModelOptions, 'channels' | 'inputPx' | 'seed'>>): Tensor {
  let x = convBnRelu(b, input, o.baseFilters);
  const skips: Tensor[] = [];
  for (let level = 0; level < o.depth; level++) {
    skips.push(x);
    x = residualBlock(b, maxPool(b, x), o.baseFilters * 2 ** (level + 1));
  }
  for (let level = o.depth - 1; level >= 0; level--) {
    const decoded = linknetDecoder(b, x, o.baseFilters * 2 ** (level + 1), o.baseFilters * 2 ** level);
    x = tf.layers.add({ name: b.next('add') }).apply([decoded, skips[level]]) as Tensor;
  }
  return conv(b, x, { filters: o.baseFilters });
}

/**
 * Builds an untrained network: NHWC input [batch, inputPx, inputPx, 1], output the same shape with a
 * sigmoid probability of "lung" per pixel. Layer names are stable (`conv_3`, `up_1`...) so weights can be
 * matched by name across versions.
 */
export function buildModel(options: BuildModelOptions): tf.LayersModel {
  const resolved = {
    architecture: options.architecture,
    baseFilters: options.baseFilters ?? 16,
    depth: options.depth ?? 4,
    dropout: options.dropout ?? 0.1,
  };
  const divisor = 2 ** resolved.depth;
  if (!Number.isInteger(options.inputPx) || options.inputPx % divisor !== 0) {
    throw new Error(`inputPx ${options.inputPx} must be a multiple of ${divisor} for depth ${resolved.depth}`);
  }
  const counters = new Map<string, number>();
  let initialised = 0;
  const seed = options.seed;
  const builder: Builder = {
    next(kind) {
      const n = counters.get(kind) ?? 0;
      counters.set(kind, n + 1);
      return `${kind}_${n}`;
    },
    init(kind) {
      if (seed === undefined) return kind === 'he' ? 'heNormal' : 'glorotUniform';
      const layerSeed = (seed + 7919 * ++initialised) >>> 0;
      return kind === 'he' ? tf.initializers.heNormal({ seed: layerSeed }) : tf.initializers.glorotUniform({ seed: layerSeed });
    },
  };
  const input = tf.input({ name: 'image', shape: [options.inputPx, options.inputPx, options.channels ?? 1] });
  const features =
    resolved.architecture === 'linknet' ? linknet(builder, input, resolved) : unet(builder, input, resolved);
  const output = tf.layers
    .conv2d({ name: 'head', filters: 1, kernelSize: 1, padding: 'same', activation: 'sigmoid', kernelInitializer: builder.init('glorot') })
    .apply(features) as Tensor;
  return tf.model({ name: resolved.architecture, inputs: input, outputs: output });
}

/** Trainable plus non-trainable (batch-norm statistics) parameter count. */
export function countParameters(model: tf.LayersModel): { trainable: number; total: number } {
  let trainable = 0;
  let total = 0;
  for (const weight of model.weights) {
    const size = weight.shape.reduce<number>((a, d) => a * (d ?? 1), 1);
    total += size;
    if (weight.trainable) trainable += size;
  }
  return { trainable, total };
}

/**
 * Forward-pass floating-point operations for ONE image (a multiply-add counts as two), from the
 * convolutions only (everything else is a rounding error). A training step costs about three times this.
 */
export function estimateFlops(model: tf.LayersModel): number {
  let flops = 0;
  for (const layer of model.layers) {
    const className = layer.getClassName();
    if (className !== 'Conv2D' && className !== 'Conv2DTranspose') continue;
    const config = layer.getConfig() as { kernelSize: number[]; filters: number };
    const inputShape = layer.input as tf.SymbolicTensor;
    const outputShape = layer.output as tf.SymbolicTensor;
    const inChannels = inputShape.shape[3] ?? 1;
    const taps = config.kernelSize[0] * config.kernelSize[1];
    // A transposed conv spreads each input pixel over the taps; a conv gathers the taps per output pixel.
    const pixels =
      className === 'Conv2D'
        ? (outputShape.shape[1] ?? 0) * (outputShape.shape[2] ?? 0)
        : (inputShape.shape[1] ?? 0) * (inputShape.shape[2] ?? 0);
    flops += 2 * pixels * taps * inChannels * config.filters;
  }
  return flops;
}
