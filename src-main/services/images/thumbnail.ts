import type { ImageMeta, ImagePixels, Thumbnail } from '../../../src-shared/api/images';
import { toGrey8 } from '../../../src-shared/imaging';
import { resizeForModel } from '../../../src-shared/ml/preprocess';

/**
 * The thumbnail's size: the film's aspect kept, longer side `maxSidePx`, never enlarged, at least 1 px.
 */
export function thumbnailSize(widthPx: number, heightPx: number, maxSidePx: number): { widthPx: number; heightPx: number } {
  const scale = Math.min(1, maxSidePx / Math.max(widthPx, heightPx));
  return { widthPx: Math.max(1, Math.round(widthPx * scale)), heightPx: Math.max(1, Math.round(heightPx * scale)) };
}

/**
 * A film's thumbnail: the viewer's default display (window or VOI LUT, MONOCHROME1 inverted, RGB as
 * luminance) at 8 bits, area-averaged down to {@link thumbnailSize}, so a list shows what the viewer shows.
 */
export function makeThumbnail(pixels: ImagePixels, meta: Pick<ImageMeta, 'windows' | 'voiLut'>, maxSidePx: number): Thumbnail {
  const grey = toGrey8(pixels, meta);
  const size = thumbnailSize(pixels.widthPx, pixels.heightPx, maxSidePx);
  const small = resizeForModel({ widthPx: pixels.widthPx, heightPx: pixels.heightPx, data: grey }, size.widthPx, size.heightPx).data;
  const data = new Uint8Array(small.length);
  for (let i = 0; i < small.length; i++) data[i] = Math.round(small[i]);
  return { ...size, data };
}

/**
 * Runs one task at a time: a queue of 200 films asking for thumbnails decodes them one after another,
 * so memory stays at one decoded film (the budget in limits.ts) however long the list is.
 */
export class SerialQueue {
  private tail: Promise<unknown> = Promise.resolve();

  run<T>(task: () => Promise<T>): Promise<T> {
    const result = this.tail.then(task, task);
    this.tail = result.catch(() => undefined);
    return result;
  }
}
