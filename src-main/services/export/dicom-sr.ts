import { readFile } from 'node:fs/promises';
import dcmjs from 'dcmjs';
import { say } from '../../../src-shared/api/text';
import { safeJoin, writeFileAtomic } from '../project/durable';
import type { StoredImage } from '../project/state';
import { writeDicom, type Dataset } from './dicom-io';
import { exportDicomSeg, readDicom } from './dicom-seg';
import type { ExportItem, ExportJob } from './export';

const comprehensiveSr = '1.2.840.10008.5.1.4.1.1.88.33';
/** Device Observer UID of Pleura as an algorithm (2.25 form, fixed). */
const deviceObserverUid = '2.25.161330437462740785390719282563906542281';

type Code = [value: string, scheme: string, meaning: string];
const code = ([CodeValue, CodingSchemeDesignator, CodeMeaning]: Code) => ({ CodeValue, CodingSchemeDesignator, CodeMeaning });

const codes = {
  report: ['126000', 'DCM', 'Imaging Measurement Report'],
  language: ['121049', 'DCM', 'Language of Content Item and Descendants'],
  english: ['en-US', 'RFC5646', 'English (United States)'],
  observerType: ['121005', 'DCM', 'Observer Type'],
  device: ['121007', 'DCM', 'Device'],
  deviceUid: ['121012', 'DCM', 'Device Observer UID'],
  deviceName: ['121013', 'DCM', 'Device Observer Name'],
  procedure: ['121058', 'DCM', 'Procedure reported'],
  chestXray: ['168731009', 'SCT', 'Chest X-ray'],
  imageLibrary: ['111028', 'DCM', 'Image Library'],
  imageLibraryGroup: ['126200', 'DCM', 'Image Library Group'],
  measurements: ['126010', 'DCM', 'Imaging Measurements'],
  group: ['125007', 'DCM', 'Measurement Group'],
  trackingId: ['112039', 'DCM', 'Tracking Identifier'],
  trackingUid: ['112040', 'DCM', 'Tracking Unique Identifier'],
  finding: ['121071', 'DCM', 'Finding'],
  findingSite: ['363698007', 'SCT', 'Finding Site'],
  referencedSegment: ['121191', 'DCM', 'Referenced Segment'],
  source: ['260753009', 'SCT', 'Source'],
  area: ['42798000', 'SCT', 'Area'],
  comment: ['121106', 'DCM', 'Comment'],
  anatomicalStructure: ['123037004', 'SCT', 'Anatomical Structure'],
  rightLung: ['3341006', 'SCT', 'Right lung'],
  leftLung: ['44029006', 'SCT', 'Left lung'],
  lung: ['39607008', 'SCT', 'Lung structure'],
  squareCentimeter: ['cm2', 'UCUM', 'square centimeter'],
} satisfies Record<string, Code>;

type Item = Record<string, unknown>;
const text = (relationship: string, name: Code, value: string): Item => ({ RelationshipType: relationship, ValueType: 'TEXT', ConceptNameCodeSequence: [code(name)], TextValue: value });
const codeItem = (relationship: string, name: Code, value: Code): Item => ({ RelationshipType: relationship, ValueType: 'CODE', ConceptNameCodeSequence: [code(name)], ConceptCodeSequence: [code(value)] });
const uidRef = (relationship: string, name: Code, value: string): Item => ({ RelationshipType: relationship, ValueType: 'UIDREF', ConceptNameCodeSequence: [code(name)], UID: value });
const container = (relationship: string, name: Code, children: Item[]): Item => ({ RelationshipType: relationship, ValueType: 'CONTAINER', ConceptNameCodeSequence: [code(name)], ContinuityOfContent: 'SEPARATE', ContentSequence: children });
const image = (relationship: string, name: Code | null, reference: Item): Item => ({ RelationshipType: relationship, ValueType: 'IMAGE', ...(name ? { ConceptNameCodeSequence: [code(name)] } : {}), ReferencedSOPSequence: [reference] });
const areaItem = (valueCm2: number): Item => ({
  RelationshipType: 'CONTAINS',
  ValueType: 'NUM',
  ConceptNameCodeSequence: [code(codes.area)],
  MeasuredValueSequence: [{ MeasurementUnitsCodeSequence: [code(codes.squareCentimeter)], NumericValue: valueCm2.toFixed(2) }],
});

/** How the pixel size behind the areas was found, as one sentence for the report. */
export function spacingDescription(image: StoredImage): string {
  if (image.userSpacingMm) return `Pixel spacing ${image.userSpacingMm} mm, set by the user.`;
  const spacing = image.fileSpacing;
  if (!spacing) return 'No pixel spacing: areas cannot be given in cm2.';
  return `Pixel spacing ${spacing.rowMm} x ${spacing.colMm} mm (row x column), source: ${spacing.source} (${spacing.label}).`;
}

/**
 * A DICOM SR measurement report (TID 1500) per image: right, left and total lung area in cm² (UCUM),
 * the pixel-spacing source, referencing the SEG written with it (its right and left lung segments) and the source
 * image. The SEG is written first by the SEG writer and read back, so the SR names exactly the UIDs
 * in that file (also when de-identified). Images without a pixel spacing have no area in cm² and are
 * skipped with the reason; the SEG is still written.
 */
export async function exportDicomSr(job: ExportJob): Promise<void> {
  await exportDicomSeg(job);
  for (const item of job.items) {
    const segPath = safeJoin(job.outDir, `${item.stem}.seg.dcm`);
    if (!job.report.files.includes(segPath)) continue;
    const areas = item.image.areas;
    if (!areas || areas.rightCm2 === null || areas.leftCm2 === null || areas.totalCm2 === null) {
      job.skip(item, 'excluded', say('export.srNoSpacing'));
      continue;
    }
    const seg = readDicom(new Uint8Array(await readFile(segPath)));
    const dataset = buildSr(seg, item, { rightCm2: areas.rightCm2, leftCm2: areas.leftCm2, totalCm2: areas.totalCm2 });
    const path = safeJoin(job.outDir, `${item.stem}.sr.dcm`);
    await writeFileAtomic(path, writeDicom(dataset));
    job.report.files.push(path);
  }
}

function buildSr(seg: Dataset, item: ExportItem, areas: { rightCm2: number; leftCm2: number; totalCm2: number }): Dataset {
  const { DicomMetaDictionary } = dcmjs.data;
  const now = new Date().toISOString();
  const date = now.slice(0, 10).replace(/-/g, '');
  const time = now.slice(11, 19).replace(/:/g, '');
  const referencedSeries = (seg.ReferencedSeriesSequence as Dataset[])[0];
  const sourceRef = (referencedSeries.ReferencedInstanceSequence as Dataset[])[0];
  const source = { ReferencedSOPClassUID: sourceRef.ReferencedSOPClassUID, ReferencedSOPInstanceUID: sourceRef.ReferencedSOPInstanceUID };
  const segRef = (segment: number): Item => ({ ReferencedSOPClassUID: seg.SOPClassUID, ReferencedSOPInstanceUID: seg.SOPInstanceUID, ReferencedSegmentNumber: [segment] });
  const spacing = spacingDescription(item.image);
  const group = (label: string, site: Code, segments: number[], valueCm2: number): Item =>
    container('CONTAINS', codes.group, [
      text('HAS OBS CONTEXT', codes.trackingId, label),
      uidRef('HAS OBS CONTEXT', codes.trackingUid, DicomMetaDictionary.uid()),
      codeItem('CONTAINS', codes.finding, codes.anatomicalStructure),
      codeItem('HAS CONCEPT MOD', codes.findingSite, site),
      ...segments.map((segment) => image('CONTAINS', codes.referencedSegment, segRef(segment))),
      image('CONTAINS', codes.source, source),
      areaItem(valueCm2),
      text('CONTAINS', codes.comment, spacing),
    ]);
  const sopInstanceUid = DicomMetaDictionary.uid();
  const evidence = [
    { SeriesInstanceUID: referencedSeries.SeriesInstanceUID, ReferencedSOPSequence: [source] },
    { SeriesInstanceUID: seg.SeriesInstanceUID, ReferencedSOPSequence: [{ ReferencedSOPClassUID: seg.SOPClassUID, ReferencedSOPInstanceUID: seg.SOPInstanceUID }] },
  ];
  return {
    SpecificCharacterSet: 'ISO_IR 192',
    SOPClassUID: comprehensiveSr,
    SOPInstanceUID: sopInstanceUid,
    Modality: 'SR',
    PatientName: seg.PatientName ?? '',
    PatientID: seg.PatientID ?? '',
    PatientBirthDate: seg.PatientBirthDate ?? '',
    PatientSex: seg.PatientSex ?? '',
    StudyInstanceUID: seg.StudyInstanceUID,
    StudyDate: seg.StudyDate ?? '',
    StudyTime: seg.StudyTime ?? '',
    ReferringPhysicianName: seg.ReferringPhysicianName ?? '',
    StudyID: seg.StudyID ?? '',
    AccessionNumber: seg.AccessionNumber ?? '',
    SeriesInstanceUID: DicomMetaDictionary.uid(),
    SeriesNumber: '301',
    SeriesDescription: 'Lung areas (Pleura)',
    ReferencedPerformedProcedureStepSequence: [],
    Manufacturer: 'Pleura',
    InstanceNumber: '1',
    CompletionFlag: 'COMPLETE',
    VerificationFlag: 'UNVERIFIED',
    ContentDate: date,
    ContentTime: time,
    PerformedProcedureCodeSequence: [code(codes.chestXray)],
    CurrentRequestedProcedureEvidenceSequence: [{ StudyInstanceUID: seg.StudyInstanceUID, ReferencedSeriesSequence: evidence }],
    ValueType: 'CONTAINER',
    ConceptNameCodeSequence: [code(codes.report)],
    ContinuityOfContent: 'SEPARATE',
    ContentTemplateSequence: [{ MappingResource: 'DCMR', TemplateIdentifier: '1500' }],
    ContentSequence: [
      codeItem('HAS CONCEPT MOD', codes.language, codes.english),
      codeItem('HAS OBS CONTEXT', codes.observerType, codes.device),
      uidRef('HAS OBS CONTEXT', codes.deviceUid, deviceObserverUid),
      text('HAS OBS CONTEXT', codes.deviceName, 'Pleura'),
      codeItem('HAS CONCEPT MOD', codes.procedure, codes.chestXray),
      container('CONTAINS', codes.imageLibrary, [container('CONTAINS', codes.imageLibraryGroup, [image('CONTAINS', null, source)])]),
      container('CONTAINS', codes.measurements, [
        group('Right lung', codes.rightLung, [1], areas.rightCm2),
        group('Left lung', codes.leftLung, [2], areas.leftCm2),
        group('Both lungs', codes.lung, [1, 2], areas.totalCm2),
      ]),
    ],
  };
}

