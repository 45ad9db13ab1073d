import { resampleBilinear } from '../../../src-shared/imaging/resample';

/**
 * Resampling used to bring images and masks to the network's input size. Images are resized bilinearly
 * with half-pixel centres (as OpenCV INTER_LINEAR and ONNX Resize 'half_pixel'), so training sees the same
 * pixels as inference; masks are area-averaged and thresholded at one half, which keeps thin structures
 * that nearest neighbour would drop or alias.
 */

/** Bilinear resize of a one-channel image (any value range): the shared resampler inference uses too. */
export function resizeBilinear(
  source: ArrayLike<number>,
  widthPx: number,
  heightPx: number,
  outWidthPx: number,
  outHeightPx: number,
): Float32Array {
  const data = source instanceof Float32Array ? source : Float32Array.from(source);
  return resampleBilinear({ widthPx, heightPx, data }, { widthPx: outWidthPx, heightPx: outHeightPx }).data;
}

/**
 * Area-average resize of a binary mask (nonzero = foreground) then threshold at 0.5: each output pixel
 * is foreground when at least half of the source area it covers is. Returns 0/1 values.
 */
export function resizeMaskArea(
  source: ArrayLike<number>,
  widthPx: number,
  heightPx: number,
  outWidthPx: number,
  outHeightPx: number,
): Uint8Array {
  const out = new Uint8Array(outWidthPx * outHeightPx);
  const scaleX = widthPx / outWidthPx;
  const scaleY = heightPx / outHeightPx;
  for (let y = 0; y < outHeightPx; y++) {
    const top = y * scaleY;
    const bottom = (y + 1) * scaleY;
    for (let x = 0; x < outWidthPx; x++) {
      const left = x * scaleX;
      const right = (x + 1) * scaleX;
      let covered = 0;
      let area = 0;
      for (let sy = Math.floor(top); sy < Math.min(heightPx, Math.ceil(bottom)); sy++) {
        const h = Math.min(bottom, sy + 1) - Math.max(top, sy);
        for (let sx = Math.floor(left); sx < Math.min(widthPx, Math.ceil(right)); sx++) {
          const w = Math.min(right, sx + 1) - Math.max(left, sx);
          area += w * h;
          if (source[sy * widthPx + sx] !== 0) covered += w * h;
        }
      }
      out[y * outWidthPx + x] = area > 0 && covered * 2 >= area ? 1 : 0;
    }
  }
  return out;
}
