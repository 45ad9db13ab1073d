import dicomParser from 'dicom-parser';
import { PleuraError } from '../../../src-shared/api/result';

const uncompressed = new Set(['1.2.840.10008.1.2', '1.2.840.10008.1.2.1', '1.2.840.10008.1.2.2']);

/**
 * Converts an uncompressed grey DICOM image to 8-bit (min..max stretched, MONOCHROME1 inverted) for
 * training exports. Compressed transfer syntaxes are refused with a message: the full decoder lives in
 * the images service (src-main/services/images), which this should call once it is available.
 */
export async function dicomToGray8(bytes: Uint8Array, name: string): Promise<{ widthPx: number; heightPx: number; data: Uint8Array }> {
  const dataSet = dicomParser.parseDicom(bytes);
  const syntax = dataSet.string('x00020010') ?? '1.2.840.10008.1.2';
  if (!uncompressed.has(syntax)) throw new PleuraError('unsupported', `${name}: compressed DICOM (${syntax}) is not converted for nnU-Net export yet.`);
  const rows = dataSet.uint16('x00280010') ?? 0;
  const columns = dataSet.uint16('x00280011') ?? 0;
  const bits = dataSet.uint16('x00280100') ?? 16;
  const signed = dataSet.uint16('x00280103') === 1;
  const samples = dataSet.uint16('x00280002') ?? 1;
  const element = dataSet.elements.x7fe00010;
  if (!element || samples !== 1 || (bits !== 8 && bits !== 16)) throw new PleuraError('unsupported', `${name}: only grey 8/16-bit DICOM is converted.`);
  const count = rows * columns;
  const view = new DataView(bytes.buffer, bytes.byteOffset + element.dataOffset, Math.min(element.length, bytes.length - element.dataOffset));
  if (view.byteLength < (count * bits) / 8) throw new PleuraError('corrupt', `${name}: pixel data is truncated.`);
  const littleEndian = syntax !== '1.2.840.10008.1.2.2';
  const values = new Float64Array(count);
  for (let i = 0; i < count; i++) {
    values[i] = bits === 8 ? view.getUint8(i) : signed ? view.getInt16(i * 2, littleEndian) : view.getUint16(i * 2, littleEndian);
  }
  let min = Infinity;
  let max = -Infinity;
  for (const v of values) {
    if (v < min) min = v;
    if (v > max) max = v;
  }
  const invert = dataSet.string('x00280004') === 'MONOCHROME1';
  const scale = max > min ? 255 / (max - min) : 0;
  const data = new Uint8Array(count);
  for (let i = 0; i < count; i++) {
    const v = Math.round((values[i] - min) * scale);
    data[i] = invert ? 255 - v : v;
  }
  return { widthPx: columns, heightPx: rows, data };
}
