/** A single-channel image, row-major. Used for model inputs (Float32) and masks/thumbnails (Uint8). */
export interface GreyImage<T extends Float32Array | Uint8Array = Float32Array | Uint8Array> {
  widthPx: number;
  heightPx: number;
  data: T;
}

/** Target size, with an optional reused output buffer of `widthPx * heightPx` elements. */
export interface ResizeTarget<T> {
  widthPx: number;
  heightPx: number;
  out?: T;
}

function output<T extends Float32Array | Uint8Array>(image: GreyImage<T>, target: ResizeTarget<T>): T {
  const length = target.widthPx * target.heightPx;
  if (!(target.widthPx >= 1 && target.heightPx >= 1)) throw new RangeError(`Bad target size ${target.widthPx}x${target.heightPx}`);
  if (image.data.length < image.widthPx * image.heightPx || image.widthPx < 1 || image.heightPx < 1) {
    throw new RangeError(`Image data holds ${image.data.length} values; ${image.widthPx}x${image.heightPx} needs more`);
  }
  if (target.out) {
    if (target.out.length < length) throw new RangeError(`Output buffer holds ${target.out.length} values; ${length} are needed`);
    return target.out;
  }
  return (image.data instanceof Float32Array ? new Float32Array(length) : new Uint8Array(length)) as T;
}

/**
 * Bilinear resampling with pixel-centre alignment (`align_corners = false`, as OpenCV's INTER_LINEAR,
 * PIL and torch interpolate): output pixel centre x maps to `(x + 0.5) * srcW / dstW - 0.5`, clamped to
 * the edge. Uint8 output is rounded. No antialiasing: for strong downscales, downscale in steps.
 */
export function resampleBilinear<T extends Float32Array | Uint8Array>(image: GreyImage<T>, target: ResizeTarget<T>): GreyImage<T> {
  const out = output(image, target);
  const { widthPx: srcW, heightPx: srcH, data } = image;
  const { widthPx: dstW, heightPx: dstH } = target;
  const rounding = out instanceof Uint8Array;
  const scaleX = srcW / dstW;
  const scaleY = srcH / dstH;
  const x0s = new Int32Array(dstW);
  const x1s = new Int32Array(dstW);
  const fxs = new Float32Array(dstW);
  for (let x = 0; x < dstW; x++) {
    const sx = Math.min(srcW - 1, Math.max(0, (x + 0.5) * scaleX - 0.5));
    x0s[x] = Math.floor(sx);
    x1s[x] = Math.min(srcW - 1, x0s[x] + 1);
    fxs[x] = sx - x0s[x];
  }
  for (let y = 0; y < dstH; y++) {
    const sy = Math.min(srcH - 1, Math.max(0, (y + 0.5) * scaleY - 0.5));
    const y0 = Math.floor(sy);
    const y1 = Math.min(srcH - 1, y0 + 1);
    const fy = sy - y0;
    const row0 = y0 * srcW;
    const row1 = y1 * srcW;
    const rowOut = y * dstW;
    for (let x = 0; x < dstW; x++) {
      const fx = fxs[x];
      const top = data[row0 + x0s[x]] + (data[row0 + x1s[x]] - data[row0 + x0s[x]]) * fx;
      const bottom = data[row1 + x0s[x]] + (data[row1 + x1s[x]] - data[row1 + x0s[x]]) * fx;
      const value = top + (bottom - top) * fy;
      out[rowOut + x] = rounding ? Math.round(value) : value;
    }
  }
  return { widthPx: dstW, heightPx: dstH, data: out };
}

/**
 * Nearest-neighbour resize with pixel-centre alignment: source index `floor((x + 0.5) * srcW / dstW)`.
 * Keeps label values intact, so it is the one to use for masks (label 0 background, 1 right, 2 left lung).
 */
export function resizeNearest<T extends Float32Array | Uint8Array>(image: GreyImage<T>, target: ResizeTarget<T>): GreyImage<T> {
  const out = output(image, target);
  const { widthPx: srcW, heightPx: srcH, data } = image;
  const { widthPx: dstW, heightPx: dstH } = target;
  const xs = new Int32Array(dstW);
  for (let x = 0; x < dstW; x++) xs[x] = Math.min(srcW - 1, Math.floor(((x + 0.5) * srcW) / dstW));
  for (let y = 0; y < dstH; y++) {
    const row = Math.min(srcH - 1, Math.floor(((y + 0.5) * srcH) / dstH)) * srcW;
    const rowOut = y * dstW;
    for (let x = 0; x < dstW; x++) out[rowOut + x] = data[row + xs[x]];
  }
  return { widthPx: dstW, heightPx: dstH, data: out };
}
