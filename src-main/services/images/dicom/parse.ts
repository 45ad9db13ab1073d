import dicomParser, { type DataSet } from 'dicom-parser';
import { PleuraError } from '../../../../src-shared/api/result';
import { say } from '../../../../src-shared/api/text';
import { inflateDataset } from './inflate';

export const IMPLICIT_LE = '1.2.840.10008.1.2';
export const EXPLICIT_LE = '1.2.840.10008.1.2.1';
export const DEFLATED_LE = '1.2.840.10008.1.2.1.99';
export const EXPLICIT_BE = '1.2.840.10008.1.2.2';

const VALUE_REPRESENTATIONS = new Set(
  'AE AS AT CS DA DS DT FD FL IS LO LT OB OD OF OL OV OW PN SH SL SQ SS ST SV TM UC UI UL UN UR US UT UV'.split(' '),
);

/** A parsed dataset and the transfer syntax its pixel data is encoded with. */
export interface ParsedDicom {
  dataSet: DataSet;
  transferSyntax: string;
}

function hasPrefixAt(bytes: Uint8Array, offset: number): boolean {
  return bytes.length >= offset + 4 && bytes[offset] === 0x44 && bytes[offset + 1] === 0x49 && bytes[offset + 2] === 0x43 && bytes[offset + 3] === 0x4d;
}

/**
 * How a dataset without the Part 10 preamble starts: explicit VR (a valid VR at bytes 4-5) or implicit
 * VR, little endian, with a plausible first group. Null when the bytes do not look like DICOM.
 */
function rawDatasetSyntax(bytes: Uint8Array): string | null {
  if (bytes.length < 12) return null;
  const group = bytes[0] | (bytes[1] << 8);
  if (group % 2 !== 0 || group < 0x0002 || group > 0x0028) return null;
  const vr = String.fromCharCode(bytes[4], bytes[5]);
  if (VALUE_REPRESENTATIONS.has(vr)) return EXPLICIT_LE;
  const length = (bytes[4] | (bytes[5] << 8) | (bytes[6] << 16)) + bytes[7] * 2 ** 24;
  return length < Math.min(bytes.length, 1024) ? IMPLICIT_LE : null;
}

/** True when the bytes look like DICOM: Part 10 (with or without preamble) or a bare dataset. */
export function looksLikeDicom(bytes: Uint8Array): boolean {
  return hasPrefixAt(bytes, 128) || hasPrefixAt(bytes, 0) || rawDatasetSyntax(bytes) !== null;
}

function message(error: unknown): string {
  if (typeof error === 'string') return error;
  if (error && typeof error === 'object' && 'exception' in error) return message((error as { exception: unknown }).exception);
  return error instanceof Error ? error.message : String(error);
}

/** Where the Pixel Data element starts in a dataset that was cut short, with its declared length. */
function findPixelDataHeader(bytes: Uint8Array, from: number): { valueOffset: number; length: number | null } | null {
  for (let i = Math.max(0, from); i + 8 <= bytes.length; i++) {
    const littleEndian = bytes[i] === 0xe0 && bytes[i + 1] === 0x7f && bytes[i + 2] === 0x10 && bytes[i + 3] === 0x00;
    const bigEndian = bytes[i] === 0x7f && bytes[i + 1] === 0xe0 && bytes[i + 2] === 0x00 && bytes[i + 3] === 0x10;
    if (!littleEndian && !bigEndian) continue;
    const view = new DataView(bytes.buffer, bytes.byteOffset + i, Math.min(12, bytes.length - i));
    const vr = String.fromCharCode(bytes[i + 4], bytes[i + 5]);
    const explicit = vr === 'OB' || vr === 'OW' || vr === 'UN';
    if (explicit && view.byteLength < 12) return { valueOffset: bytes.length, length: null };
    const length = explicit ? view.getUint32(8, littleEndian) : view.getUint32(4, littleEndian);
    return { valueOffset: i + (explicit ? 12 : 8), length: length === 0xffffffff ? null : length };
  }
  return null;
}

function truncationError(name: string, bytes: Uint8Array, partial: DataSet | undefined): PleuraError {
  const parsedPixelData = partial?.elements.x7fe00010;
  let end = 0;
  for (const element of Object.values(partial?.elements ?? {})) {
    const elementEnd = element.dataOffset + Math.max(0, element.length);
    if (elementEnd <= bytes.length) end = Math.max(end, elementEnd);
  }
  const pixelData = parsedPixelData && parsedPixelData.dataOffset <= bytes.length
    ? { valueOffset: parsedPixelData.dataOffset, length: parsedPixelData.hadUndefinedLength ? null : parsedPixelData.length }
    : findPixelDataHeader(bytes, end);
  if (pixelData) {
    const present = Math.max(0, bytes.length - pixelData.valueOffset);
    const text = pixelData.length === null ? say('dicom.truncatedCompressed', { name, present }) : say('dicom.truncatedPixels', { name, present, expected: pixelData.length });
    return new PleuraError('corrupt', text, { present, expected: pixelData.length });
  }
  return new PleuraError('corrupt', say('dicom.truncatedElement', { name }));
}

/**
 * Parses DICOM bytes: Part 10 files, files that start at "DICM" without the 128-byte preamble, and bare
 * datasets (implicit or explicit VR little endian). Deflated datasets are inflated within what their header declares ({@link inflateDataset}).
 * @throws PleuraError 'unsupported' when the bytes are not DICOM, 'corrupt' when the file is cut short.
 */
export function parseDicomBytes(bytes: Uint8Array, name: string): ParsedDicom {
  let input = bytes;
  let rawSyntax: string | undefined;
  if (!hasPrefixAt(bytes, 128)) {
    if (hasPrefixAt(bytes, 0) || (rawDatasetSyntax(bytes) !== null && (bytes[0] | (bytes[1] << 8)) === 0x0002)) {
      // a meta header without the preamble: give it one so the parser reads the meta group normally
      input = new Uint8Array(bytes.length + (hasPrefixAt(bytes, 0) ? 128 : 132));
      input.set([0x44, 0x49, 0x43, 0x4d], 128);
      input.set(bytes, input.length - bytes.length);
    } else {
      rawSyntax = rawDatasetSyntax(bytes) ?? undefined;
      if (!rawSyntax) throw new PleuraError('unsupported', say('dicom.notDicomNoMarker', { name }));
    }
  }
  const inflater = (array: Uint8Array, position: number): Uint8Array => inflateDataset(array, position, name);
  let dataSet: DataSet;
  try {
    dataSet = dicomParser.parseDicom(input, { TransferSyntaxUID: rawSyntax, inflater } as dicomParser.ParseDicomOptions);
  } catch (error) {
    const inner = error && typeof error === 'object' && 'exception' in error ? (error as { exception: unknown }).exception : error;
    if (inner instanceof PleuraError) throw inner;
    const text = message(error);
    if (/overrun|past end of buffer|buffer overread|end of buffer/i.test(text)) {
      throw truncationError(name, input, (error as { dataSet?: DataSet }).dataSet);
    }
    if (/DICM prefix not found/.test(text)) throw new PleuraError('unsupported', say('dicom.notDicom', { name }));
    throw new PleuraError('corrupt', say('dicom.unreadable', { name, detail: text }));
  }
  const transferSyntax = (rawSyntax ?? dataSet.string('x00020010') ?? IMPLICIT_LE).replace(/\0/g, '').trim();
  return { dataSet, transferSyntax };
}
