import type { PacsInstance, PacsQuery, PacsSeries, PacsSkipKind, PacsStudy } from '../../../src-shared/api/pacs';
import { say } from '../../../src-shared/api/text';
import { PleuraError } from '../../../src-shared/api/result';
import { numberOf, stringOf, stringsOf, type DicomJson, type DicomWebClient } from './dicomweb';

/** Modalities of projection radiographs Pleura imports as films. */
export const filmModalities = new Set(['CR', 'DX', 'DR', 'RG', 'RF']);
/** Default modality filter of a study search. */
export const defaultQueryModalities = ['CR', 'DX'];

const segmentationClass = '1.2.840.10008.5.1.4.1.1.66.4';
const srClassPrefix = '1.2.840.10008.5.1.4.1.1.88.';
/** View Position values of lateral and decubitus-lateral views (PS3.16 CID 4010 and common vendor values). */
const lateralViews = /^(LL|RL|LLD|RLD|LAT|.*LATERAL.*)$/i;

/**
 * QIDO-RS study search. Several modalities are asked one at a time and merged: many archives
 * (Orthanc among them) match ModalitiesInStudy against one value only.
 */
export async function searchStudies(client: DicomWebClient, query: PacsQuery, signal?: AbortSignal): Promise<PacsStudy[]> {
  const limit = query.limit ?? 100;
  const name = query.patientName?.trim();
  const params: Record<string, string | undefined> = {
    PatientID: query.patientId?.trim() || undefined,
    PatientName: name ? (/[*?]/.test(name) ? name : `${name}*`) : undefined,
    AccessionNumber: query.accession?.trim() || undefined,
    StudyDate: query.studyDateFrom || query.studyDateTo ? `${query.studyDateFrom ?? ''}-${query.studyDateTo ?? ''}` : undefined,
    limit: String(limit),
    includefield: '00081030,00201206,00201208,00080061',
  };
  const modalities = query.modalities?.length ? query.modalities : defaultQueryModalities;
  const byUid = new Map<string, PacsStudy>();
  for (const modality of modalities) {
    for (const item of await client.search('studies', { ...params, ModalitiesInStudy: modality }, signal)) {
      const study = toStudy(item);
      if (study.studyInstanceUid && !byUid.has(study.studyInstanceUid)) byUid.set(study.studyInstanceUid, study);
    }
  }
  return [...byUid.values()].sort((a, b) => b.studyDate.localeCompare(a.studyDate) || a.patientName.localeCompare(b.patientName)).slice(0, limit);
}

function toStudy(item: DicomJson): PacsStudy {
  return {
    studyInstanceUid: stringOf(item, '0020000D'),
    patientId: stringOf(item, '00100020'),
    patientName: stringOf(item, '00100010'),
    studyDate: stringOf(item, '00080020'),
    description: stringOf(item, '00081030'),
    accession: stringOf(item, '00080050'),
    modalities: stringsOf(item, '00080061'),
    seriesCount: numberOf(item, '00201206'),
    instanceCount: numberOf(item, '00201208'),
  };
}

/** Why an instance is not a film Pleura imports, or null when it is one. */
export function classifyInstance(item: DicomJson): PacsSkipKind | null {
  const modality = stringOf(item, '00080060').toUpperCase();
  const sopClass = stringOf(item, '00080016');
  if (modality === 'SEG' || sopClass === segmentationClass) return 'seg';
  if (modality === 'SR' || sopClass.startsWith(srClassPrefix)) return 'sr';
  if (numberOf(item, '00280010') === null || numberOf(item, '00280011') === null) return 'non-image';
  if (!filmModalities.has(modality)) return 'modality';
  if (lateralViews.test(stringOf(item, '00185101').trim())) return 'lateral';
  return null;
}

/**
 * The series and instances of a study from its WADO-RS metadata, classified. `inProject` maps a SOP
 * Instance UID to the project image that already holds it.
 */
export async function listStudySeries(client: DicomWebClient, studyUid: string, inProject: Map<string, string>, signal?: AbortSignal): Promise<PacsSeries[]> {
  const metadata = await client.studyMetadata(studyUid, signal);
  if (metadata.length === 0) throw new PleuraError('not-found', say('pacs.noInstances', { studyUid }));
  const series = new Map<string, PacsSeries>();
  for (const item of metadata) {
    const seriesUid = stringOf(item, '0020000E');
    const sopInstanceUid = stringOf(item, '00080018');
    if (!seriesUid || !sopInstanceUid) continue;
    let entry = series.get(seriesUid);
    if (!entry) {
      entry = { seriesInstanceUid: seriesUid, modality: stringOf(item, '00080060'), seriesNumber: numberOf(item, '00200011'), description: stringOf(item, '0008103E'), instances: [] };
      series.set(seriesUid, entry);
    }
    const instance: PacsInstance = {
      sopInstanceUid,
      sopClassUid: stringOf(item, '00080016'),
      instanceNumber: numberOf(item, '00200013'),
      modality: stringOf(item, '00080060'),
      viewPosition: stringOf(item, '00185101'),
      skip: classifyInstance(item),
      imageId: inProject.get(sopInstanceUid) ?? null,
    };
    entry.instances.push(instance);
  }
  const list = [...series.values()];
  for (const entry of list) entry.instances.sort((a, b) => (a.instanceNumber ?? 0) - (b.instanceNumber ?? 0));
  return list.sort((a, b) => (a.seriesNumber ?? 0) - (b.seriesNumber ?? 0));
}
