import type { PixelSpacing } from '../../../src-shared/api/images';
import { say } from '../../../src-shared/api/text';
import { PleuraError } from '../../../src-shared/api/result';
import { decodeImage, sniffImageKind } from '../images/decode';

/** What import needs to know about a file before it becomes a project image. */
export interface ProbedImage {
  kind: 'dicom' | 'raster';
  widthPx: number;
  heightPx: number;
  spacing: PixelSpacing | null;
}

/** True when the bytes carry DICOM Part 10's 'DICM' preamble marker. */
export function hasDicomMagic(bytes: Uint8Array): boolean {
  return bytes.length >= 132 && bytes[128] === 0x44 && bytes[129] === 0x49 && bytes[130] === 0x43 && bytes[131] === 0x4d;
}

/** The Media Storage SOP Class of a DICOMDIR (a directory record, not an image). */
const dicomDirSopClass = '1.2.840.10008.1.3.10';

/**
 * Checks a file can be opened before it becomes a project image, by decoding it with the same decoder
 * the viewer and the model use: a damaged JPEG or JPEG 2000 stream inside a DICOM file is refused at
 * import rather than discovered later. Throws PleuraError with the decoder's specific message.
 */
export async function probeImage(bytes: Uint8Array, name: string): Promise<ProbedImage> {
  const kind = sniffImageKind(bytes, name);
  if (kind === null) throw new PleuraError('unsupported', say('image.unreadableKind'));
  if (kind === 'dicom' && includesAscii(bytes.subarray(0, 1024), dicomDirSopClass)) {
    throw new PleuraError('unsupported', say('image.dicomdir'));
  }
  const { meta } = await decodeImage(bytes, { name });
  return { kind, widthPx: meta.widthPx, heightPx: meta.heightPx, spacing: meta.spacing };
}

function includesAscii(bytes: Uint8Array, text: string): boolean {
  outer: for (let i = 0; i + text.length <= bytes.length; i++) {
    for (let j = 0; j < text.length; j++) if (bytes[i + j] !== text.charCodeAt(j)) continue outer;
    return true;
  }
  return false;
}
