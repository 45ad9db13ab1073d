import { defineStore } from 'pinia';
import { computed, ref } from 'vue';
import type { PacsConnection, PacsConnectionInput, PacsQuery, PacsRetrieveReport, PacsSendReport, PacsSeries, PacsStudy } from '../../../src-shared/api';
import { useApi } from './api';
import { useJobsStore } from './jobs';
import { useMessagesStore } from './messages';
import { useProjectStore } from './project';

/**
 * The study browser: PACS connections, a study search, the series of the study looked at, and
 * retrieve / send as jobs (their progress and cancel are the job bar's). Secrets go to main once, in
 * saveConnection, and never come back.
 */
export const usePacsStore = defineStore('pacs', () => {
  const api = useApi();
  const jobs = useJobsStore();
  const messages = useMessagesStore();
  const project = useProjectStore();
  const connections = ref<PacsConnection[]>([]);
  const connectionId = ref<string | null>(null);
  const studies = ref<PacsStudy[]>([]);
  const searched = ref(false);
  const study = ref<PacsStudy | null>(null);
  const series = ref<PacsSeries[]>([]);
  const selectedSeries = ref<string[]>([]);
  const busy = ref(false);
  const retrieveJobId = ref<string | null>(null);
  const sendJobId = ref<string | null>(null);
  const lastRetrieve = ref<PacsRetrieveReport | null>(null);
  const lastSend = ref<PacsSendReport | null>(null);

  const connection = computed(() => connections.value.find((c) => c.id === connectionId.value) ?? null);
  const retrieving = computed(() => !!retrieveJobId.value && jobs.jobs[retrieveJobId.value]?.state === 'running');
  const sending = computed(() => !!sendJobId.value && jobs.jobs[sendJobId.value]?.state === 'running');

  async function loadConnections(): Promise<void> {
    const result = await api.pacs.connections();
    if (!result.ok) return void messages.failure('errors.pacs', result);
    connections.value = result.value;
    if (!connection.value) connectionId.value = result.value[0]?.id ?? null;
  }

  async function saveConnection(input: PacsConnectionInput): Promise<boolean> {
    const result = await api.pacs.saveConnection(input);
    if (!result.ok) {
      messages.failure('errors.pacs', result);
      return false;
    }
    await loadConnections();
    connectionId.value = result.value.id;
    return true;
  }

  async function removeConnection(id: string): Promise<void> {
    const result = await api.pacs.removeConnection(id);
    if (!result.ok) return void messages.failure('errors.pacs', result);
    if (connectionId.value === id) connectionId.value = null;
    await loadConnections();
  }

  async function search(query: PacsQuery): Promise<void> {
    if (!connectionId.value) return;
    busy.value = true;
    const result = await api.pacs.searchStudies(connectionId.value, query);
    busy.value = false;
    searched.value = true;
    if (!result.ok) return void messages.failure('errors.pacs', result);
    studies.value = result.value;
    study.value = null;
    series.value = [];
  }

  async function openStudy(target: PacsStudy): Promise<void> {
    if (!connectionId.value) return;
    study.value = target;
    busy.value = true;
    const result = await api.pacs.listSeries(connectionId.value, target.studyInstanceUid);
    busy.value = false;
    if (!result.ok) return void messages.failure('errors.pacs', result);
    series.value = result.value;
    selectedSeries.value = result.value.filter((s) => s.instances.some((i) => i.skip === null)).map((s) => s.seriesInstanceUid);
  }

  async function retrieve(): Promise<void> {
    if (!connectionId.value || !study.value) return;
    const studyUid = study.value.studyInstanceUid;
    const result = await api.pacs.retrieve(connectionId.value, { studyInstanceUid: studyUid, seriesInstanceUids: [...selectedSeries.value] });
    if (!result.ok) return void messages.failure('errors.pacs', result);
    retrieveJobId.value = result.value.jobId;
    jobs.track(result.value.jobId, 'import');
    const settled = await jobs.whenSettled(result.value.jobId);
    await project.refresh();
    if (settled.state === 'done') {
      lastRetrieve.value = settled.result as PacsRetrieveReport;
      messages.push(lastRetrieve.value.failed.length ? 'warning' : 'success', 'pacs.retrieved', { count: lastRetrieve.value.imported.length, failed: lastRetrieve.value.failed.length });
    }
    if (study.value?.studyInstanceUid === studyUid) await openStudy(study.value);
  }

  /** Sends SEG + SR of the given images, or of every approved image when none are given. */
  async function send(imageIds?: string[]): Promise<void> {
    if (!connectionId.value) return;
    const result = await api.pacs.send(connectionId.value, imageIds ? { imageIds } : {});
    if (!result.ok) return void messages.failure('errors.pacs', result);
    sendJobId.value = result.value.jobId;
    jobs.track(result.value.jobId, 'export');
    const settled = await jobs.whenSettled(result.value.jobId);
    if (settled.state === 'done') {
      lastSend.value = settled.result as PacsSendReport;
      messages.push(lastSend.value.skipped.length ? 'warning' : 'success', 'pacs.sent', { count: lastSend.value.sent.length, skipped: lastSend.value.skipped.length });
    }
  }

  return { connections, connectionId, connection, studies, searched, study, series, selectedSeries, busy, retrieving, sending, retrieveJobId, lastRetrieve, lastSend, loadConnections, saveConnection, removeConnection, search, openStudy, retrieve, send };
});
