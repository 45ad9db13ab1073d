import { createHash, randomBytes } from 'node:crypto';

/** A naturalized DICOM dataset as dcmjs represents it (keyword → value). */
export type Dataset = Record<string, unknown>;

/**
 * Attributes of the DICOM PS3.15 Annex E Basic Application Level Confidentiality Profile that can appear
 * in what Pleura writes. `Z`: replace with an empty (or dummy) value; `X`: remove. UIDs (`U`) are mapped
 * by {@link UidMapper}. Private attributes (hex keys with an odd group) are removed.
 */
const profile: Record<string, 'Z' | 'X' | 'D'> = {
  PatientName: 'D', PatientID: 'D', PatientBirthDate: 'Z', PatientSex: 'Z', PatientAge: 'X', PatientBirthTime: 'X',
  OtherPatientIDs: 'X', OtherPatientNames: 'X', PatientAddress: 'X', PatientTelephoneNumbers: 'X', PatientWeight: 'X', PatientSize: 'X',
  EthnicGroup: 'X', PatientComments: 'X', MedicalRecordLocator: 'X', PatientMotherBirthName: 'X', MilitaryRank: 'X',
  StudyDate: 'Z', StudyTime: 'Z', SeriesDate: 'X', SeriesTime: 'X', ContentDate: 'Z', ContentTime: 'Z', AcquisitionDate: 'X', AcquisitionTime: 'X',
  InstanceCreationDate: 'X', InstanceCreationTime: 'X', AccessionNumber: 'Z', StudyID: 'Z', ReferringPhysicianName: 'Z',
  PerformingPhysicianName: 'X', OperatorsName: 'X', NameOfPhysiciansReadingStudy: 'X', PhysiciansOfRecord: 'X',
  InstitutionName: 'X', InstitutionAddress: 'X', InstitutionalDepartmentName: 'X', StationName: 'X', DeviceSerialNumber: 'X',
  StudyDescription: 'X', SeriesDescription: 'X', RequestingPhysician: 'X', RequestAttributesSequence: 'X', ContentCreatorName: 'Z',
  AdmittingDiagnosesDescription: 'X', AdditionalPatientHistory: 'X', ImageComments: 'X', IssuerOfPatientID: 'X',
};

/** UID attributes that name a class or syntax, not an instance: kept as they are. */
const classUids = new Set(['SOPClassUID', 'ReferencedSOPClassUID', 'MediaStorageSOPClassUID', 'TransferSyntaxUID', 'ImplementationClassUID', 'CodingSchemeUID', 'ContextGroupExtensionCreatorUID', 'MappingResourceUID']);

/**
 * Maps instance UIDs to new ones, the same UID always to the same new UID within one export (so a SEG's
 * references to its study and image stay consistent). New UIDs are 2.25.<128-bit hash with a secret
 * salt>, so they cannot be traced back by hashing known UIDs.
 */
export class UidMapper {
  private readonly salt = randomBytes(32);
  private readonly map = new Map<string, string>();

  uid(original: string): string {
    let mapped = this.map.get(original);
    if (!mapped) {
      const digest = createHash('sha256').update(this.salt).update(original).digest('hex').slice(0, 32);
      mapped = `2.25.${BigInt(`0x${digest}`).toString()}`;
      this.map.set(original, mapped);
    }
    return mapped;
  }
}

/** Pseudonym for the patient: the same patient gets the same pseudonym within one export. */
function pseudonym(value: unknown, uids: UidMapper): string {
  const text = JSON.stringify(value ?? '');
  return `ANON-${uids.uid(`patient:${text}`).slice(-8)}`;
}

/**
 * De-identifies a naturalized dataset in place (recursing into sequences) per the basic profile, and
 * marks it: PatientIdentityRemoved = YES, DeidentificationMethod and its code sequence.
 */
export function deidentifyDataset(dataset: Dataset, uids: UidMapper, options: { top?: boolean } = { top: true }): Dataset {
  for (const key of Object.keys(dataset)) {
    const value = dataset[key];
    const action = profile[key];
    if (/^[0-9A-F]{8}$/i.test(key) && parseInt(key.slice(0, 4), 16) % 2 === 1) delete dataset[key];
    else if (action === 'X') delete dataset[key];
    else if (action === 'Z') dataset[key] = '';
    else if (action === 'D') dataset[key] = key === 'PatientName' ? [{ Alphabetic: pseudonym(dataset.PatientID ?? value, uids) }] : pseudonym(value, uids);
    else if (key.endsWith('UID') && !classUids.has(key) && typeof value === 'string' && value) dataset[key] = uids.uid(value);
    else if (Array.isArray(value) && value.every((v) => typeof v === 'object' && v !== null && !ArrayBuffer.isView(v) && !(v instanceof ArrayBuffer) && !('Alphabetic' in v))) {
      for (const item of value) deidentifyDataset(item as Dataset, uids, { top: false });
    } else if (typeof value === 'object' && value !== null && !Array.isArray(value) && !ArrayBuffer.isView(value) && !(value instanceof ArrayBuffer)) {
      deidentifyDataset(value as Dataset, uids, { top: false });
    }
  }
  if (options.top) {
    dataset.PatientIdentityRemoved = 'YES';
    dataset.DeidentificationMethod = 'Pleura: DICOM PS3.15 Basic Application Level Confidentiality Profile';
    dataset.DeidentificationMethodCodeSequence = [{ CodeValue: '113100', CodingSchemeDesignator: 'DCM', CodeMeaning: 'Basic Application Confidentiality Profile' }];
    dataset.LongitudinalTemporalInformationModified = 'REMOVED';
  }
  return dataset;
}
