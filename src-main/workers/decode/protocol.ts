import type { ImageMeta, ImagePixels } from '../../../src-shared/api/images';
import type { ErrorCode } from '../../../src-shared/api/result';
import type { ServerText } from '../../../src-shared/api/text';

/**
 * Messages between the main thread and a decode worker. Every request carries an `id` and the file's
 * bytes (transferred: the worker owns them); the worker answers each with exactly one response of the
 * same id, failures as values, the pixels' buffer transferred back.
 */
export type DecodeRequest =
  /**
   * One frame decoded in full (decodeImage); with `previewMaxSidePx`, also its preview (downsamplePixels
   * of the full pixels, made in the same worker so the first paint waits for no second trip).
   */
  | { id: number; type: 'full'; bytes: Uint8Array; name: string; frame: number; previewMaxSidePx?: number }
  /** A grey JPEG 2000 film at a reduced resolution, longer side at most `maxSidePx` (null: not such a film). */
  | { id: number; type: 'reduced'; bytes: Uint8Array; name: string; maxSidePx: number };

export interface DecodedFrame {
  meta: Omit<ImageMeta, 'imageId'>;
  pixels: ImagePixels;
  frame: number;
  /** The full pixels area-averaged, when asked for and smaller than them (else the pixels are the preview). */
  preview?: ImagePixels;
}

export type DecodeResponse =
  | { id: number; ok: true; value: DecodedFrame | null }
  | { id: number; ok: false; code: ErrorCode; reason: string; text?: ServerText };
