import * as tf from '@tensorflow/tfjs';
import type { TensorInfo, KernelConfig, KernelFunc, Conv2DBackpropFilterAttrs } from '@tensorflow/tfjs';
import { WasmOps, isNonOverlapping, wasmBackendOf } from './wasm-ops';

type Conv2DInfo = ReturnType<typeof tf.backend_util.computeConv2DInfo>;

/*
 * Filter gradient of a 2-D convolution (the WASM backend has none, so training fails without it):
 *   dW[ky, kx, ci, co] = sum over (n, oy, ox) of xPadded[n, oy*sh + ky*dh, ox*sw + kx*dw, ci] * dy[n, oy, ox, co]
 * The sum runs over N*Ho*Wo (65 536 terms at 128 px, batch 4): a GEMM with a huge inner dimension and a
 * tiny result. All GEMMs run as 1x1 convolutions, XNNPACK's threaded path.
 */

/**
 * Stride 1, the U-Net's 3x3 convolutions. With x channel-first ([ci, n, Hp, Wp]) and flattened over the
 * padded grid, the window of tap (ky, kx) is that flat row shifted by ky*Wp + kx: a contiguous view,
 * not a strided gather. dy is zero-padded onto the same grid, so the positions a shifted row drags in
 * (past the right/bottom edge, the next image or the next channel) are multiplied by zero. One GEMM per
 * tap, [ci, n*Hp*Wp] x [n*Hp*Wp, co], all sharing the same weights (dy), which XNNPACK packs once.
 */
function strideOne(ops: WasmOps, x: TensorInfo, dy: TensorInfo, info: Conv2DInfo): TensorInfo {
  const { batchSize, inChannels, outChannels, outHeight, outWidth, filterHeight, filterWidth } = info;
  const { dilationHeight, dilationWidth } = info;
  const { top, left } = info.padInfo;
  const paddedHeight = outHeight + (filterHeight - 1) * dilationHeight;
  const paddedWidth = outWidth + (filterWidth - 1) * dilationWidth;
  const inner = batchSize * paddedHeight * paddedWidth;
  // Channel-first first (a clean transpose of the unpadded tensor), then pad in that layout: whole rows
  // of pixels plus one extra zero channel, so the last channel's shifted row still lies inside the tensor.
  const channelFirst = ops.pad(ops.transpose(x, [3, 0, 1, 2]), [
    [0, 1],
    [0, 0],
    [top, paddedHeight - top - info.inHeight],
    [left, paddedWidth - left - info.inWidth],
  ]);
  const weights = ops.reshape(
    ops.pad(dy, [
      [0, 0],
      [0, paddedHeight - outHeight],
      [0, paddedWidth - outWidth],
      [0, 0],
    ]),
    [inner, outChannels],
  );
  const taps: TensorInfo[] = [];
  for (let ky = 0; ky < filterHeight; ky++) {
    for (let kx = 0; kx < filterWidth; kx++) {
      const shift = ky * dilationHeight * paddedWidth + kx * dilationWidth;
      taps.push(ops.matMul(ops.view(channelFirst, shift, [inChannels, inner]), weights));
    }
  }
  return ops.reshape(ops.concat(taps, 0), [filterHeight, filterWidth, inChannels, outChannels]);
}

/**
 * Kernel equal to stride, no padding (the gradient of the U-Net's 2x2 stride-2 transposed convolution):
 * the taps read disjoint pixels, so a space-to-depth transpose turns it into a single GEMM.
 */
function patchwise(ops: WasmOps, x: TensorInfo, dy: TensorInfo, info: Conv2DInfo): TensorInfo {
  const { batchSize, inChannels, outChannels, outHeight, outWidth, filterHeight, filterWidth } = info;
  const rows = batchSize * outHeight * outWidth;
  const grouped = ops.reshape(x, [batchSize * outHeight, filterHeight, outWidth, filterWidth * inChannels]);
  const patchesFirst = ops.reshape(ops.transpose(grouped, [1, 3, 0, 2]), [filterHeight * filterWidth * inChannels, rows]);
  const product = ops.matMul(patchesFirst, ops.reshape(dy, [rows, outChannels]));
  return ops.reshape(product, [filterHeight, filterWidth, inChannels, outChannels]);
}

/** Any stride, padding or dilation: one strided slice of channel-first x and one GEMM per tap. */
function general(ops: WasmOps, x: TensorInfo, dy: TensorInfo, info: Conv2DInfo): TensorInfo {
  const { batchSize, inChannels, outChannels, outHeight, outWidth, filterHeight, filterWidth } = info;
  const { strideHeight, strideWidth, dilationHeight, dilationWidth } = info;
  const rows = batchSize * outHeight * outWidth;
  const neededHeight = (outHeight - 1) * strideHeight + (filterHeight - 1) * dilationHeight + 1;
  const neededWidth = (outWidth - 1) * strideWidth + (filterWidth - 1) * dilationWidth + 1;
  const { top, left } = info.padInfo;
  const padded = ops.pad(x, [
    [0, 0],
    [top, Math.max(0, neededHeight - top - info.inHeight)],
    [left, Math.max(0, neededWidth - left - info.inWidth)],
    [0, 0],
  ]);
  const channelFirst = ops.transpose(padded, [3, 0, 1, 2]);
  const weights = ops.reshape(dy, [rows, outChannels]);
  const taps: TensorInfo[] = [];
  for (let ky = 0; ky < filterHeight; ky++) {
    for (let kx = 0; kx < filterWidth; kx++) {
      const y0 = ky * dilationHeight;
      const x0 = kx * dilationWidth;
      const slice = ops.stridedSlice(
        channelFirst,
        [0, 0, y0, x0],
        [inChannels, batchSize, y0 + (outHeight - 1) * strideHeight + 1, x0 + (outWidth - 1) * strideWidth + 1],
        [1, 1, strideHeight, strideWidth],
      );
      taps.push(ops.matMul(ops.reshape(slice, [inChannels, rows]), weights));
    }
  }
  return ops.reshape(ops.concat(taps, 0), [filterHeight, filterWidth, inChannels, outChannels]);
}

function conv2dBackpropFilter(args: Parameters<KernelFunc>[0]): TensorInfo {
  const { x, dy } = args.inputs as { x: TensorInfo; dy: TensorInfo };
  const attrs = args.attrs as unknown as Conv2DBackpropFilterAttrs;
  const info = tf.backend_util.computeConv2DInfo(
    x.shape as [number, number, number, number],
    attrs.filterShape,
    attrs.strides,
    1,
    attrs.pad,
    attrs.dimRoundingMode,
    false,
    tf.backend_util.convertConv2DDataFormat(attrs.dataFormat),
  );
  if (info.dataFormat !== 'channelsLast') throw new Error('Conv2DBackpropFilter on WASM supports NHWC only');
  const unitStride = info.strideHeight === 1 && info.strideWidth === 1;
  const nonOverlapping = isNonOverlapping(info);
  const ops = new WasmOps(wasmBackendOf(args.backend));
  try {
    const out = unitStride
      ? strideOne(ops, x, dy, info)
      : nonOverlapping
        ? patchwise(ops, x, dy, info)
        : general(ops, x, dy, info);
    return ops.keep(out);
  } finally {
    ops.dispose();
  }
}

export const conv2dBackpropFilterConfig: KernelConfig = {
  kernelName: 'Conv2DBackpropFilter',
  backendName: 'wasm',
  kernelFunc: conv2dBackpropFilter as unknown as KernelFunc,
};
