import { PleuraError } from '../../../src-shared/api/result';

/** Largest side we open; chest X-rays are 2-4k, mammograms reach ~5k. Larger is a bomb or damage. */
export const MAX_SIDE_PX = 16384;
/** Largest pixel count of one frame (100 Mpx, ~400 MB as Float32). */
export const MAX_FRAME_PIXELS = 100_000_000;
/** Largest decoded size of all frames together (a multi-frame file is decoded one frame at a time). */
export const MAX_TOTAL_BYTES = 4 * 2 ** 30;

/**
 * Decompression-bomb guard, called before anything is allocated: rejects images whose header
 * declares absurd dimensions, with the numbers in the message.
 */
export function checkDimensions(name: string, size: { widthPx: number; heightPx: number; frames?: number; bytesPerPixel?: number }): void {
  const { widthPx, heightPx } = size;
  if (!Number.isInteger(widthPx) || !Number.isInteger(heightPx) || widthPx < 1 || heightPx < 1) {
    throw new PleuraError('corrupt', `"${name}" declares an image of ${widthPx} x ${heightPx} pixels, which is not a valid size.`);
  }
  if (widthPx > MAX_SIDE_PX || heightPx > MAX_SIDE_PX || widthPx * heightPx > MAX_FRAME_PIXELS) {
    throw new PleuraError(
      'unsupported',
      `"${name}" declares ${widthPx} x ${heightPx} pixels, more than Pleura opens safely (at most ${MAX_SIDE_PX} px a side and ${MAX_FRAME_PIXELS / 1e6} Mpx).`,
    );
  }
  const total = widthPx * heightPx * (size.frames ?? 1) * (size.bytesPerPixel ?? 1);
  if (total > MAX_TOTAL_BYTES) {
    throw new PleuraError('unsupported', `"${name}" declares ${size.frames} frames of ${widthPx} x ${heightPx} pixels (${Math.round(total / 2 ** 20)} MiB), more than Pleura opens safely.`);
  }
}
