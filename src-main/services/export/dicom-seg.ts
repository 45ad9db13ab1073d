import dcmjs from 'dcmjs';
import { PleuraError } from '../../../src-shared/api/result';
import { safeJoin, writeFileAtomic } from '../project/durable';
import { deidentifyDataset, UidMapper, type Dataset } from './deidentify';
import type { ExportItem, ExportJob } from './export';

const segmentationStorage = '1.2.840.10008.5.1.4.1.1.66.4';
const explicitLittleEndian = '1.2.840.10008.1.2.1';
/** Pleura's implementation class UID (2.25 form, fixed). */
const implementationClassUid = '2.25.233196150591183917409355389466370350977';

const segments = [
  { label: 1, SegmentLabel: 'Right lung', type: { CodeValue: '3341006', CodingSchemeDesignator: 'SCT', CodeMeaning: 'Right lung' } },
  { label: 2, SegmentLabel: 'Left lung', type: { CodeValue: '44029006', CodingSchemeDesignator: 'SCT', CodeMeaning: 'Left lung' } },
];

/** Reads a DICOM file into a naturalized dataset. */
export function readDicom(bytes: Uint8Array): Dataset {
  const buffer = bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength);
  const dict = dcmjs.data.DicomMessage.readFile(buffer);
  return dcmjs.data.DicomMetaDictionary.naturalizeDataset(dict.dict) as Dataset;
}

/**
 * One DICOM SEG per image (binary, two segments: right and left lung, one frame each), referencing the
 * source DICOM image (same study, its SOP instance in ReferencedSeriesSequence and every frame's
 * DerivationImageSequence). Raster images have no DICOM to reference and are skipped with the reason.
 */
export async function exportDicomSeg(job: ExportJob): Promise<void> {
  const uids = new UidMapper();
  for (const item of job.items) {
    if (item.image.kind !== 'dicom') {
      job.report.skipped.push({ imageId: item.image.id, reason: 'DICOM SEG needs a DICOM source image; this is a raster image (export PNG or COCO instead).' });
      continue;
    }
    let source: Dataset;
    try {
      source = readDicom(await job.store.readImageBytes(item.image.id));
    } catch (error) {
      job.report.skipped.push({ imageId: item.image.id, reason: error instanceof PleuraError ? error.message : `The source DICOM could not be read: ${(error as Error).message}` });
      continue;
    }
    const dataset = buildSeg(source, item, job.store.settings.userName);
    if (job.options.deidentify) deidentifyDataset(dataset, uids);
    const bytes = writeDicom(dataset);
    const path = safeJoin(job.outDir, `${item.stem}.seg.dcm`);
    await writeFileAtomic(path, bytes);
    job.report.files.push(path);
  }
}

function buildSeg(source: Dataset, item: ExportItem, creator: string): Dataset {
  const { widthPx, heightPx, data } = item.mask;
  if (source.Rows !== heightPx || source.Columns !== widthPx) throw new PleuraError('conflict', `${item.image.name}: the mask size does not match the DICOM image.`);
  const now = new Date();
  const date = now.toISOString().slice(0, 10).replace(/-/g, '');
  const time = now.toISOString().slice(11, 19).replace(/:/g, '');
  const seriesUid = dcmjs.data.DicomMetaDictionary.uid();
  const sopUid = dcmjs.data.DicomMetaDictionary.uid();
  const reference = { ReferencedSOPClassUID: source.SOPClassUID, ReferencedSOPInstanceUID: source.SOPInstanceUID };
  const spacing = (source.PixelSpacing ?? source.ImagerPixelSpacing) as number[] | undefined;
  const fromModel = item.revision.source.kind === 'model';
  return {
    SpecificCharacterSet: 'ISO_IR 192',
    SOPClassUID: segmentationStorage,
    SOPInstanceUID: sopUid,
    Modality: 'SEG',
    PatientName: source.PatientName ?? '',
    PatientID: source.PatientID ?? '',
    PatientBirthDate: validDate(source.PatientBirthDate),
    PatientSex: source.PatientSex ?? '',
    StudyInstanceUID: source.StudyInstanceUID,
    StudyDate: validDate(source.StudyDate),
    StudyTime: typeof source.StudyTime === 'string' && /^\d{2,6}(\.\d{1,6})?$/.test(source.StudyTime) ? source.StudyTime : '',
    ReferringPhysicianName: source.ReferringPhysicianName ?? '',
    StudyID: source.StudyID ?? '',
    AccessionNumber: source.AccessionNumber ?? '',
    SeriesInstanceUID: seriesUid,
    SeriesNumber: '300',
    SeriesDescription: 'Lung segmentation (Pleura)',
    FrameOfReferenceUID: source.FrameOfReferenceUID ?? dcmjs.data.DicomMetaDictionary.uid(),
    Manufacturer: 'Pleura',
    ManufacturerModelName: 'Pleura',
    DeviceSerialNumber: '0',
    SoftwareVersions: '0.1.0',
    InstanceNumber: '1',
    ContentDate: date,
    ContentTime: time,
    ContentLabel: 'LUNGS',
    ContentDescription: 'Right and left lung',
    ContentCreatorName: creator,
    ImageType: ['DERIVED', 'PRIMARY'],
    SegmentationType: 'BINARY',
    LossyImageCompression: '00',
    SamplesPerPixel: 1,
    PhotometricInterpretation: 'MONOCHROME2',
    Rows: heightPx,
    Columns: widthPx,
    BitsAllocated: 1,
    BitsStored: 1,
    HighBit: 0,
    PixelRepresentation: 0,
    NumberOfFrames: segments.length,
    ReferencedSeriesSequence: [{ SeriesInstanceUID: source.SeriesInstanceUID, ReferencedInstanceSequence: [reference] }],
    DimensionOrganizationSequence: [{ DimensionOrganizationUID: seriesUid + '.1' }],
    DimensionIndexSequence: [{ DimensionOrganizationUID: seriesUid + '.1', DimensionIndexPointer: 0x0062000b, FunctionalGroupPointer: 0x0062000a, DimensionDescriptionLabel: 'ReferencedSegmentNumber' }],
    SegmentSequence: segments.map((segment, index) => ({
      SegmentNumber: index + 1,
      SegmentLabel: segment.SegmentLabel,
      SegmentAlgorithmType: fromModel ? 'AUTOMATIC' : 'MANUAL',
      ...(fromModel && item.revision.source.kind === 'model' ? { SegmentAlgorithmName: `${item.revision.source.modelId}@${item.revision.source.modelVersion}` } : {}),
      SegmentedPropertyCategoryCodeSequence: [{ CodeValue: '123037004', CodingSchemeDesignator: 'SCT', CodeMeaning: 'Anatomical Structure' }],
      SegmentedPropertyTypeCodeSequence: [segment.type],
      RecommendedDisplayCIELabValue: index === 0 ? [29616, 53248, 52000] : [44000, 24000, 40000],
    })),
    SharedFunctionalGroupsSequence: [spacing ? { PixelMeasuresSequence: [{ PixelSpacing: spacing, SliceThickness: 1 }] } : {}],
    PerFrameFunctionalGroupsSequence: segments.map((_, index) => ({
      FrameContentSequence: [{ DimensionIndexValues: [index + 1] }],
      SegmentIdentificationSequence: [{ ReferencedSegmentNumber: index + 1 }],
      DerivationImageSequence: [{
        SourceImageSequence: [{ ...reference, PurposeOfReferenceCodeSequence: [{ CodeValue: '121322', CodingSchemeDesignator: 'DCM', CodeMeaning: 'Source image for image processing operation' }] }],
        DerivationCodeSequence: [{ CodeValue: '113076', CodingSchemeDesignator: 'DCM', CodeMeaning: 'Segmentation' }],
      }],
    })),
    PixelData: packFrames(data, segments.map((s) => s.label)),
  };
}

/** A DA value as the standard wants it (YYYYMMDD), else empty: old files carry '1995.07.20' and the like. */
function validDate(value: unknown): string {
  return typeof value === 'string' && /^\d{8}$/.test(value) ? value : '';
}

/** One bit per pixel, frames back to back without padding, least significant bit first (PS3.5 8.1.1). */
export function packFrames(labels: Uint8Array, frameLabels: number[]): ArrayBuffer {
  const total = labels.length * frameLabels.length;
  const packed = new Uint8Array(Math.ceil(total / 8) + (Math.ceil(total / 8) % 2));
  frameLabels.forEach((label, frame) => {
    const base = frame * labels.length;
    for (let i = 0; i < labels.length; i++) {
      if (labels[i] === label) packed[(base + i) >> 3] |= 1 << ((base + i) & 7);
    }
  });
  return packed.buffer;
}

/** Unpacks frame `frame` of a 1-bit SEG pixel data into 0/1 bytes. */
export function unpackFrame(pixelData: ArrayBuffer, frame: number, pixelsPerFrame: number): Uint8Array {
  const bytes = new Uint8Array(pixelData);
  const out = new Uint8Array(pixelsPerFrame);
  const base = frame * pixelsPerFrame;
  for (let i = 0; i < pixelsPerFrame; i++) out[i] = (bytes[(base + i) >> 3] >> ((base + i) & 7)) & 1;
  return out;
}

function writeDicom(dataset: Dataset): Buffer {
  const { DicomMetaDictionary, DicomDict } = dcmjs.data;
  const meta = {
    FileMetaInformationVersion: new Uint8Array([0, 1]).buffer,
    MediaStorageSOPClassUID: dataset.SOPClassUID,
    MediaStorageSOPInstanceUID: dataset.SOPInstanceUID,
    TransferSyntaxUID: explicitLittleEndian,
    ImplementationClassUID: implementationClassUid,
    ImplementationVersionName: 'PLEURA_0_1',
    _vrMap: { PixelData: 'OB' },
  };
  const dict = new DicomDict(DicomMetaDictionary.denaturalizeDataset(meta));
  dict.dict = DicomMetaDictionary.denaturalizeDataset({ ...dataset, _vrMap: { PixelData: 'OB' } });
  return Buffer.from(dict.write() as ArrayBuffer);
}
