import * as tf from '@tensorflow/tfjs';
import type { TensorInfo, KernelConfig, KernelFunc, Conv2DBackpropInputAttrs } from '@tensorflow/tfjs';
import { WasmOps, isNonOverlapping, wasmBackendOf } from './wasm-ops';

type Conv2DInfo = ReturnType<typeof tf.backend_util.computeConv2DInfo>;

/**
 * Stride 1: the input gradient is a 'full' correlation of dy with the spatially flipped filter whose
 * in/out channels are swapped, i.e. one forward XNNPACK convolution with adjusted padding.
 */
function strideOne(ops: WasmOps, dy: TensorInfo, filter: TensorInfo, info: Conv2DInfo): TensorInfo {
  const { filterHeight, filterWidth, inHeight, inWidth, outHeight, outWidth } = info;
  const { top, left } = info.padInfo;
  const flipped = ops.reverseTaps(ops.transpose(filter, [0, 1, 3, 2]));
  return ops.conv2d(dy, flipped, {
    pads: [filterHeight - 1 - top, inHeight - outHeight + top, filterWidth - 1 - left, inWidth - outWidth + left],
  });
}

/**
 * Kernel equal to stride without padding (the U-Net's 2x2 stride-2 transposed convolution): the
 * output patches do not overlap, so it is one GEMM dy [M, co] x W [co, kh*kw*ci] followed by a
 * depth-to-space rearrangement.
 */
function patchwise(ops: WasmOps, dy: TensorInfo, filter: TensorInfo, info: Conv2DInfo): TensorInfo {
  const { batchSize, inChannels, outChannels, outHeight, outWidth, filterHeight, filterWidth } = info;
  const patch = filterHeight * filterWidth * inChannels;
  const weights = ops.reshape(ops.transpose(filter, [3, 0, 1, 2]), [1, 1, outChannels, patch]);
  const patches = ops.conv2d(dy, weights);
  const rows = ops.reshape(patches, [batchSize * outHeight, outWidth, filterHeight, filterWidth * inChannels]);
  const interleaved = ops.transpose(rows, [0, 2, 1, 3]);
  return ops.reshape(interleaved, [batchSize, info.inHeight, info.inWidth, inChannels]);
}

export function createConv2dBackpropInputConfig(stock: KernelConfig | undefined): KernelConfig {
  const kernelFunc = (args: Parameters<KernelFunc>[0]): TensorInfo | TensorInfo[] => {
    const { dy, filter } = args.inputs as { dy: TensorInfo; filter: TensorInfo };
    const attrs = args.attrs as unknown as Conv2DBackpropInputAttrs;
    const info = tf.backend_util.computeConv2DInfo(
      attrs.inputShape,
      filter.shape as [number, number, number, number],
      attrs.strides,
      1,
      attrs.pad,
      attrs.dimRoundingMode,
      false,
      tf.backend_util.convertConv2DDataFormat(attrs.dataFormat),
    );
    const { top, left } = info.padInfo;
    const unitStride = info.strideHeight === 1 && info.strideWidth === 1;
    const paddingFits =
      info.filterHeight - 1 - top >= 0 &&
      info.filterWidth - 1 - left >= 0 &&
      info.inHeight - info.outHeight + top >= 0 &&
      info.inWidth - info.outWidth + left >= 0;
    const nonOverlapping = isNonOverlapping(info);
    const supported = info.dataFormat === 'channelsLast' && ((unitStride && paddingFits) || nonOverlapping);
    if (!supported) {
      if (!stock) throw new Error('Conv2DBackpropInput: this stride/padding has no WASM kernel');
      return (stock.kernelFunc as KernelFunc)(args);
    }
    const ops = new WasmOps(wasmBackendOf(args.backend));
    try {
      const out = unitStride ? strideOne(ops, dy, filter, info) : patchwise(ops, dy, filter, info);
      return ops.keep(out);
    } finally {
      ops.dispose();
    }
  };
  return { kernelName: 'Conv2DBackpropInput', backendName: 'wasm', kernelFunc: kernelFunc as KernelFunc };
}
