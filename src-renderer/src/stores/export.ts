import { defineStore } from 'pinia';
import { computed, ref } from 'vue';
import type { ExportOptions, ExportReport } from '../../../src-shared/api';
import { useApi } from './api';
import { useJobsStore } from './jobs';
import { useMessagesStore } from './messages';
import type { Said } from '../../../src-shared/api/text';

/** The Export dialog: one export job at a time, its progress through the jobs store, its report. */
export const useExportStore = defineStore('export', () => {
  const api = useApi();
  const jobs = useJobsStore();
  const messages = useMessagesStore();
  const open = ref(false);
  const jobId = ref<string | null>(null);
  const report = ref<ExportReport | null>(null);
  const outcome = ref<'done' | 'failed' | 'cancelled' | null>(null);
  const error = ref<Said | null>(null);
  const job = computed(() => (jobId.value ? (jobs.jobs[jobId.value] ?? null) : null));
  const running = computed(() => job.value?.state === 'running');

  function show(): void {
    open.value = true;
  }

  function hide(): void {
    if (running.value) return;
    open.value = false;
  }

  /** Starts the export job; the report arrives when it ends (or null when it failed or was cancelled). */
  async function start(options: ExportOptions): Promise<ExportReport | null> {
    report.value = null;
    outcome.value = null;
    error.value = null;
    const started = await api.project.startExport(options);
    if (!started.ok) {
      messages.failure('errors.export', started);
      return null;
    }
    jobId.value = started.value.jobId;
    jobs.track(started.value.jobId, 'export');
    const settled = await jobs.whenSettled(started.value.jobId);
    outcome.value = settled.state === 'running' ? null : settled.state;
    error.value = settled.error;
    report.value = settled.state === 'done' ? (settled.result as ExportReport) : null;
    return report.value;
  }

  async function cancel(): Promise<void> {
    if (jobId.value && running.value) await jobs.cancel(jobId.value);
  }

  /** The desktop's folder dialog; null when cancelled or when there is none (serve mode: type the path). */
  async function chooseFolder(title: string): Promise<string | null> {
    const picked = await api.system.chooseFolder({ title });
    if (!picked.ok) {
      messages.failure('errors.chooseFolder', picked);
      return null;
    }
    return picked.value;
  }

  return { open, jobId, job, running, report, outcome, error, show, hide, start, cancel, chooseFolder };
});
