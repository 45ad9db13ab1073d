import sharp from 'sharp';
import type { ImageMeta, ImagePixels } from '../../../src-shared/api/images';
import { PleuraError } from '../../../src-shared/api/result';
import { say } from '../../../src-shared/api/text';
import { checkDimensions, MAX_FRAME_PIXELS } from './limits';

/** EXIF orientations 5-8 swap width and height once applied. */
function swapsSides(orientation: number | undefined): boolean {
  return orientation !== undefined && orientation >= 5 && orientation <= 8;
}

function corrupt(name: string, format: string | undefined, error: unknown): PleuraError {
  const detail = error instanceof Error ? error.message.split('\n')[0] : String(error);
  if (/pixel limit/i.test(detail)) {
    return new PleuraError('unsupported', say('image.tooLargeMpx', { name, maxMpx: Math.round(MAX_FRAME_PIXELS / 1e6) }));
  }
  if (/unsupported image format/i.test(detail)) return new PleuraError('unsupported', say('image.notOpenable', { name }));
  return new PleuraError('corrupt', format ? say('image.damagedFormat', { name, format: format.toUpperCase(), detail }) : say('image.damaged', { name, detail }));
}

async function rasterMetadata(bytes: Uint8Array, name: string): Promise<sharp.Metadata> {
  let metadata: sharp.Metadata;
  try {
    metadata = await sharp(bytes, { limitInputPixels: MAX_FRAME_PIXELS }).metadata();
  } catch (error) {
    throw corrupt(name, undefined, error);
  }
  if (!metadata.width || !metadata.height) throw new PleuraError('corrupt', say('image.noSize', { name }));
  // what decodeRaster will allocate: one (grey) or three (RGB) samples of one or two bytes per pixel
  checkDimensions(name, { widthPx: metadata.width, heightPx: metadata.height, bytesPerPixel: (isGrey(metadata) ? 1 : 3) * (is16Bit(metadata) ? 2 : 1) });
  return metadata;
}

function isGrey(metadata: sharp.Metadata): boolean {
  const colourChannels = (metadata.channels ?? 3) - (metadata.hasAlpha ? 1 : 0);
  return colourChannels === 1 || metadata.space === 'b-w' || metadata.space === 'grey16';
}

function is16Bit(metadata: sharp.Metadata): boolean {
  return metadata.depth === 'ushort' || metadata.depth === 'short' || (metadata.bitsPerSample ?? 8) > 8;
}

function metaFrom(metadata: sharp.Metadata): Omit<ImageMeta, 'imageId'> {
  const swap = swapsSides(metadata.orientation);
  return {
    kind: 'raster',
    widthPx: swap ? metadata.height! : metadata.width!,
    heightPx: swap ? metadata.width! : metadata.height!,
    frames: 1,
    photometric: isGrey(metadata) ? 'MONOCHROME2' : 'RGB',
    bitsStored: is16Bit(metadata) ? 16 : 8,
    spacing: null,
    windows: [],
    voiLut: null,
  };
}

/** The raw samples of sharp's output as 8- or 16-bit words; viewed in place when aligned. */
function samplesOf(buffer: Buffer, deep: boolean): Uint8Array | Uint16Array {
  if (!deep) return new Uint8Array(buffer.buffer, buffer.byteOffset, buffer.length);
  const words = Math.floor(buffer.length / 2);
  if (buffer.byteOffset % 2 === 0) return new Uint16Array(buffer.buffer, buffer.byteOffset, words);
  return new Uint16Array(buffer.buffer.slice(buffer.byteOffset, buffer.byteOffset + 2 * words));
}

/** Metadata of a PNG/JPEG/TIFF from its header only (size after EXIF orientation, grey or RGB, depth). */
export async function readRasterMeta(bytes: Uint8Array, name: string): Promise<Omit<ImageMeta, 'imageId'>> {
  return metaFrom(await rasterMetadata(bytes, name));
}

/**
 * Decodes a PNG (8/16-bit), JPEG or TIFF with sharp, EXIF orientation applied, alpha dropped. Grey
 * images stay one channel; 16-bit images keep 16 bits. Raster images have no spacing.
 */
export async function decodeRaster(bytes: Uint8Array, name: string): Promise<{ meta: Omit<ImageMeta, 'imageId'>; pixels: ImagePixels }> {
  const metadata = await rasterMetadata(bytes, name);
  const meta = metaFrom(metadata);
  const grey = meta.photometric === 'MONOCHROME2';
  const deep = meta.bitsStored === 16;
  let result: { data: Buffer; info: sharp.OutputInfo };
  try {
    let pipeline = sharp(bytes, { limitInputPixels: MAX_FRAME_PIXELS, failOn: 'error' }).rotate().removeAlpha();
    pipeline = grey ? pipeline.toColourspace(deep ? 'grey16' : 'b-w') : pipeline.toColourspace(deep ? 'rgb16' : 'srgb');
    result = await pipeline.raw({ depth: deep ? 'ushort' : 'uchar' }).toBuffer({ resolveWithObject: true });
  } catch (error) {
    throw corrupt(name, metadata.format, error);
  }
  const { info, data: buffer } = result;
  const channels = info.channels === 1 ? 1 : 3;
  const count = info.width * info.height * channels;
  const source = samplesOf(buffer, deep);
  // sharp's output buffer is the pixel array itself when its layout is already ours: no second copy
  let data: Uint8Array | Uint16Array;
  if (info.channels === channels && source.length >= count) data = source.subarray(0, count);
  else {
    data = deep ? new Uint16Array(count) : new Uint8Array(count);
    for (let i = 0, o = 0; o < count; i += info.channels, o += channels) for (let c = 0; c < channels; c++) data[o + c] = source[i + c];
  }
  let min = Infinity;
  let max = -Infinity;
  for (let i = 0; i < data.length; i++) {
    if (data[i] < min) min = data[i];
    if (data[i] > max) max = data[i];
  }
  return {
    meta: { ...meta, widthPx: info.width, heightPx: info.height, photometric: channels === 1 ? 'MONOCHROME2' : 'RGB' },
    pixels: { widthPx: info.width, heightPx: info.height, channels, data, min, max, invert: false },
  };
}
