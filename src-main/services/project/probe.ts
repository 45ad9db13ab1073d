import sharp from 'sharp';
import dicomParser from 'dicom-parser';
import type { PixelSpacing } from '../../../src-shared/api/images';
import { PleuraError } from '../../../src-shared/api/result';

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

const rasterMagic: [string, number[]][] = [
  ['png', [0x89, 0x50, 0x4e, 0x47]],
  ['jpeg', [0xff, 0xd8, 0xff]],
  ['tiff', [0x49, 0x49, 0x2a, 0x00]],
  ['tiff', [0x4d, 0x4d, 0x00, 0x2a]],
  ['bmp', [0x42, 0x4d]],
  ['webp', [0x52, 0x49, 0x46, 0x46]],
  ['gif', [0x47, 0x49, 0x46]],
];

/** The kind of image the bytes look like, by content (never by name alone); null if neither. */
export function sniffKind(bytes: Uint8Array, name: string): 'dicom' | 'raster' | null {
  if (hasDicomMagic(bytes)) return 'dicom';
  if (rasterMagic.some(([, magic]) => magic.every((b, i) => bytes[i] === b))) return 'raster';
  // Old DICOM files without a preamble start with a group 0008 tag; trust the extension then.
  if (/\.(dcm|dicom)$/i.test(name) && bytes.length > 8 && bytes[0] === 0x08 && bytes[1] === 0x00) return 'dicom';
  return null;
}

/** The Media Storage SOP Class of a DICOMDIR (a directory record, not an image). */
export const dicomDirSopClass = '1.2.840.10008.1.3.10';

/**
 * Reads enough of a file to import it and checks it can be decoded: raster images are fully decoded
 * (sharp); DICOM files are parsed and must carry pixel data of plausible size. Throws
 * PleuraError('unsupported' | 'corrupt') with a message for the user.
 */
export async function probeImage(bytes: Uint8Array, name: string): Promise<ProbedImage> {
  const kind = sniffKind(bytes, name);
  if (kind === null) throw new PleuraError('unsupported', 'Not an image Pleura can read (expected DICOM, PNG, JPEG, TIFF, BMP or WebP).');
  return kind === 'dicom' ? probeDicom(bytes) : probeRaster(bytes);
}

async function probeRaster(bytes: Uint8Array): Promise<ProbedImage> {
  try {
    const image = sharp(bytes, { failOn: 'error', limitInputPixels: 20_000 * 20_000 });
    const { info } = await image.raw().toBuffer({ resolveWithObject: true });
    return { kind: 'raster', widthPx: info.width, heightPx: info.height, spacing: null };
  } catch (error) {
    throw new PleuraError('corrupt', `The image file is damaged or incomplete (${firstLine(error)}).`);
  }
}

function probeDicom(bytes: Uint8Array): ProbedImage {
  let dataSet: dicomParser.DataSet;
  try {
    dataSet = dicomParser.parseDicom(bytes);
  } catch (error) {
    throw new PleuraError('corrupt', `The DICOM file is damaged or incomplete (${firstLine(error)}).`);
  }
  if (dataSet.string('x00020002') === dicomDirSopClass) throw new PleuraError('unsupported', 'This is a DICOMDIR index, not an image.');
  const rows = dataSet.uint16('x00280010') ?? 0;
  const columns = dataSet.uint16('x00280011') ?? 0;
  const pixelData = dataSet.elements.x7fe00010;
  if (!pixelData) throw new PleuraError('unsupported', 'The DICOM file has no pixel data (not an image).');
  if (!rows || !columns) throw new PleuraError('corrupt', 'The DICOM file has no valid image size (Rows/Columns).');
  const bitsAllocated = dataSet.uint16('x00280100') ?? 0;
  const samples = dataSet.uint16('x00280002') ?? 1;
  const encapsulated = !!pixelData.encapsulatedPixelData || pixelData.length === 0xffffffff;
  if (!encapsulated && bitsAllocated && pixelData.length < (rows * columns * samples * bitsAllocated) / 8) {
    throw new PleuraError('corrupt', 'The DICOM pixel data is shorter than the image size says (truncated file).');
  }
  if (pixelData.dataOffset + (encapsulated ? 0 : pixelData.length) > bytes.length) throw new PleuraError('corrupt', 'The DICOM file is truncated.');
  return { kind: 'dicom', widthPx: columns, heightPx: rows, spacing: dicomSpacing(dataSet) };
}

function dicomSpacing(dataSet: dicomParser.DataSet): PixelSpacing | null {
  const read = (tag: string): [number, number] | null => {
    const text = dataSet.string(tag);
    const values = text?.split('\\').map(Number);
    return values && values.length >= 2 && values.every((v) => Number.isFinite(v) && v > 0) ? [values[0], values[1]] : null;
  };
  const pixel = read('x00280030');
  if (pixel) return { rowMm: pixel[0], colMm: pixel[1], source: 'pixel-spacing', label: 'PixelSpacing' };
  const imager = read('x00181164');
  if (imager) return { rowMm: imager[0], colMm: imager[1], source: 'imager', label: 'detector plane, uncalibrated' };
  return null;
}

function firstLine(error: unknown): string {
  const text = error instanceof Error ? error.message : String(error);
  return text.split('\n')[0].slice(0, 160);
}
