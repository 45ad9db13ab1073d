import { defineStore } from 'pinia';
import { computed, ref } from 'vue';
import { estimateEtaMs, type JobEvent, type JobKind, type JobMetricsEvent } from '../../../src-shared/jobs/events';
import type { Said, ServerText } from '../../../src-shared/api/text';
import { useApi } from './api';
import { useMessagesStore } from './messages';

/** What the progress bars show about one job. */
export interface JobView {
  jobId: string;
  kind: JobKind;
  /** What main calls the job (by key: shown in the user's language), once known. */
  title: Said | null;
  state: 'running' | 'done' | 'failed' | 'cancelled';
  fraction: number;
  etaMs: number | null;
  /** The latest progress or warning line from main. */
  message: Said | null;
  startedAtMs: number;
  metrics: JobMetricsEvent[];
  result: unknown;
  error: Said | null;
  cancelling: boolean;
}

type Settled = Pick<JobView, 'state' | 'result' | 'error'>;

/** Long jobs (batch inference, training, export, import): progress with ETA, metrics, cancel. */
export const useJobsStore = defineStore('jobs', () => {
  const api = useApi();
  const messages = useMessagesStore();
  const jobs = ref<Record<string, JobView>>({});
  const waiters = new Map<string, ((settled: Settled) => void)[]>();

  const running = computed(() => Object.values(jobs.value).filter((job) => job.state === 'running'));

  function view(jobId: string, kind: JobKind, title?: Said): JobView {
    let job = jobs.value[jobId];
    if (!job) {
      jobs.value[jobId] = { jobId, kind, title: title ?? null, state: 'running', fraction: 0, etaMs: null, message: null, startedAtMs: Date.now(), metrics: [], result: null, error: null, cancelling: false };
      job = jobs.value[jobId];
    } else if (title) job.title = title;
    return job;
  }

  /** Registers a job the renderer started, so its bar is there before the first event arrives; main's title follows. */
  function track(jobId: string, kind: JobKind): JobView {
    const job = view(jobId, kind);
    void load();
    return job;
  }

  const saidOf = (reason: string, text?: ServerText): Said => (text ? { reason, text } : { reason });

  function settle(job: JobView): void {
    const list = waiters.get(job.jobId) ?? [];
    waiters.delete(job.jobId);
    for (const resolve of list) resolve({ state: job.state, result: job.result, error: job.error });
  }

  function handle(event: JobEvent): void {
    const job = view(event.jobId, event.kind);
    switch (event.type) {
      case 'progress':
        job.fraction = Math.min(1, Math.max(0, event.fraction));
        job.etaMs = event.etaMs ?? estimateEtaMs(Date.now() - job.startedAtMs, job.fraction);
        if (event.message) job.message = saidOf(event.message, event.text);
        break;
      case 'metrics':
        job.metrics.push(event);
        break;
      case 'log':
        if (event.level !== 'info') job.message = saidOf(event.message, event.text);
        if (event.level === 'error') messages.push('error', 'jobs.log', { titleKey: `jobs.kinds.${job.kind}`, reason: event.message }, { texts: event.text ? { reason: event.text } : undefined });
        break;
      case 'result':
        job.state = 'done';
        job.fraction = 1;
        job.etaMs = 0;
        job.result = event.value;
        settle(job);
        break;
      case 'error':
        job.state = 'failed';
        job.error = saidOf(event.reason, event.text);
        messages.push('error', 'jobs.failed', { titleKey: `jobs.kinds.${job.kind}`, reason: event.reason, ...(event.code ? { code: event.code } : {}) }, { texts: event.text ? { reason: event.text } : undefined });
        settle(job);
        break;
      case 'cancelled':
        job.state = 'cancelled';
        job.cancelling = false;
        messages.push('info', 'jobs.cancelled', { titleKey: `jobs.kinds.${job.kind}` });
        settle(job);
        break;
    }
  }

  /** Resolves when the job ends, however it ends. */
  function whenSettled(jobId: string): Promise<Settled> {
    const job = jobs.value[jobId];
    if (job && job.state !== 'running') return Promise.resolve({ state: job.state, result: job.result, error: job.error });
    return new Promise((resolve) => waiters.set(jobId, [...(waiters.get(jobId) ?? []), resolve]));
  }

  async function cancel(jobId: string): Promise<void> {
    const job = jobs.value[jobId];
    if (job) job.cancelling = true;
    const result = await api.jobs.cancel(jobId);
    if (!result.ok) {
      if (job) job.cancelling = false;
      messages.failure('errors.cancel', result);
    }
  }

  /** Hides a finished job's bar. */
  function dismiss(jobId: string): void {
    if (jobs.value[jobId]?.state !== 'running') delete jobs.value[jobId];
  }

  /** Picks up jobs that were running before this window opened. */
  async function load(): Promise<void> {
    const result = await api.jobs.list();
    if (!result.ok) return;
    for (const info of result.value) {
      const known = jobs.value[info.jobId];
      const job = view(info.jobId, info.kind, saidOf(info.title, info.titleText));
      // a job this window already follows keeps what its events said; a job from before the window takes main's
      if (known) continue;
      job.state = info.state;
      job.startedAtMs = Date.parse(info.startedAt) || job.startedAtMs;
    }
  }

  api.on('job', handle);

  return { jobs, running, track, handle, whenSettled, cancel, dismiss, load };
});
