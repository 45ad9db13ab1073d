import type { Dataset } from './dicom-io';
import type { Pseudonyms } from './pseudonym';
import * as vr from './vr';

/**
 * What a de-identified file says about how: PS3.15 Annex E Basic Application Level Confidentiality
 * Profile with no options (no Clean Pixel Data: films suspected of burned-in text are refused unless
 * the user confirms; no Retain options: dates, descriptors, device and institution identity go).
 * The method text stays within LO's 64 characters.
 */
export const deidentificationMethod = 'PS3.15 E.1 Basic Profile, no options (Pleura)';
export const deidentificationCodes = [{ CodeValue: '113100', CodingSchemeDesignator: 'DCM', CodeMeaning: 'Basic Application Confidentiality Profile' }];

/** The copy carries no Specific Character Set: free text it keeps must be plain ASCII. */
function ascii(check: (value: unknown) => string | undefined): (value: unknown) => string | undefined {
  return (value) => {
    const s = check(value);
    return s !== undefined && /^[\x20-\x7e]*$/.test(s) ? s : undefined;
  };
}

/**
 * Attributes of a film that survive de-identification, with how each is checked: the image pixel and
 * presentation attributes a viewer needs and none of which the basic profile lists. Everything else
 * (every private attribute, every date, time, name, description, institution, device and operator
 * attribute, overlays, curves, icon images, comments) is removed, which the profile allows for any
 * attribute it does not require to be kept.
 */
const kept: Record<string, ((value: unknown) => unknown) | 'as-is'> = {
  SOPClassUID: vr.uid, Modality: vr.codeString, ImageType: imageType, ConversionType: vr.codeString,
  SeriesNumber: vr.integerString, InstanceNumber: vr.integerString, PatientOrientation: vr.patientOrientation,
  BodyPartExamined: vr.codeString, ViewPosition: vr.codeString, Laterality: vr.codeString, ImageLaterality: vr.codeString,
  PresentationIntentType: vr.codeString, PixelIntensityRelationship: vr.codeString, PixelIntensityRelationshipSign: 'as-is',
  SamplesPerPixel: 'as-is', PhotometricInterpretation: vr.codeString, Rows: 'as-is', Columns: 'as-is', BitsAllocated: 'as-is',
  BitsStored: 'as-is', HighBit: 'as-is', PixelRepresentation: 'as-is', PlanarConfiguration: 'as-is', NumberOfFrames: vr.integerString,
  PixelData: 'as-is', PixelSpacing: vr.pixelSpacing, ImagerPixelSpacing: vr.pixelSpacing, PixelSpacingCalibrationType: vr.codeString,
  EstimatedRadiographicMagnificationFactor: 'as-is', PixelAspectRatio: 'as-is', RescaleIntercept: 'as-is', RescaleSlope: 'as-is',
  RescaleType: vr.codeString, WindowCenter: 'as-is', WindowWidth: 'as-is', VOILUTFunction: vr.codeString, VOILUTSequence: 'as-is',
  ModalityLUTSequence: 'as-is', PresentationLUTShape: vr.codeString, LossyImageCompression: vr.codeString,
  LossyImageCompressionRatio: 'as-is', LossyImageCompressionMethod: 'as-is', BurnedInAnnotation: vr.codeString,
  RecognizableVisualFeatures: vr.codeString, ImagePositionPatient: 'as-is', ImageOrientationPatient: 'as-is',
  SmallestImagePixelValue: 'as-is', AnatomicRegionSequence: 'as-is', DetectorType: vr.codeString, PositionerType: vr.codeString, LargestImagePixelValue: 'as-is', Manufacturer: ascii(vr.longString), ManufacturerModelName: ascii(vr.longString),
};

/** ImageType as two or more CS values: an 'ORIGINAL PRIMARY' written as one value is split. */
function imageType(value: unknown): string[] | undefined {
  const values = (Array.isArray(value) ? value : [value]).flatMap((v) => (typeof v === 'string' ? v.trim().split(/\s+/) : []));
  return values.length >= 2 && values.every((v) => vr.codeString(v) !== undefined) ? values : undefined;
}

/** Type 2 attributes of the General Series, Equipment and Image modules (and of DX, below). */
const generalType2: Dataset = { SeriesNumber: '', InstanceNumber: '', PatientOrientation: '', Manufacturer: '' };
const dxType2: Dataset = { DetectorType: '', PositionerType: '', AnatomicRegionSequence: [], AcquisitionContextSequence: [] };

/** CID 4031 Chest. */
const chest = { CodeValue: '43799004', CodingSchemeDesignator: 'SCT', CodeMeaning: 'Chest' };

/** Instance UIDs of a film: replaced by the project's keyed mapping, so references between files agree. */
const instanceUids = ['SOPInstanceUID', 'StudyInstanceUID', 'SeriesInstanceUID', 'FrameOfReferenceUID'];

/**
 * A de-identified copy of a film (a new dataset; the source is untouched): kept attributes checked
 * against their VR, UIDs mapped, the patient replaced by the project's pseudonym, Type 2 identifying
 * attributes present and empty, and the de-identification recorded.
 */
export function deidentifyFilm(source: Dataset, pseudonyms: Pseudonyms): Dataset {
  const film: Dataset = {};
  for (const [key, check] of Object.entries(kept)) {
    if (!(key in source)) continue;
    const value = check === 'as-is' ? source[key] : check(source[key]);
    if (value !== undefined && value !== null) film[key] = value;
  }
  for (const key of instanceUids) {
    const value = vr.uid(source[key]);
    // Some files reuse the study UID as the series UID (invalid); the copy gets a series UID of its own.
    if (value) film[key] = pseudonyms.uid(key === 'SeriesInstanceUID' && value === source.StudyInstanceUID ? `series:${value}` : value);
  }
  // Type 2 attributes of the film's modules that the source lacked: present, empty.
  const type2 = /^1\.2\.840\.10008\.5\.1\.4\.1\.1\.1\.1/.test(String(film.SOPClassUID)) ? { ...generalType2, ...dxType2 } : generalType2;
  for (const [key, empty] of Object.entries(type2)) if (!(key in film)) film[key] = empty;
  // An empty AnatomicRegionSequence means "unknown", which a BodyPartExamined of CHEST contradicts.
  if (film.BodyPartExamined === 'CHEST' && Array.isArray(film.AnatomicRegionSequence) && film.AnatomicRegionSequence.length === 0) film.AnatomicRegionSequence = [chest];
  const patient = pseudonyms.patient(typeof source.PatientID === 'string' && source.PatientID ? source.PatientID : `study:${String(source.StudyInstanceUID)}`);
  Object.assign(film, {
    PatientName: [{ Alphabetic: `ANON^${patient}` }],
    PatientID: `ANON-${patient}`,
    PatientBirthDate: '',
    PatientSex: '',
    StudyDate: '',
    StudyTime: '',
    ReferringPhysicianName: '',
    StudyID: '',
    AccessionNumber: '',
    PatientIdentityRemoved: 'YES',
    DeidentificationMethod: deidentificationMethod,
    DeidentificationMethodCodeSequence: deidentificationCodes,
    LongitudinalTemporalInformationModified: 'REMOVED',
  });
  if (source._vrMap) film._vrMap = source._vrMap;
  return film;
}
