import * as tf from '@tensorflow/tfjs';
import type { TensorInfo, NamedAttrMap, NamedTensorInfoMap, KernelFunc } from '@tensorflow/tfjs';
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';

/**
 * Calls the WASM backend's own kernels at the TensorInfo level (no engine, no gradient tape), keeping
 * every intermediate result so one `dispose()` frees them all. Kernels that return a view (Reshape)
 * add a reference to the same data, so each result owns exactly one reference.
 */
interface WasmTensorData {
  id: number;
  memoryOffset: number;
}

export class WasmOps {
  private readonly temporaries: TensorInfo[] = [];
  private readonly views: TensorInfo[] = [];

  constructor(readonly backend: BackendWasm) {}

  run(kernelName: string, inputs: NamedTensorInfoMap, attrs: NamedAttrMap = {}): TensorInfo {
    const config = tf.getKernel(kernelName, 'wasm');
    if (!config) throw new Error(`the WASM backend has no ${kernelName} kernel`);
    const out = (config.kernelFunc as KernelFunc)({ inputs, backend: this.backend, attrs }) as TensorInfo;
    this.temporaries.push(out);
    return out;
  }

  /** Takes a result out of the disposal list: the caller (the engine) owns it. */
  keep(info: TensorInfo): TensorInfo {
    const index = this.temporaries.lastIndexOf(info);
    if (index >= 0) this.temporaries.splice(index, 1);
    return info;
  }

  /**
   * A tensor that aliases `length` elements of x starting at `offset` (no copy). Only for reading inside
   * one kernel call: it must not outlive x, and the engine must never see it.
   */
  view(x: TensorInfo, offset: number, shape: number[]): TensorInfo {
    const data = this.backend.dataIdMap.get(x.dataId) as unknown as WasmTensorData;
    const bytesPerElement = 4;
    const out = this.backend.makeOutput(shape, x.dtype, data.memoryOffset + offset * bytesPerElement);
    this.views.push(out);
    return out;
  }

  dispose(): void {
    // Views first, and without freeing: their memory belongs to another tensor.
    for (const info of this.views) {
      const data = this.backend.dataIdMap.get(info.dataId) as unknown as WasmTensorData;
      (this.backend.wasm as unknown as { tfjs: { disposeData(id: number): void } }).tfjs.disposeData(data.id);
      this.backend.dataIdMap.delete(info.dataId);
    }
    this.views.length = 0;
    for (const info of this.temporaries) this.backend.disposeData(info.dataId);
    this.temporaries.length = 0;
  }

  reshape(x: TensorInfo, shape: number[]): TensorInfo {
    return this.run('Reshape', { x }, { shape });
  }

  transpose(x: TensorInfo, perm: number[]): TensorInfo {
    return this.run('Transpose', { x }, { perm });
  }

  pad(x: TensorInfo, paddings: [number, number][]): TensorInfo {
    if (paddings.every(([before, after]) => before === 0 && after === 0)) return this.reshape(x, x.shape);
    return this.run('PadV2', { x }, { paddings, constantValue: 0 });
  }

  stridedSlice(x: TensorInfo, begin: number[], end: number[], strides: number[]): TensorInfo {
    return this.run(
      'StridedSlice',
      { x },
      { begin, end, strides, beginMask: 0, endMask: 0, ellipsisMask: 0, newAxisMask: 0, shrinkAxisMask: 0 },
    );
  }

  concat(values: TensorInfo[], axis: number): TensorInfo {
    if (values.length === 1) return this.reshape(values[0], values[0].shape);
    return this.run('Concat', values as unknown as NamedTensorInfoMap, { axis });
  }

  /**
   * Flips a filter [kh, kw, a, b] spatially. Tap (ky, kx) goes to (kh-1-ky, kw-1-kx), which reverses the
   * flattened tap index, so it is kh*kw block copies (the backend's Reverse goes element by element).
   */
  reverseTaps(filter: TensorInfo): TensorInfo {
    const [height, width, a, b] = filter.shape;
    const taps = height * width;
    const block = a * b;
    const out = this.backend.makeOutput(filter.shape, 'float32');
    this.temporaries.push(out);
    const source = this.backend.typedArrayFromHeap(filter);
    const target = this.backend.typedArrayFromHeap(out);
    for (let tap = 0; tap < taps; tap++) {
      target.set(source.subarray(tap * block, (tap + 1) * block), (taps - 1 - tap) * block);
    }
    return out;
  }

  /** XNNPACK convolution (multi-threaded); pads are [top, bottom, left, right] in pixels. */
  conv2d(
    x: TensorInfo,
    filter: TensorInfo,
    options: { strides?: [number, number]; pads?: [number, number, number, number] } = {},
  ): TensorInfo {
    const [top, bottom, left, right] = options.pads ?? [0, 0, 0, 0];
    return this.run(
      'Conv2D',
      { x, filter },
      {
        strides: options.strides ?? [1, 1],
        pad: [
          [0, 0],
          [top, bottom],
          [left, right],
          [0, 0],
        ],
        dataFormat: 'NHWC',
        dilations: [1, 1],
      },
    );
  }

  /**
   * a [rows, inner] times b [inner, columns]. Untransposed, unbatched BatchMatMul is XNNPACK's fully
   * connected operator (b packed once per b tensor), several times faster than a 1x1 convolution when
   * the inner dimension is huge.
   */
  matMul(a: TensorInfo, b: TensorInfo): TensorInfo {
    const [rows, inner] = a.shape;
    const columns = b.shape[1];
    const product = this.run(
      'BatchMatMul',
      { a: this.reshape(a, [1, rows, inner]), b: this.reshape(b, [1, inner, columns]) },
      { transposeA: false, transposeB: false },
    );
    return this.reshape(product, [rows, columns]);
  }
}

/** The WASM backend as its class, for kernels that receive it as `{}`. */
export function wasmBackendOf(backend: unknown): BackendWasm {
  return backend as BackendWasm;
}

/**
 * True when the kernel tiles the input exactly (kernel = stride, no padding, sizes divide): then the
 * convolution and both its gradients are one matrix product plus a depth-to-space rearrangement.
 */
export function isNonOverlapping(info: tf.backend_util.Conv2DInfo): boolean {
  const { top, bottom, left, right } = info.padInfo;
  return (
    info.filterHeight === info.strideHeight &&
    info.filterWidth === info.strideWidth &&
    top + bottom + left + right === 0 &&
    info.inHeight === info.outHeight * info.strideHeight &&
    info.inWidth === info.outWidth * info.strideWidth
  );
}
