import { PleuraError } from '../../../src-shared/api/result';
import { say } from '../../../src-shared/api/text';

/*
 * The memory budget: every number that bounds what one file or one request may cost, in one place.
 * The README's security section quotes these. The goal is that any single file or request stays under
 * 1.5 GB of process memory (resident peak), whatever its bytes say:
 *
 *   file bytes read (MAX_FILE_BYTES)                                  <= 256 MiB
 *   + inflated dataset of a deflated DICOM (header-bounded, one copy) <= 256 MiB + slack
 *   + decoded samples of one frame (MAX_FRAME_SAMPLE_BYTES)           <= 256 MiB
 *   + the widest pixel array made from them (Float32/Int32 per pixel) <= 4 bytes x 64 Mpx = 256 MiB
 *   ≈ 1 GiB worst case for the biggest legal file, plus the runtime (~150 MB).
 *
 * Per-request buffers: a dropped film reaches serve mode as a streamed HTTP upload (transport/upload.ts),
 * written to a temporary file in the project folder as it arrives (a few 64 KiB chunks in memory), at
 * most MAX_FILE_BYTES a film, MAX_CONCURRENT_UPLOADS at once, imported one at a time (so the per-file
 * worst case above is not multiplied). A WebSocket message is at most MAX_MESSAGE_BYTES, what the
 * largest normal request needs (a mask save of the largest image: one byte a pixel, 64 MiB), and all
 * messages being received or decoded at once share MAX_INFLIGHT_MESSAGE_BYTES, so that concurrent
 * large requests queue instead of adding up.
 */

/** Largest side we open; chest X-rays are 2-4k, mammograms reach ~5k. Larger is a bomb or damage. */
export const MAX_SIDE_PX = 16384;
/** Largest pixel count of one frame: 64 Mpx (8k x 8k), twice the largest detector in use. */
export const MAX_FRAME_PIXELS = 64 * 2 ** 20;
/** Largest decoded sample bytes of one frame (width x height x samples x bytes per sample). */
export const MAX_FRAME_SAMPLE_BYTES = 256 * 2 ** 20;
/** Largest decoded size of all frames together (a multi-frame file is decoded one frame at a time). */
export const MAX_TOTAL_BYTES = 1024 * 2 ** 20;
/** Largest image file read from disk or received as an upload: films are tens to hundreds of MB. */
export const MAX_FILE_BYTES = 256 * 2 ** 20;
/**
 * Bytes a deflated DICOM dataset may inflate to beyond what its pixel data needs: the attributes
 * before and after the pixel data (private tags, overlays, icons, signatures).
 */
export const INFLATE_SLACK_BYTES = 16 * 2 ** 20;
/** Largest inflated dataset at all; the header-derived bound is usually far smaller. */
export const MAX_INFLATED_BYTES = MAX_FILE_BYTES + INFLATE_SLACK_BYTES;
/** Largest JSON header of a WebSocket message (typed arrays travel after it, outside the JSON). */
export const MAX_MESSAGE_HEADER_BYTES = 8 * 2 ** 20;
/**
 * Largest WebSocket message: the label map of a mask save for the largest image opened (one byte a
 * pixel; a 4k x 4k film's is 16 MiB) plus the largest header. Films travel as uploads, not messages.
 */
export const MAX_MESSAGE_BYTES = MAX_FRAME_PIXELS + MAX_MESSAGE_HEADER_BYTES;
/** All WebSocket message bytes being received or decoded at once, over all connections. */
export const MAX_INFLIGHT_MESSAGE_BYTES = MAX_MESSAGE_BYTES + 64 * 2 ** 20;
/** Uploads (serve mode) being received or imported at once; more are refused (429) until one ends. */
export const MAX_CONCURRENT_UPLOADS = 4;
/** How long one upload may take from its first byte to its last (a 256 MiB film takes seconds). */
export const UPLOAD_TIMEOUT_MS = 300_000;
/** How long an upload may send nothing before it is given up (a client that stalls). */
export const UPLOAD_IDLE_MS = 30_000;
/** How long reading one file may take before it is given up (a stalled network share, a device). */
export const READ_TIMEOUT_MS = 60_000;

/**
 * Decompression-bomb guard, called before anything is allocated: rejects images whose header
 * declares absurd dimensions, with the numbers in the message. `bytesPerPixel` is samples x bytes per
 * sample of the decoded frame.
 */
export function checkDimensions(name: string, size: { widthPx: number; heightPx: number; frames?: number; bytesPerPixel?: number }): void {
  const { widthPx, heightPx } = size;
  if (!Number.isInteger(widthPx) || !Number.isInteger(heightPx) || widthPx < 1 || heightPx < 1) {
    throw new PleuraError('corrupt', say('image.invalidSize', { name, widthPx, heightPx }));
  }
  if (widthPx > MAX_SIDE_PX || heightPx > MAX_SIDE_PX || widthPx * heightPx > MAX_FRAME_PIXELS) {
    throw new PleuraError(
      'unsupported',
      say('image.tooLargeSides', { name, widthPx, heightPx, maxSide: MAX_SIDE_PX, maxMpx: Math.round(MAX_FRAME_PIXELS / 1e6) }),
    );
  }
  const frameBytes = widthPx * heightPx * (size.bytesPerPixel ?? 1);
  if (frameBytes > MAX_FRAME_SAMPLE_BYTES) {
    throw new PleuraError('unsupported', say('image.tooLargeFrameBytes', { name, widthPx, heightPx, bytesPerPixel: size.bytesPerPixel ?? 1, frameMiB: Math.round(frameBytes / 2 ** 20), maxMiB: MAX_FRAME_SAMPLE_BYTES / 2 ** 20 }));
  }
  const total = frameBytes * (size.frames ?? 1);
  if (total > MAX_TOTAL_BYTES) {
    throw new PleuraError('unsupported', say('image.tooLargeFrames', { name, frames: size.frames ?? 1, widthPx, heightPx, totalMiB: Math.round(total / 2 ** 20) }));
  }
}
