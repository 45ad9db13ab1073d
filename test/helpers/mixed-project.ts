import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import dcmjs from 'dcmjs';
import { ProjectStore } from '../../src-main/services/project/store';
import { importFiles, importPaths } from '../../src-main/services/project/import';
import { quietly, readDicom } from '../../src-main/services/export/dicom-io';
import type { LabelMask } from '../../src-shared/api/masks';
import { fixturePath } from './paths';

/** PHI written into the explicit-VR chest CR, so de-identification has something to remove. */
export const phi = { name: 'Doe^Jane', id: 'MRN-77421', birth: '19500102', institution: 'St Elsewhere Hospital', accession: 'ACC998877', studyDate: '20200304' };

/**
 * DICOM films of the mixed project, one per transfer syntax family Pleura reads, with what each tests:
 * `gdcm-CR...` explicit VR LE (PHI added), SIIM CR JPEG baseline (Secondary Capture class, no Burned
 * In Annotation: suspected), `966_fixed` JPEG 2000 DX (a 56-character AccessionNumber, Burned In
 * Annotation NO), `RG1_JLSN` JPEG-LS near-lossless (PixelSpacing 0\0), the RLE copy of the chest CR.
 */
export const mixedDicoms = ['1.2.276.0.7230010.3.1.4.8323329.6904.1517875201.850819.dcm', '966_fixed.dcm', 'RG1_JLSN.dcm', 'derived_CR-MONO1-10-chest_RLE.dcm'];

/** The chest CR fixture with {@link phi} written into it. */
export async function chestWithPhi(): Promise<{ bytes: Uint8Array; dataset: Record<string, unknown> }> {
  const original = readDicom(new Uint8Array(await readFile(fixturePath('dicom', 'gdcm-CR-MONO1-10-chest.dcm'))));
  const dataset: Record<string, unknown> = { ...original, PatientName: [{ Alphabetic: phi.name }], PatientID: phi.id, PatientBirthDate: phi.birth, InstitutionName: phi.institution, StudyDate: phi.studyDate, AccessionNumber: phi.accession, PixelSpacing: [0.2, 0.25] };
  const meta = { FileMetaInformationVersion: new Uint8Array([0, 1]).buffer, MediaStorageSOPClassUID: dataset.SOPClassUID, MediaStorageSOPInstanceUID: dataset.SOPInstanceUID, TransferSyntaxUID: '1.2.840.10008.1.2.1', ImplementationClassUID: '2.25.1' };
  const bytes = quietly(() => {
    const dict = new dcmjs.data.DicomDict(dcmjs.data.DicomMetaDictionary.denaturalizeDataset(meta));
    dict.dict = dcmjs.data.DicomMetaDictionary.denaturalizeDataset(dataset);
    return new Uint8Array(dict.write({ allowInvalidVRLength: true }));
  });
  return { bytes, dataset };
}

/** A label mask with labels 0, 1 and 2 in a pattern that depends on `seed`. */
export function stripeMask(widthPx: number, heightPx: number, seed: number): LabelMask {
  const data = new Uint8Array(widthPx * heightPx);
  for (let y = 0; y < heightPx; y++) {
    for (let x = 0; x < widthPx; x++) data[y * widthPx + x] = ((x * 3 + y * 5 + seed) % 7) % 3;
  }
  return { widthPx, heightPx, data };
}

/**
 * A project with two PNG films (with their reference masks) and five DICOM films of five transfer
 * syntaxes, each DICOM with a model mask. Every film is approved except `unapprovedName`.
 */
export async function createMixedProject(root: string): Promise<{ store: ProjectStore; masks: Map<string, LabelMask>; chestId: string; chest: Record<string, unknown>; unapprovedId: string }> {
  const store = await ProjectStore.create(join(root, 'project'));
  const folder = await importPaths(store, [fixturePath('project', 'images')], { masks: 'import' });
  if (folder.rejected.length) throw new Error(`fixture PNGs rejected: ${JSON.stringify(folder.rejected)}`);
  const chest = await chestWithPhi();
  const files = [{ name: 'chest.dcm', bytes: chest.bytes }];
  for (const name of mixedDicoms) files.push({ name, bytes: new Uint8Array(await readFile(fixturePath('dicom', name))) });
  const dropped = await importFiles(store, files);
  if (dropped.rejected.length) throw new Error(`fixture DICOMs rejected: ${JSON.stringify(dropped.rejected)}`);
  const masks = new Map<string, LabelMask>();
  for (const [seed, record] of dropped.imported.entries()) {
    await store.saveRevision(record.id, stripeMask(record.widthPx, record.heightPx, seed), { source: { kind: 'model', modelId: 'unet', modelVersion: '3' } });
  }
  const chestId = dropped.imported.find((r) => r.name === 'chest.dcm')!.id;
  let unapprovedId = '';
  for (const record of store.listImages()) {
    masks.set(record.id, (await store.loadRevision(record.id))!.mask);
    if (record.name === 'RG1_JLSN.dcm') unapprovedId = record.id;
    else await store.setStatus(record.id, 'approved');
  }
  return { store, masks, chestId, chest: chest.dataset, unapprovedId };
}
