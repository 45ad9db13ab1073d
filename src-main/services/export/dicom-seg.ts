import dcmjs from 'dcmjs';
import { PleuraError } from '../../../src-shared/api/result';
import { say } from '../../../src-shared/api/text';
import { safeJoin, writeFileAtomic } from '../project/durable';
import { deidentificationCodes, deidentificationMethod, deidentifyFilm } from './deidentify';
import { readDicomFile, writeDicom, type Dataset } from './dicom-io';
import type { ExportItem, ExportJob } from './export';
import * as vr from './vr';

export { readDicom } from './dicom-io';

const segmentationStorage = '1.2.840.10008.5.1.4.1.1.66.4';
/** Syntaxes whose pixel data dcmjs holds as plain bytes: a copy is written as Explicit VR Little Endian. */
const nativeSyntaxes = new Set(['1.2.840.10008.1.2', '1.2.840.10008.1.2.1']);
/** Encapsulated syntaxes: a copy keeps the compressed fragments and the syntax. */
const encapsulated = /^1\.2\.840\.10008\.1\.2\.(4\.\d+|5)$/;

const segments = [
  { label: 1, SegmentLabel: 'Right lung', type: { CodeValue: '3341006', CodingSchemeDesignator: 'SCT', CodeMeaning: 'Right lung' }, lab: [29616, 53248, 52000] },
  { label: 2, SegmentLabel: 'Left lung', type: { CodeValue: '44029006', CodingSchemeDesignator: 'SCT', CodeMeaning: 'Left lung' }, lab: [44000, 24000, 40000] },
];

/**
 * One DICOM SEG per film (binary, one frame per lung: right, left), in the film's study, referencing
 * it in ReferencedSeriesSequence and in every frame's DerivationImageSequence. Plain: the SEG
 * references the source film as it is in the PACS. De-identified: `<case>.dcm`, a de-identified copy
 * of the film, is written next to `<case>.seg.dcm`, and the SEG references that copy only.
 * Raster films have no DICOM to reference and are listed as excluded.
 */
export async function exportDicomSeg(job: ExportJob): Promise<void> {
  for (const [index, item] of job.items.entries()) {
    job.step(index, item);
    if (item.image.kind !== 'dicom') {
      job.skip(item, 'excluded', say('export.segNeedsDicom'));
      continue;
    }
    let source: Dataset;
    let syntax: string;
    try {
      ({ dataset: source, transferSyntax: syntax } = readDicomFile(await job.source.readImageBytes(item.image.id)));
    } catch (error) {
      job.skip(item, 'failed', error instanceof PleuraError ? (error.text ?? error.message) : say('export.dicomUnreadable', { detail: (error as Error).message }));
      continue;
    }
    try {
      const files: string[] = [];
      let film = source;
      if (job.pseudonyms) {
        film = deidentifyFilm(source, job.pseudonyms);
        if (!nativeSyntaxes.has(syntax) && !encapsulated.test(syntax)) throw new PleuraError('unsupported', say('export.deidSyntax', { name: item.image.name, syntax }));
        const filmPath = safeJoin(job.outDir, `${item.stem}.dcm`);
        await writeFileAtomic(filmPath, writeDicom(film, encapsulated.test(syntax) ? syntax : undefined));
        files.push(filmPath);
      }
      const segPath = safeJoin(job.outDir, `${item.stem}.seg.dcm`);
      await writeFileAtomic(segPath, writeDicom(buildSeg(film, item, { creator: job.pseudonyms ? '' : job.source.settings.userName, deidentified: !!job.pseudonyms })));
      files.push(segPath);
      job.done(item, files);
    } catch (error) {
      job.skip(item, 'failed', error instanceof PleuraError ? (error.text ?? error.message) : say('export.segNotWritten', { detail: (error as Error).message }));
    }
  }
}

/** DA and TM of a moment, in UTC. */
function dicomDateTime(moment: Date): { date: string; time: string } {
  const iso = moment.toISOString();
  return { date: iso.slice(0, 10).replace(/-/g, ''), time: iso.slice(11, 19).replace(/:/g, '') };
}

/**
 * The SEG dataset for a film. Every value copied from the film is checked against its VR (invalid
 * ones are dropped, Type 2 ones left empty). The film's Frame of Reference is carried only when the
 * film has one together with patient geometry (ImagePositionPatient / ImageOrientationPatient), with
 * the plane functional groups; projection radiographs have none, and the SEG then has no Frame of
 * Reference at all rather than an invented one (the frames are tied to the film by the derivation
 * image references). De-identified SEGs carry dummy content date and time.
 */
export function buildSeg(film: Dataset, item: ExportItem, options: { creator: string; deidentified: boolean; now?: Date }): Dataset {
  const { widthPx, heightPx, data } = item.mask;
  if (film.Rows !== heightPx || film.Columns !== widthPx) throw new PleuraError('conflict', say('export.segSize', { name: item.image.name }));
  const studyUid = vr.uid(film.StudyInstanceUID);
  const filmUid = vr.uid(film.SOPInstanceUID);
  const filmClass = vr.uid(film.SOPClassUID);
  const filmSeries = vr.uid(film.SeriesInstanceUID);
  if (!studyUid || !filmUid || !filmClass || !filmSeries) throw new PleuraError('corrupt', say('export.noUids', { name: item.image.name }));
  const { date, time } = options.deidentified ? { date: '19000101', time: '000000' } : dicomDateTime(options.now ?? new Date());
  const seriesUid = dcmjs.data.DicomMetaDictionary.uid() as string;
  const sopUid = dcmjs.data.DicomMetaDictionary.uid() as string;
  const reference = { ReferencedSOPClassUID: filmClass, ReferencedSOPInstanceUID: filmUid };
  const spacing = vr.pixelSpacing(film.PixelSpacing) ?? vr.pixelSpacing(film.ImagerPixelSpacing);
  const frameOfReference = vr.uid(film.FrameOfReferenceUID);
  const position = Array.isArray(film.ImagePositionPatient) && film.ImagePositionPatient.length === 3 ? film.ImagePositionPatient : undefined;
  const orientation = Array.isArray(film.ImageOrientationPatient) && film.ImageOrientationPatient.length === 6 ? film.ImageOrientationPatient : undefined;
  const spatial = frameOfReference && position && orientation && spacing;
  const source = item.revision.source;
  const algorithm = source.kind === 'model' ? { SegmentAlgorithmType: 'AUTOMATIC', SegmentAlgorithmName: vr.longString(`${source.modelId}@${source.modelVersion}`) ?? 'Pleura model' } : { SegmentAlgorithmType: 'MANUAL' };
  const shared: Dataset = {};
  if (spacing) shared.PixelMeasuresSequence = [{ PixelSpacing: spacing, ...(spatial ? { SliceThickness: 1 } : {}) }];
  if (spatial) shared.PlaneOrientationSequence = [{ ImageOrientationPatient: orientation }];
  return {
    SpecificCharacterSet: 'ISO_IR 192',
    SOPClassUID: segmentationStorage,
    SOPInstanceUID: sopUid,
    Modality: 'SEG',
    PatientName: vr.personName(film.PatientName) ?? '',
    PatientID: vr.longString(film.PatientID) ?? '',
    PatientBirthDate: vr.date(film.PatientBirthDate) ?? '',
    PatientSex: vr.patientSex(film.PatientSex) ?? '',
    ...(options.deidentified ? { PatientIdentityRemoved: 'YES', DeidentificationMethod: deidentificationMethod, DeidentificationMethodCodeSequence: deidentificationCodes, LongitudinalTemporalInformationModified: 'REMOVED' } : {}),
    StudyInstanceUID: studyUid,
    StudyDate: vr.date(film.StudyDate) ?? '',
    StudyTime: vr.time(film.StudyTime) ?? '',
    ReferringPhysicianName: vr.personName(film.ReferringPhysicianName) ?? '',
    StudyID: vr.shortString(film.StudyID) ?? '',
    AccessionNumber: vr.shortString(film.AccessionNumber) ?? '',
    SeriesInstanceUID: seriesUid,
    SeriesNumber: '300',
    ...(options.deidentified ? {} : { SeriesDescription: 'Lung segmentation (Pleura)' }),
    ...(spatial ? { FrameOfReferenceUID: frameOfReference, PositionReferenceIndicator: '' } : {}),
    Manufacturer: 'Pleura',
    ManufacturerModelName: 'Pleura',
    DeviceSerialNumber: '0',
    SoftwareVersions: '0.1.0',
    InstanceNumber: '1',
    PatientOrientation: vr.patientOrientation(film.PatientOrientation) ?? '',
    ContentDate: date,
    ContentTime: time,
    ContentLabel: 'LUNGS',
    ContentDescription: 'Right and left lung',
    ContentCreatorName: options.creator ? (vr.personName(options.creator) ?? '') : '',
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
    ReferencedSeriesSequence: [{ SeriesInstanceUID: filmSeries, ReferencedInstanceSequence: [reference] }],
    DimensionOrganizationSequence: [{ DimensionOrganizationUID: `${seriesUid}.1` }],
    DimensionIndexSequence: [{ DimensionOrganizationUID: `${seriesUid}.1`, DimensionIndexPointer: 0x0062000b, FunctionalGroupPointer: 0x0062000a, DimensionDescriptionLabel: 'ReferencedSegmentNumber' }],
    SegmentSequence: segments.map((segment, index) => ({
      SegmentNumber: index + 1,
      SegmentLabel: segment.SegmentLabel,
      ...algorithm,
      SegmentedPropertyCategoryCodeSequence: [{ CodeValue: '123037004', CodingSchemeDesignator: 'SCT', CodeMeaning: 'Anatomical Structure' }],
      SegmentedPropertyTypeCodeSequence: [segment.type],
      RecommendedDisplayCIELabValue: segment.lab,
    })),
    SharedFunctionalGroupsSequence: [shared],
    PerFrameFunctionalGroupsSequence: segments.map((_, index) => ({
      FrameContentSequence: [{ DimensionIndexValues: [index + 1] }],
      ...(spatial ? { PlanePositionSequence: [{ ImagePositionPatient: position }] } : {}),
      SegmentIdentificationSequence: [{ ReferencedSegmentNumber: index + 1 }],
      DerivationImageSequence: [{
        SourceImageSequence: [{ ...reference, PurposeOfReferenceCodeSequence: [{ CodeValue: '121322', CodingSchemeDesignator: 'DCM', CodeMeaning: 'Source image for image processing operation' }] }],
        DerivationCodeSequence: [{ CodeValue: '113076', CodingSchemeDesignator: 'DCM', CodeMeaning: 'Segmentation' }],
      }],
    })),
    PixelData: packFrames(data, segments.map((s) => s.label)),
    _vrMap: { PixelData: 'OB' },
  };
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
