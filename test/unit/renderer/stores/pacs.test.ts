import { beforeEach, describe, expect, it } from 'vitest';
import type { PacsConnection, PacsRetrieveReport, PacsSeries, PacsStudy } from '../../../../src-shared/api';
import { usePacsStore } from '../../../../src-renderer/src/stores/pacs';
import { useMessagesStore } from '../../../../src-renderer/src/stores/messages';
import { fakeApi, installStores, ok } from '../fake-api';

const connection: PacsConnection = { id: 'c1', name: 'Orthanc', baseUrl: 'http://pacs/dicom-web', auth: 'basic', user: 'u', hasSecret: true, timeoutMs: 30_000 };
const study: PacsStudy = { studyInstanceUid: '1.2.3', patientId: 'P1', patientName: 'Doe^Jane', studyDate: '20240105', description: '', accession: 'A1', modalities: ['CR'], seriesCount: 3, instanceCount: 4 };
const instance = (uid: string, skip: PacsSeries['instances'][number]['skip'], imageId: string | null = null) => ({ sopInstanceUid: uid, sopClassUid: '1.2', instanceNumber: 1, modality: 'CR', viewPosition: 'PA', skip, imageId });
const series: PacsSeries[] = [
  { seriesInstanceUid: '1.2.3.1', modality: 'CR', seriesNumber: 1, description: 'PA', instances: [instance('1.1', null), instance('1.2', null, 'img-1')] },
  { seriesInstanceUid: '1.2.3.2', modality: 'CR', seriesNumber: 2, description: 'LL', instances: [instance('2.1', 'lateral')] },
  { seriesInstanceUid: '1.2.3.3', modality: 'SEG', seriesNumber: 300, description: 'SEG', instances: [instance('3.1', 'seg')] },
];

describe('pacs store', () => {
  let fake: ReturnType<typeof fakeApi>;
  const retrieveCalls: unknown[] = [];
  beforeEach(() => {
    retrieveCalls.length = 0;
    fake = fakeApi({
      pacs: {
        connections: () => ok([connection]),
        searchStudies: () => ok([study]),
        listSeries: () => ok(series),
        retrieve: (_id: string, options: unknown) => {
          retrieveCalls.push(options);
          return ok({ jobId: 'job-1' });
        },
      },
      project: { current: () => ok(null), listImages: () => ok([]) },
      jobs: { list: () => ok([]) },
    });
    installStores(fake.api);
  });

  it('picks the first connection, preselects only series with films, and retrieves those as a job', async () => {
    const pacs = usePacsStore();
    await pacs.loadConnections();
    expect(pacs.connection?.id).toBe('c1');
    await pacs.search({ patientId: 'P1' });
    expect(pacs.studies).toEqual([study]);
    await pacs.openStudy(study);
    expect(pacs.selectedSeries).toEqual(['1.2.3.1']);
    const running = pacs.retrieve();
    await new Promise((resolve) => setTimeout(resolve, 0));
    expect(retrieveCalls).toEqual([{ studyInstanceUid: '1.2.3', seriesInstanceUids: ['1.2.3.1'] }]);
    expect(pacs.retrieving).toBe(true);
    const report: PacsRetrieveReport = { studyInstanceUid: '1.2.3', imported: [{ sopInstanceUid: '1.1', imageId: 'img-2' }], alreadyInProject: [{ sopInstanceUid: '1.2', imageId: 'img-1' }], skipped: [], failed: [{ sopInstanceUid: '9', code: 'corrupt', reason: 'bad JPEG' }] };
    fake.emit('job', { type: 'result', jobId: 'job-1', kind: 'import', value: report });
    await running;
    expect(pacs.retrieving).toBe(false);
    expect(pacs.lastRetrieve).toEqual(report);
    const messages = useMessagesStore();
    expect(messages.messages.at(-1)).toMatchObject({ kind: 'warning', key: 'pacs.retrieved', params: { count: 1, failed: 1 } });
  });

  it('shows a failed search with its code and keeps the previous results', async () => {
    const pacs = usePacsStore();
    await pacs.loadConnections();
    await pacs.search({});
    (fake.api.pacs.searchStudies as unknown as { mockResolvedValueOnce(v: unknown): void }).mockResolvedValueOnce({ ok: false, code: 'unauthorized', reason: 'The PACS refused the credentials.' });
    await pacs.search({});
    expect(pacs.studies).toEqual([study]);
    expect(useMessagesStore().messages.at(-1)).toMatchObject({ kind: 'error', key: 'errors.pacs', params: { code: 'unauthorized' } });
  });
});
