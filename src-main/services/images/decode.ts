import type { ImageMeta, ImagePixels } from '../../../src-shared/api/images';
import { PleuraError } from '../../../src-shared/api/result';
import { say } from '../../../src-shared/api/text';
import { decodeDicom, readDicomImageMeta } from './dicom/decode-dicom';
import { looksLikeDicom } from './dicom/parse';
import { decodeRaster, readRasterMeta } from './raster';

/** One decoded frame with its metadata. Grey pixels are modality-LUT values at full depth. */
export interface DecodedImage {
  meta: Omit<ImageMeta, 'imageId'>;
  pixels: ImagePixels;
  frame: number;
}

function startsWith(bytes: Uint8Array, signature: number[], offset = 0): boolean {
  return bytes.length >= offset + signature.length && signature.every((byte, i) => bytes[offset + i] === byte);
}

/**
 * What kind of image the bytes hold, from their signature (the name only breaks ties for DICOM):
 * 'dicom', 'raster' (PNG, JPEG, TIFF, and the other formats sharp reads) or null.
 */
export function sniffImageKind(bytes: Uint8Array, name: string): 'dicom' | 'raster' | null {
  if (startsWith(bytes, [0x44, 0x49, 0x43, 0x4d], 128)) return 'dicom';
  if (
    startsWith(bytes, [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]) || // PNG
    startsWith(bytes, [0xff, 0xd8, 0xff]) || // JPEG
    startsWith(bytes, [0x49, 0x49, 0x2a, 0x00]) || startsWith(bytes, [0x4d, 0x4d, 0x00, 0x2a]) || // TIFF
    startsWith(bytes, [0x42, 0x4d]) || // BMP
    startsWith(bytes, [0x47, 0x49, 0x46, 0x38]) || // GIF
    (startsWith(bytes, [0x52, 0x49, 0x46, 0x46]) && startsWith(bytes, [0x57, 0x45, 0x42, 0x50], 8)) // WebP
  ) {
    return 'raster';
  }
  if (looksLikeDicom(bytes)) return 'dicom';
  return /\.(dcm|dicom|dic)$/i.test(name) ? 'dicom' : null;
}

function kindOf(bytes: Uint8Array, name: string): 'dicom' | 'raster' {
  if (bytes.length === 0) throw new PleuraError('corrupt', say('image.empty', { name }));
  const kind = sniffImageKind(bytes, name);
  if (!kind) throw new PleuraError('unsupported', say('image.notAnImage', { name }));
  return kind;
}

/**
 * Metadata without decoding pixels (cheap: DICOM header parse, or the raster header). Rejects what
 * {@link decodeImage} would reject for the file as a whole (not an image, no pixel data, absurd size,
 * unsupported transfer syntax), so an import can refuse it early.
 */
export async function readImageMeta(bytes: Uint8Array, options: { name: string }): Promise<Omit<ImageMeta, 'imageId'>> {
  return kindOf(bytes, options.name) === 'dicom' ? readDicomImageMeta(bytes, options.name) : readRasterMeta(bytes, options.name);
}

/**
 * Decodes one frame (default 0) of a DICOM or raster image to full-depth pixels plus metadata.
 * @throws PleuraError with a specific, user-readable message: not an image, truncated, no pixel data,
 *   unsupported transfer syntax, absurd dimensions, damaged codestream or PNG/JPEG, frame out of range.
 */
export async function decodeImage(bytes: Uint8Array, options: { name: string; frame?: number }): Promise<DecodedImage> {
  const frame = options.frame ?? 0;
  if (kindOf(bytes, options.name) === 'dicom') {
    const { meta, pixels } = await decodeDicom(bytes, options.name, frame);
    return { meta, pixels, frame };
  }
  if (frame !== 0) {
    throw new PleuraError('invalid-argument', say('image.oneFrame', { name: options.name, frame }));
  }
  const { meta, pixels } = await decodeRaster(bytes, options.name);
  return { meta, pixels, frame };
}
