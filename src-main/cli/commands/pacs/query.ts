import type { PacsQuery } from '../../../../src-shared/api/pacs';
import { searchStudies } from '../../../services/pacs/study';
import { UsageError, type CliCommand } from '../../command';
import { clientFromArgs, connectionOptions, connectionUsage } from './target';

/** `FROM-TO`, `FROM-` or `-TO` in YYYYMMDD (dashes inside dates allowed: 2024-01-05-2024-02-01). */
export function parseDateRange(value: string): { studyDateFrom?: string; studyDateTo?: string } {
  const digits = value.replace(/(\d{4})-(\d{2})-(\d{2})/g, '$1$2$3');
  const match = /^(\d{8})?-(\d{8})?$/.exec(digits) ?? (/^(\d{8})$/.exec(digits) ? [digits, digits, digits] : null);
  if (!match || (!match[1] && !match[2])) throw new UsageError('--study-date must be FROM-TO in YYYYMMDD (either side may be empty), or one date.');
  return { ...(match[1] ? { studyDateFrom: match[1] } : {}), ...(match[2] ? { studyDateTo: match[2] } : {}) };
}

export const pacsQueryCommand: CliCommand = {
  name: 'query',
  summary: 'Search a PACS for studies (QIDO-RS)',
  usage: [
    'pleura pacs query --url URL [--patient-id ID] [--patient-name NAME] [--modality CR,DX] [--study-date FROM-TO] [--accession N] [--limit N] [--json]',
    '',
    connectionUsage,
    '  --patient-name N   DICOM wildcards * and ?; a plain name matches as a prefix',
    '  --modality LIST    modalities in the study, comma-separated (default CR,DX)',
    '  --study-date R     YYYYMMDD-YYYYMMDD, either side may be empty',
  ].join('\n'),
  options: { ...connectionOptions, 'patient-id': { type: 'string' }, 'patient-name': { type: 'string' }, modality: { type: 'string' }, 'study-date': { type: 'string' }, accession: { type: 'string' }, limit: { type: 'string' } },
  allowPositionals: false,
  async run({ values }, io) {
    const { client } = await clientFromArgs(values);
    const modalities = typeof values.modality === 'string' ? values.modality.split(',').map((m) => m.trim().toUpperCase()).filter(Boolean) : undefined;
    if (modalities?.some((m) => !/^[A-Z]{1,16}$/.test(m))) throw new UsageError('--modality takes DICOM modality codes such as CR,DX.');
    const limit = values.limit === undefined ? undefined : Number(values.limit);
    if (limit !== undefined && !(Number.isInteger(limit) && limit > 0)) throw new UsageError('--limit must be a positive whole number.');
    const query: PacsQuery = {
      ...(typeof values['patient-id'] === 'string' ? { patientId: values['patient-id'] } : {}),
      ...(typeof values['patient-name'] === 'string' ? { patientName: values['patient-name'] } : {}),
      ...(typeof values.accession === 'string' ? { accession: values.accession } : {}),
      ...(typeof values['study-date'] === 'string' ? parseDateRange(values['study-date']) : {}),
      ...(modalities ? { modalities } : {}),
      ...(limit ? { limit } : {}),
    };
    const studies = await searchStudies(client, query);
    if (io.json) {
      io.result(studies);
      return;
    }
    io.out(`${studies.length} stud${studies.length === 1 ? 'y' : 'ies'}`);
    for (const s of studies) {
      io.out(`${s.studyDate || '--------'}  ${s.patientId.padEnd(12)} ${s.patientName.padEnd(20)} ${s.modalities.join('/').padEnd(6)} ${String(s.seriesCount ?? '?').padStart(3)} series ${String(s.instanceCount ?? '?').padStart(4)} images  acc ${s.accession || '-'}  ${s.studyInstanceUid}`);
    }
  },
};
