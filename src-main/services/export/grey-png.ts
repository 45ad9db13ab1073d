import sharp from 'sharp';
import type { LabelMask } from '../../../src-shared/api/masks';

/**
 * One byte per pixel as a single-channel 8-bit grey PNG. Without `toColourspace('b-w')` sharp writes
 * raw one-channel input as 8-bit RGB, which nnU-Net then reads as a three-channel label map.
 */
export function grey8Png(data: Uint8Array, widthPx: number, heightPx: number): Promise<Buffer> {
  return sharp(Buffer.from(data.buffer, data.byteOffset, data.byteLength), { raw: { width: widthPx, height: heightPx, channels: 1 } })
    .toColourspace('b-w')
    .png({ compressionLevel: 9 })
    .toBuffer();
}

/** A label mask as a grey PNG: labels 1/2 as they are, or binary 0/255 (`labels: false`). */
export function maskToPng(mask: LabelMask, options: { labels: boolean }): Promise<Buffer> {
  const pixels = new Uint8Array(mask.data.length);
  for (let i = 0; i < pixels.length; i++) pixels[i] = options.labels ? mask.data[i] : mask.data[i] ? 255 : 0;
  return grey8Png(pixels, mask.widthPx, mask.heightPx);
}
