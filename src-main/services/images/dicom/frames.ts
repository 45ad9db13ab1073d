import dicomParser, { type DataSet, type Element } from 'dicom-parser';
import { PleuraError } from '../../../../src-shared/api/result';
import { say } from '../../../../src-shared/api/text';
import type { PixelModule } from './attributes';

/** The Pixel Data element (or Float/Double Float Pixel Data), or a specific error when it is absent. */
export function pixelDataElement(dataSet: DataSet, name: string): Element {
  const element = dataSet.elements.x7fe00010;
  if (element) return element;
  if (dataSet.elements.x7fe00008 || dataSet.elements.x7fe00009) {
    throw new PleuraError('unsupported', say('dicom.floatPixels', { name }));
  }
  throw new PleuraError('unsupported', say('dicom.noPixels', { name }));
}

/** Bytes of one uncompressed frame, checked against the file's real length. */
export function nativeFrame(dataSet: DataSet, element: Element, module: PixelModule, frame: number, name: string): Uint8Array {
  if (element.encapsulatedPixelData) {
    throw new PleuraError('corrupt', say('dicom.encapsulatedNative', { name }));
  }
  if (module.bitsAllocated % 8 !== 0 || module.bitsAllocated > 32) {
    throw new PleuraError('unsupported', say('dicom.bitsUnsupported', { name, bits: module.bitsAllocated }));
  }
  const frameBytes = module.rows * module.columns * module.samplesPerPixel * (module.bitsAllocated / 8);
  const needed = frameBytes * module.frames;
  const available = Math.max(0, Math.min(dataSet.byteArray.length - element.dataOffset, element.length));
  if (element.dataOffset + element.length > dataSet.byteArray.length) {
    throw new PleuraError('corrupt', say('dicom.truncatedPixels', { name, present: available, expected: element.length }), { present: available, expected: element.length });
  }
  const start = frameBytes * frame;
  if (available < start + frameBytes) {
    throw new PleuraError(
      'corrupt',
      say('dicom.pixelsShort', { name, available, columns: module.columns, rows: module.rows, frames: module.frames, bits: module.bitsAllocated, needed }),
      { present: available, expected: needed },
    );
  }
  return dataSet.byteArray.subarray(element.dataOffset + start, element.dataOffset + start + frameBytes);
}

/** Bytes of one compressed frame (all of its fragments joined), checked for truncation. */
export function encapsulatedFrame(dataSet: DataSet, element: Element, module: PixelModule, frame: number, name: string): Uint8Array {
  const fragments = element.fragments ?? [];
  if (!element.encapsulatedPixelData || fragments.length === 0) {
    throw new PleuraError('corrupt', say('dicom.noFragments', { name }));
  }
  for (const fragment of fragments) {
    if (fragment.position + fragment.length > dataSet.byteArray.length) {
      const present = Math.max(0, dataSet.byteArray.length - element.dataOffset);
      throw new PleuraError('corrupt', say('dicom.truncatedCompressed', { name, present }), { present });
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
    throw new PleuraError('corrupt', say('dicom.frameNotLocated', { name, frame, detail: reason }));
  }
}
