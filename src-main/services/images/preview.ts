import type { ImagePixels } from '../../../src-shared/api/images';
import { areaAverage } from '../../../src-shared/ml/area-average';
import { thumbnailSize } from './thumbnail';

type PixelData = ImagePixels['data'];

/**
 * A film's pixels area-averaged so that the longer side is at most `maxSidePx` (the aspect kept, never
 * enlarged: a film small enough already is returned as it is). Values stay modality values of the same
 * array type (integers rounded), so the viewer windows the preview as it windows the film.
 */
export function downsamplePixels(pixels: ImagePixels, maxSidePx: number): ImagePixels {
  const size = thumbnailSize(pixels.widthPx, pixels.heightPx, maxSidePx);
  if (size.widthPx === pixels.widthPx && size.heightPx === pixels.heightPx) return pixels;
  const count = size.widthPx * size.heightPx;
  const Kind = pixels.data.constructor as new (length: number) => PixelData;
  const integral = !(pixels.data instanceof Float32Array);
  const out = new Kind(count * pixels.channels);
  let min = Infinity;
  let max = -Infinity;
  for (let channel = 0; channel < pixels.channels; channel++) {
    const plane = pixels.channels === 1 ? pixels.data : planeOf(pixels, channel);
    const small = areaAverage({ widthPx: pixels.widthPx, heightPx: pixels.heightPx, data: plane }, size.widthPx, size.heightPx).data;
    for (let i = 0; i < count; i++) {
      const value = integral ? Math.round(small[i]) : small[i];
      out[i * pixels.channels + channel] = value;
      if (value < min) min = value;
      if (value > max) max = value;
    }
  }
  return { widthPx: size.widthPx, heightPx: size.heightPx, channels: pixels.channels, data: out, min: Number.isFinite(min) ? min : 0, max: Number.isFinite(max) ? max : 0, invert: pixels.invert };
}

function planeOf(pixels: ImagePixels, channel: number): Float32Array {
  const count = pixels.widthPx * pixels.heightPx;
  const plane = new Float32Array(count);
  for (let i = 0; i < count; i++) plane[i] = pixels.data[i * pixels.channels + channel];
  return plane;
}
