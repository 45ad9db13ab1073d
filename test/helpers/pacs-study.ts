import { readFileSync } from 'node:fs';
import dcmjs from 'dcmjs';
import { fixturePath } from './paths';

type Dataset = Record<string, unknown>;

function read(name: string): { meta: Dataset; dataset: Dataset } {
  const bytes = readFileSync(fixturePath('dicom', name));
  const dict = dcmjs.data.DicomMessage.readFile(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength));
  // Group lengths (gggg0000) are retired and dcmjs warns about each; they are recomputed on write anyway.
  for (const tag of Object.keys(dict.dict)) if (tag.endsWith('0000')) delete dict.dict[tag];
  return { meta: dcmjs.data.DicomMetaDictionary.naturalizeDataset(dict.meta) as Dataset, dataset: dcmjs.data.DicomMetaDictionary.naturalizeDataset(dict.dict) as Dataset };
}

function write(dataset: Dataset, transferSyntaxUid: string): Uint8Array {
  const meta = {
    FileMetaInformationVersion: new Uint8Array([0, 1]).buffer,
    MediaStorageSOPClassUID: dataset.SOPClassUID,
    MediaStorageSOPInstanceUID: dataset.SOPInstanceUID,
    TransferSyntaxUID: transferSyntaxUid,
    ImplementationClassUID: '2.25.1',
  };
  const dict = new dcmjs.data.DicomDict(dcmjs.data.DicomMetaDictionary.denaturalizeDataset(meta));
  dict.dict = dcmjs.data.DicomMetaDictionary.denaturalizeDataset(dataset);
  return new Uint8Array(dict.write({ allowInvalidVRLength: true }));
}

/** A study made for the PACS tests, with the SOP Instance UIDs of each kind of object in it. */
export interface TestStudy {
  studyInstanceUid: string;
  patientId: string;
  accession: string;
  files: Uint8Array[];
  films: string[];
  lateral: string[];
  undecodable: string[];
  nonImage: string[];
}

const newUid = () => dcmjs.data.DicomMetaDictionary.uid() as string;

/**
 * One chest study built from real fixture films (test/fixtures/dicom) with new UIDs: `films` PA chest
 * CRs (the GDCM CR-MONO1-10-chest pixels, 440x440, PixelSpacing 0.8 mm; or `filmFixture` as it is,
 * in its own transfer syntax), and on request a lateral
 * view (the same pixels, View Position LL), an undecodable film (RG2_JPLL with its JPEG codestream
 * header zeroed: Orthanc stores it, Pleura's decoder refuses it) and a non-image object (an
 * Encapsulated PDF). Patient and study attributes are the same in every object.
 */
export function makeTestStudy(options: { films: number; filmFixture?: string; lateral?: boolean; undecodable?: boolean; nonImage?: boolean; patientId?: string; accession?: string; studyDate?: string }): TestStudy {
  const studyInstanceUid = newUid();
  const patientId = options.patientId ?? `PLEURA-${Math.floor(Math.random() * 1e6)}`;
  const accession = options.accession ?? `ACC${Math.floor(Math.random() * 1e6)}`;
  const patient = {
    PatientName: [{ Alphabetic: 'Test^Pacs' }],
    PatientID: patientId,
    PatientBirthDate: '19600101',
    PatientSex: 'F',
    StudyInstanceUID: studyInstanceUid,
    StudyDate: options.studyDate ?? '20240105',
    StudyTime: '101500',
    StudyID: '1',
    AccessionNumber: accession,
    ReferringPhysicianName: '',
    StudyDescription: 'Chest PA',
  };
  const study: TestStudy = { studyInstanceUid, patientId, accession, files: [], films: [], lateral: [], undecodable: [], nonImage: [] };
  const chest = read(options.filmFixture ?? 'gdcm-CR-MONO1-10-chest.dcm');
  const filmSyntax = options.filmFixture ? String(chest.meta.TransferSyntaxUID) : '1.2.840.10008.1.2.1';
  const paSeries = newUid();
  const film = (view: string, series: string, seriesNumber: number, instanceNumber: number) => {
    const uid = newUid();
    const dataset = { ...chest.dataset, ...patient, SOPInstanceUID: uid, SeriesInstanceUID: series, SeriesNumber: String(seriesNumber), InstanceNumber: String(instanceNumber), Modality: 'CR', ViewPosition: view, BodyPartExamined: 'CHEST', ...(options.filmFixture ? {} : { PixelSpacing: [0.8, 0.8] }), SeriesDescription: `Chest ${view}` };
    study.files.push(write(dataset, filmSyntax));
    return uid;
  };
  for (let i = 0; i < options.films; i++) study.films.push(film('PA', paSeries, 1, i + 1));
  if (options.lateral) study.lateral.push(film('LL', newUid(), 2, 1));
  if (options.undecodable) {
    const source = read('RG2_JPLL.dcm');
    const uid = newUid();
    const frames = source.dataset.PixelData as ArrayBuffer[];
    new Uint8Array(frames[0]).fill(0, 0, 2);
    const dataset = { ...source.dataset, ...patient, SOPInstanceUID: uid, SeriesInstanceUID: newUid(), SeriesNumber: '3', InstanceNumber: '1', Modality: 'CR', ViewPosition: 'AP' };
    study.files.push(write(dataset, String(source.meta.TransferSyntaxUID)));
    study.undecodable.push(uid);
  }
  if (options.nonImage) {
    const uid = newUid();
    const pdf = Buffer.from('%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n');
    const dataset = {
      ...patient,
      SpecificCharacterSet: 'ISO_IR 100',
      SOPClassUID: '1.2.840.10008.5.1.4.1.1.104.1',
      SOPInstanceUID: uid,
      Modality: 'DOC',
      SeriesInstanceUID: newUid(),
      SeriesNumber: '4',
      InstanceNumber: '1',
      ConversionType: 'WSD',
      BurnedInAnnotation: 'NO',
      DocumentTitle: 'Referral',
      MIMETypeOfEncapsulatedDocument: 'application/pdf',
      EncapsulatedDocument: pdf.buffer.slice(pdf.byteOffset, pdf.byteOffset + pdf.byteLength + (pdf.byteLength % 2)),
      _vrMap: { EncapsulatedDocument: 'OB' },
    };
    study.files.push(write(dataset, '1.2.840.10008.1.2.1'));
    study.nonImage.push(uid);
  }
  return study;
}
