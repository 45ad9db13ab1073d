import dicomParser, { type DataSet, type Element } from 'dicom-parser';
import { PleuraError } from '../../../../src-shared/api/result';
import type { PixelModule } from './attributes';

/** The Pixel Data element (or Float/Double Float Pixel Data), or a specific error when it is absent. */
export function pixelDataElement(dataSet: DataSet, name: string): Element {
  const element = dataSet.elements.x7fe00010;
  if (element) return element;
  if (dataSet.elements.x7fe00008 || dataSet.elements.x7fe00009) {
    throw new PleuraError('unsupported', `"${name}" holds floating-point pixel data, which projection X-ray viewers do not use; Pleura cannot open it.`);
  }
  throw new PleuraError('unsupported', `"${name}" has no pixel data: it is a DICOM header or a non-image object (report, presentation state), not an image.`);
}

/** Bytes of one uncompressed frame, checked against the file's real length. */
export function nativeFrame(dataSet: DataSet, element: Element, module: PixelModule, frame: number, name: string): Uint8Array {
  if (element.encapsulatedPixelData) {
    throw new PleuraError('corrupt', `"${name}" declares an uncompressed transfer syntax but its pixel data is encapsulated (compressed).`);
  }
  if (module.bitsAllocated % 8 !== 0 || module.bitsAllocated > 32) {
    throw new PleuraError('unsupported', `"${name}" has ${module.bitsAllocated} bits allocated per pixel; Pleura reads 8, 16 or 32.`);
  }
  const frameBytes = module.rows * module.columns * module.samplesPerPixel * (module.bitsAllocated / 8);
  const needed = frameBytes * module.frames;
  const available = Math.max(0, Math.min(dataSet.byteArray.length - element.dataOffset, element.length));
  if (element.dataOffset + element.length > dataSet.byteArray.length) {
    throw new PleuraError('corrupt', `"${name}" is truncated inside the pixel data (${available} of ${element.length} bytes).`, { present: available, expected: element.length });
  }
  const start = frameBytes * frame;
  if (available < start + frameBytes) {
    throw new PleuraError(
      'corrupt',
      `"${name}" has ${available} bytes of pixel data but ${module.columns} x ${module.rows} pixels x ${module.frames} frame(s) at ${module.bitsAllocated} bits need ${needed}.`,
      { present: available, expected: needed },
    );
  }
  return dataSet.byteArray.subarray(element.dataOffset + start, element.dataOffset + start + frameBytes);
}

/** Bytes of one compressed frame (all of its fragments joined), checked for truncation. */
export function encapsulatedFrame(dataSet: DataSet, element: Element, module: PixelModule, frame: number, name: string): Uint8Array {
  const fragments = element.fragments ?? [];
  if (!element.encapsulatedPixelData || fragments.length === 0) {
    throw new PleuraError('corrupt', `"${name}" declares a compressed transfer syntax but its pixel data holds no compressed fragments.`);
  }
  for (const fragment of fragments) {
    if (fragment.position + fragment.length > dataSet.byteArray.length) {
      const present = Math.max(0, dataSet.byteArray.length - element.dataOffset);
      throw new PleuraError('corrupt', `"${name}" is truncated inside the pixel data (${present} bytes of compressed data present).`, { present });
    }
  }
  try {
    if (module.frames === 1) return dicomParser.readEncapsulatedPixelDataFromFragments(dataSet, element, 0, fragments.length);
    if (element.basicOffsetTable && element.basicOffsetTable.length > 0) {
      return dicomParser.readEncapsulatedImageFrame(dataSet, element, frame);
    }
    if (fragments.length === module.frames) return dicomParser.readEncapsulatedPixelDataFromFragments(dataSet, element, frame, 1);
    const table = dicomParser.createJPEGBasicOffsetTable(dataSet, element);
    return dicomParser.readEncapsulatedImageFrame(dataSet, element, frame, table);
  } catch (error) {
    const reason = typeof error === 'string' ? error : error instanceof Error ? error.message : String(error);
    throw new PleuraError('corrupt', `"${name}": frame ${frame} cannot be located in the compressed pixel data (${reason}).`);
  }
}
