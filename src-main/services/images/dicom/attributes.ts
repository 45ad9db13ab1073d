import type { DataSet, Element } from 'dicom-parser';
import type { ImageMeta, WindowPreset } from '../../../../src-shared/api/images';
import { PleuraError } from '../../../../src-shared/api/result';
import { say } from '../../../../src-shared/api/text';
import { selectSpacing } from '../../../../src-shared/imaging/spacing';
import { TextReader, decimalValues, dicomString } from './text';
import { transferSyntaxName } from './syntaxes';

/** A lookup table from a Modality or VOI LUT Sequence item (PS3.3 C.11.1, C.11.2). */
export interface LookupTable {
  /** Value mapped to the first entry (signed when the pixels are signed). */
  firstValue: number;
  bits: number;
  table: Uint16Array;
}

/** The Image Pixel module and the modality transform of one image (what the pixel pipeline needs). */
export interface PixelModule {
  rows: number;
  columns: number;
  frames: number;
  samplesPerPixel: number;
  bitsAllocated: number;
  bitsStored: number;
  highBit: number;
  signed: boolean;
  planarConfiguration: number;
  photometric: string;
  rescaleSlope: number;
  rescaleIntercept: number;
  modalityLut: LookupTable | null;
  paddingValue: number | null;
  paddingRangeLimit: number | null;
}

function readLut(item: DataSet, signed: boolean): LookupTable | null {
  const descriptor = item.elements.x00283002;
  const data = item.elements.x00283006;
  if (!descriptor || !data || descriptor.length < 6) return null;
  const entries = item.uint16('x00283002', 0) || 65536;
  const first = signed ? (item.int16('x00283002', 1) ?? 0) : (item.uint16('x00283002', 1) ?? 0);
  const bits = item.uint16('x00283002', 2) ?? 16;
  const table = new Uint16Array(entries);
  const parser = data.parser ?? item.byteArrayParser;
  const end = Math.min(item.byteArray.length, data.dataOffset + data.length);
  if (data.length >= entries * 2) {
    for (let i = 0; i < entries && data.dataOffset + 2 * i + 2 <= end; i++) table[i] = parser.readUint16(item.byteArray, data.dataOffset + 2 * i);
  } else if (bits === 8 && data.length >= entries) {
    // old writers pack 8-bit entries two to a 16-bit word
    for (let i = 0; i < entries && data.dataOffset + i < end; i++) table[i] = item.byteArray[data.dataOffset + i];
  } else {
    return null;
  }
  return { firstValue: first, bits, table };
}

function firstItem(dataSet: DataSet, tag: string): DataSet | undefined {
  const element: Element | undefined = dataSet.elements[tag];
  return element?.items?.[0]?.dataSet;
}

/**
 * Reads the Image Pixel module. Missing essentials (rows, columns, bits) are a corrupt file.
 * @throws PleuraError 'corrupt'
 */
export function readPixelModule(dataSet: DataSet, name: string): PixelModule {
  const rows = dataSet.uint16('x00280010');
  const columns = dataSet.uint16('x00280011');
  const bitsAllocated = dataSet.uint16('x00280100');
  if (!rows || !columns || !bitsAllocated) {
    throw new PleuraError('corrupt', say('dicom.noPixelModule', { name }));
  }
  const bitsStored = dataSet.uint16('x00280101') || bitsAllocated;
  const signed = dataSet.uint16('x00280103') === 1;
  const paddingElement = dataSet.elements.x00280120;
  const readPadding = (tag: string): number | null =>
    dataSet.elements[tag] ? ((signed ? dataSet.int16(tag) : dataSet.uint16(tag)) ?? null) : null;
  const modalityItem = firstItem(dataSet, 'x00283000');
  return {
    rows,
    columns,
    frames: Math.max(1, dataSet.intString('x00280008') ?? 1),
    samplesPerPixel: dataSet.uint16('x00280002') || 1,
    bitsAllocated,
    bitsStored: Math.min(bitsStored, bitsAllocated),
    highBit: dataSet.uint16('x00280102') ?? bitsStored - 1,
    signed,
    planarConfiguration: dataSet.uint16('x00280006') ?? 0,
    photometric: (dicomString(dataSet, 'x00280004') ?? 'MONOCHROME2').toUpperCase(),
    rescaleSlope: decimalValues(dataSet, 'x00281053')[0] || 1,
    rescaleIntercept: decimalValues(dataSet, 'x00281052')[0] ?? 0,
    modalityLut: modalityItem ? readLut(modalityItem, signed) : null,
    paddingValue: paddingElement ? readPadding('x00280120') : null,
    paddingRangeLimit: readPadding('x00280121'),
  };
}

function windowPresets(dataSet: DataSet, text: TextReader): WindowPreset[] {
  const centers = decimalValues(dataSet, 'x00281050');
  const widths = decimalValues(dataSet, 'x00281051');
  const explanations = text.raw('x00281055')?.split('\\').map((value) => value.trim()) ?? [];
  const fnName = dicomString(dataSet, 'x00281056')?.toUpperCase();
  const fn = fnName === 'SIGMOID' || fnName === 'LINEAR_EXACT' ? fnName : 'LINEAR';
  const presets: WindowPreset[] = [];
  for (let i = 0; i < Math.min(centers.length, widths.length); i++) {
    if (!(widths[i] > 0)) continue;
    presets.push({ center: centers[i], width: widths[i], name: explanations[i] || `File window ${i + 1}`, fn });
  }
  return presets;
}

function pair(values: number[]): [number, number] | undefined {
  return values.length >= 2 ? [values[0], values[1]] : values.length === 1 ? [values[0], values[0]] : undefined;
}

function compact<T extends Record<string, unknown>>(value: T): T | undefined {
  const entries = Object.entries(value).filter(([, v]) => v !== undefined);
  return entries.length > 0 ? (Object.fromEntries(entries) as T) : undefined;
}

/** Patient Orientation and Image Orientation (Patient), for the viewer's orientation markers. */
function readOrientation(dataSet: DataSet): ImageMeta['orientation'] {
  const patient = (dicomString(dataSet, 'x00200020') ?? '').split('\\').map((part) => part.trim());
  const cosines = decimalValues(dataSet, 'x00200037');
  return compact({
    patientOrientation: patient.length === 2 && patient.every(Boolean) ? [patient[0], patient[1]] as [string, string] : undefined,
    imageOrientation: cosines.length === 6 && cosines.every(Number.isFinite) ? cosines : undefined,
  });
}

/**
 * Builds the metadata the viewer and the metadata panel show: size, photometric, spacing with its
 * source, window presets and VOI LUT, patient/study/series essentials decoded with the file's
 * character set.
 */
export function readDicomMeta(dataSet: DataSet, module: PixelModule, transferSyntax: string): Omit<ImageMeta, 'imageId'> {
  const text = new TextReader(dataSet);
  const voiItem = firstItem(dataSet, 'x00283010');
  const voi = voiItem ? readLut(voiItem, module.signed) : null;
  const spacing = selectSpacing({
    pixelSpacingMm: pair(decimalValues(dataSet, 'x00280030')),
    imagerPixelSpacingMm: pair(decimalValues(dataSet, 'x00181164')),
    magnificationFactor: decimalValues(dataSet, 'x00181114')[0],
    calibrationType: dicomString(dataSet, 'x00280a02'),
    calibrationDescription: text.raw('x00280a04'),
  });
  const colour = module.samplesPerPixel === 3;
  return {
    kind: 'dicom',
    widthPx: module.columns,
    heightPx: module.rows,
    frames: module.frames,
    photometric: colour ? 'RGB' : module.photometric,
    bitsStored: module.bitsStored,
    transferSyntax: `${transferSyntaxName(transferSyntax)} (${transferSyntax})`,
    modality: text.first('x00080060'),
    viewPosition: text.first('x00185101'),
    patient: compact({
      name: text.personName('x00100010'),
      id: text.first('x00100020'),
      sex: text.first('x00100040'),
      birthDate: text.date('x00100030'),
      age: text.first('x00101010'),
    }),
    study: compact({
      date: text.date('x00080020'),
      description: text.raw('x00081030'),
      institution: text.raw('x00080080'),
      accession: text.first('x00080050'),
    }),
    series: compact({ description: text.raw('x0008103e'), bodyPart: text.first('x00180015') }),
    spacing,
    orientation: readOrientation(dataSet),
    windows: windowPresets(dataSet, text),
    voiLut: voi ? { firstValue: voi.firstValue, bits: voi.bits, table: Array.from(voi.table) } : null,
  };
}
