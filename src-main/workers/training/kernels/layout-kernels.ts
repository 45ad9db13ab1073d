import * as tf from '@tensorflow/tfjs';
import type { TensorInfo, KernelConfig, KernelFunc } from '@tensorflow/tfjs';
import { WasmOps, wasmBackendOf } from './wasm-ops';

/*
 * Kernels a U-Net training step calls hundreds of times whose stock WASM versions copy far more than
 * needed (and MaxPoolGrad, whose stock version is also wrong on padded borders): Identity and a Cast to
 * the same type copy the tensor, Sum over the leading axes (bias gradients) transposes it first (an average pool does it in place),
 * Concat/SplitV along channels go row by row through TypedArray.set (and SplitV copies the whole input
 * once per output through readSync). Plain JS loops over heap views do each in one pass. Shapes these do
 * not cover go to the stock kernel.
 */

type Args = Parameters<KernelFunc>[0];
type Stock = KernelConfig | undefined;

function delegate(stock: Stock, name: string, args: Args): TensorInfo | TensorInfo[] {
  if (!stock) throw new Error(`${name}: no WASM kernel for these arguments`);
  return (stock.kernelFunc as KernelFunc)(args);
}

/** Tensors are immutable, so an identity can share the data, as the CPU backend's does. */
function identity(args: Args): TensorInfo {
  const { x } = args.inputs as { x: TensorInfo };
  wasmBackendOf(args.backend).incRef(x.dataId);
  return { dataId: x.dataId, shape: x.shape, dtype: x.dtype };
}

/**
 * The ReLU gradient casts a float32 step to float32: the stock Cast copies even then. It also turns
 * -2.0 into bool 254 (a raw typed-array copy); TF.js's CPU backend gives 1 for any non-zero value.
 */
function createCast(stock: Stock): KernelFunc {
  return (args: Args) => {
    const { x } = args.inputs as { x: TensorInfo };
    const { dtype } = args.attrs as { dtype: tf.DataType };
    if (dtype === x.dtype) return identity(args);
    if (dtype !== 'bool' || x.dtype === 'string' || x.dtype === 'complex64') return delegate(stock, 'Cast', args);
    const backend = wasmBackendOf(args.backend);
    const out = backend.makeOutput(x.shape, 'bool');
    const source = backend.typedArrayFromHeap(x);
    const target = backend.typedArrayFromHeap(out);
    for (let i = 0; i < source.length; i++) target[i] = source[i] !== 0 ? 1 : 0;
    return out;
  };
}

function createSum(stock: Stock): KernelFunc {
  return (args: Args) => {
    const { x } = args.inputs as { x: TensorInfo };
    const { axis, keepDims } = args.attrs as { axis: number | number[]; keepDims: boolean };
    const axes = tf.util.parseAxisParam(axis, x.shape).sort((a, b) => a - b);
    const leading = axes.every((value, index) => value === index) && axes.length < x.shape.length;
    if (x.dtype !== 'float32' || !leading || axes.length === 0) return delegate(stock, 'Sum', args);
    const backend = wasmBackendOf(args.backend);
    const kept = x.shape.slice(axes.length);
    const columns = kept.reduce((a, b) => a * b, 1);
    const rows = tf.util.sizeFromShape(x.shape) / columns;
    const ops = new WasmOps(backend);
    try {
      // XNNPACK's average pooling over a [rows, 1] window is a threaded column sum (divided by rows).
      const pooled = ops.run(
        'AvgPool',
        { x: ops.reshape(x, [1, rows, 1, columns]) },
        { filterSize: [rows, 1], strides: [1, 1], pad: 'valid' },
      );
      const out = backend.makeOutput(keepDims ? [...axes.map(() => 1), ...kept] : kept, 'float32');
      const means = backend.typedArrayFromHeap(pooled);
      const target = backend.typedArrayFromHeap(out);
      for (let column = 0; column < columns; column++) target[column] = means[column] * rows;
      return out;
    } finally {
      ops.dispose();
    }
  };
}

function isLastAxis(axis: number, rank: number): boolean {
  return axis === rank - 1 || axis === -1;
}

/**
 * Equal widths (the U-Net's [upsampled, skip] gradient): separating the channels is one
 * [rows, parts, width] -> [parts, rows, width] transpose in WASM plus contiguous copies, measured faster
 * than the row loop. (For Concat the row loop measured faster than the reverse transpose.)
 */
function deinterleave(backend: ReturnType<typeof wasmBackendOf>, x: TensorInfo, parts: number): TensorInfo[] {
  const width = x.shape[x.shape.length - 1] / parts;
  const size = tf.util.sizeFromShape(x.shape) / parts;
  const ops = new WasmOps(backend);
  try {
    const separated = backend.typedArrayFromHeap(ops.transpose(ops.reshape(x, [size / width, parts, width]), [1, 0, 2]));
    return Array.from({ length: parts }, (_, index) => {
      const out = backend.makeOutput([...x.shape.slice(0, -1), width], 'float32');
      backend.typedArrayFromHeap(out).set(separated.subarray(index * size, (index + 1) * size));
      return out;
    });
  } finally {
    ops.dispose();
  }
}

function createConcat(stock: Stock): KernelFunc {
  return (args: Args) => {
    const inputs = args.inputs as unknown as TensorInfo[];
    const { axis } = args.attrs as { axis: number };
    const rank = inputs[0].shape.length;
    const axisIndex = tf.util.parseAxisParam(axis, inputs[0].shape)[0];
    const usable = rank >= 2 && isLastAxis(axisIndex, rank) && inputs.every((t) => t.dtype === 'float32');
    if (!usable) return delegate(stock, 'Concat', args);
    const backend = wasmBackendOf(args.backend);
    const widths = inputs.map((t) => t.shape[rank - 1]);
    const total = widths.reduce((a, b) => a + b, 0);
    const rows = tf.util.sizeFromShape(inputs[0].shape) / widths[0];
    const out = backend.makeOutput([...inputs[0].shape.slice(0, -1), total], 'float32');
    const target = backend.typedArrayFromHeap(out);
    let start = 0;
    inputs.forEach((input, index) => {
      const source = backend.typedArrayFromHeap(input);
      const width = widths[index];
      for (let row = 0; row < rows; row++) {
        const from = row * width;
        const to = row * total + start;
        for (let column = 0; column < width; column++) target[to + column] = source[from + column];
      }
      start += width;
    });
    return out;
  };
}

function createSplitV(stock: Stock): KernelFunc {
  return (args: Args) => {
    const { x } = args.inputs as { x: TensorInfo };
    const { numOrSizeSplits, axis } = args.attrs as { numOrSizeSplits: number | number[]; axis: number };
    const rank = x.shape.length;
    const axisIndex = tf.util.parseAxisParam(axis, x.shape)[0];
    if (rank < 2 || !isLastAxis(axisIndex, rank) || x.dtype !== 'float32') return delegate(stock, 'SplitV', args);
    const backend = wasmBackendOf(args.backend);
    const total = x.shape[rank - 1];
    const widths = tf.backend_util.prepareSplitSize(x as unknown as tf.Tensor, numOrSizeSplits, axisIndex);
    const rows = tf.util.sizeFromShape(x.shape) / total;
    if (widths.every((width) => width === widths[0])) return deinterleave(backend, x, widths.length);
    const outs = widths.map((width) => backend.makeOutput([...x.shape.slice(0, -1), width], 'float32'));
    const source = backend.typedArrayFromHeap(x);
    let start = 0;
    outs.forEach((out, index) => {
      const target = backend.typedArrayFromHeap(out);
      const width = widths[index];
      for (let row = 0; row < rows; row++) {
        const from = row * total + start;
        const to = row * width;
        for (let column = 0; column < width; column++) target[to + column] = source[from + column];
      }
      start += width;
    });
    return outs;
  };
}

type Floats = ReturnType<ReturnType<typeof wasmBackendOf>['typedArrayFromHeap']>;

/** The U-Net's pooling (2x2, stride 2, no padding) unrolled: 4 reads per output, no bounds checks. */
function maxPoolGrad2x2(
  x: Floats,
  gradient: Floats,
  dx: Floats,
  shape: { batch: number; height: number; outHeight: number; outWidth: number; width: number; channels: number },
): void {
  const { batch, height, outHeight, outWidth, width, channels } = shape;
  const rowStride = width * channels;
  let outIndex = 0;
  for (let row = 0; row < batch * outHeight; row++) {
    // Odd sizes drop the last input row/column ('valid'), so rows map through n and oy separately.
    const n = Math.floor(row / outHeight);
    let first = (n * height + 2 * (row - n * outHeight)) * rowStride;
    for (let ox = 0; ox < outWidth; ox++, first += channels) {
      for (let c = 0; c < channels; c++, first++, outIndex++) {
        let best = first;
        if (x[first + channels] > x[best]) best = first + channels;
        if (x[first + rowStride] > x[best]) best = first + rowStride;
        if (x[first + rowStride + channels] > x[best]) best = first + rowStride + channels;
        dx[best] = gradient[outIndex];
      }
    }
  }
}

/**
 * Max-pool gradient: each window's gradient goes to its first maximum (row-major order, strict '>',
 * padding excluded), exactly as TF.js's CPU backend does. The stock WASM kernel disagrees with the CPU
 * backend on padded borders; this one covers every NHWC float case.
 */
function maxPoolGrad(args: Args): TensorInfo {
  const { dy, input } = args.inputs as { dy: TensorInfo; input: TensorInfo };
  const { filterSize, strides, pad, dimRoundingMode } = args.attrs as {
    filterSize: number | [number, number];
    strides: number | [number, number];
    pad: 'valid' | 'same' | number;
    dimRoundingMode?: 'floor' | 'round' | 'ceil';
  };
  const info = tf.backend_util.computePool2DInfo(
    input.shape as [number, number, number, number],
    filterSize,
    strides,
    1,
    pad,
    dimRoundingMode,
  );
  const backend = wasmBackendOf(args.backend);
  const [batch, height, width, channels] = input.shape;
  const out = backend.makeOutput(input.shape, 'float32');
  const x = backend.typedArrayFromHeap(input);
  const gradient = backend.typedArrayFromHeap(dy);
  const dx = backend.typedArrayFromHeap(out);
  dx.fill(0);
  const { outHeight, outWidth, strideHeight, strideWidth, filterHeight, filterWidth } = info;
  const { top, bottom, left, right } = info.padInfo;
  if (filterHeight === 2 && filterWidth === 2 && strideHeight === 2 && strideWidth === 2 && top + bottom + left + right === 0) {
    maxPoolGrad2x2(x, gradient, dx, { batch, height, outHeight, outWidth, width, channels });
    return out;
  }
  let outIndex = 0;
  for (let n = 0; n < batch; n++) {
    for (let oy = 0; oy < outHeight; oy++) {
      const yStart = oy * strideHeight - info.padInfo.top;
      const yFrom = Math.max(0, yStart);
      const yTo = Math.min(height, yStart + filterHeight);
      for (let ox = 0; ox < outWidth; ox++) {
        const xStart = ox * strideWidth - info.padInfo.left;
        const xFrom = Math.max(0, xStart);
        const xTo = Math.min(width, xStart + filterWidth);
        for (let c = 0; c < channels; c++, outIndex++) {
          let best = -1;
          let bestValue = Number.NEGATIVE_INFINITY;
          for (let y = yFrom; y < yTo; y++) {
            for (let xx = xFrom, index = ((n * height + y) * width + xFrom) * channels + c; xx < xTo; xx++, index += channels) {
              if (x[index] > bestValue) {
                bestValue = x[index];
                best = index;
              }
            }
          }
          if (best >= 0) dx[best] += gradient[outIndex];
        }
      }
    }
  }
  return out;
}

export function createLayoutKernelConfigs(stock: (name: string) => Stock): KernelConfig[] {
  const wrap = (kernelName: string, kernelFunc: KernelFunc): KernelConfig => ({ kernelName, backendName: 'wasm', kernelFunc });
  return [
    wrap('Identity', identity as KernelFunc),
    wrap('Cast', createCast(stock('Cast'))),
    wrap('Sum', createSum(stock('Sum'))),
    wrap('Concat', createConcat(stock('Concat'))),
    wrap('SplitV', createSplitV(stock('SplitV'))),
    wrap('MaxPoolGrad', maxPoolGrad as KernelFunc),
  ];
}
