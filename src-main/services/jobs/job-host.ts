import { randomUUID } from 'node:crypto';
import { PleuraError } from '../../../src-shared/api/result';
import { say, sentenceOf, type ServerText } from '../../../src-shared/api/text';
import { estimateEtaMs, type JobInfo, type JobKind, type JobMetricsEvent } from '../../../src-shared/jobs/events';
import type { EventBus } from '../events';

/** What a job's body gets: a cancel signal and ways to report. */
export interface JobRunContext {
  jobId: string;
  signal: AbortSignal;
  /** Fraction done in 0..1; the host adds the ETA. */
  progress(fraction: number, message?: string | ServerText): void;
  metrics(phase: JobMetricsEvent['phase'], epoch: number, step: number, values: Record<string, number>): void;
  log(level: 'info' | 'warn' | 'error', message: string | ServerText): void;
}

interface RunningJob {
  info: JobInfo;
  controller: AbortController;
  done: Promise<unknown>;
}

/**
 * Owns long jobs: assigns ids, relays progress / metrics / log / result / error / cancelled events,
 * and cancels cooperatively through an AbortSignal. Whoever runs a worker inside a job must stop it
 * (terminate) if it does not react to the signal within a grace period.
 */
export class JobHost {
  private readonly jobs = new Map<string, RunningJob>();

  constructor(private readonly events: EventBus) {}

  /** Starts `body` as a job and returns its id at once; the result arrives as a `result` event. */
  start<T>(kind: JobKind, title: string | ServerText, body: (ctx: JobRunContext) => Promise<T>): { jobId: string; done: Promise<T> } {
    const jobId = randomUUID();
    const controller = new AbortController();
    const startedAt = Date.now();
    const info: JobInfo = { jobId, kind, title: sentenceOf(title), ...(typeof title === 'string' ? {} : { titleText: title }), startedAt: new Date(startedAt).toISOString(), state: 'running' };
    const ctx: JobRunContext = {
      jobId,
      signal: controller.signal,
      progress: (fraction, message) => {
        const clamped = Math.min(1, Math.max(0, fraction));
        const line = message === undefined ? {} : { message: sentenceOf(message), ...(typeof message === 'string' ? {} : { text: message }) };
        this.events.emit('job', { type: 'progress', jobId, kind, fraction: clamped, etaMs: estimateEtaMs(Date.now() - startedAt, clamped), ...line });
      },
      metrics: (phase, epoch, step, values) => this.events.emit('job', { type: 'metrics', jobId, kind, phase, epoch, step, values }),
      log: (level, message) => this.events.emit('job', { type: 'log', jobId, kind, level, message: sentenceOf(message), ...(typeof message === 'string' ? {} : { text: message }) }),
    };
    const done = (async () => {
      // Let the caller receive the job id before the first event.
      await Promise.resolve();
      try {
        const value = await body(ctx);
        if (controller.signal.aborted) throw new PleuraError('cancelled', say('job.cancelled'));
        info.state = 'done';
        this.events.emit('job', { type: 'result', jobId, kind, value });
        return value;
      } catch (error) {
        if (controller.signal.aborted || (error instanceof PleuraError && error.code === 'cancelled')) {
          info.state = 'cancelled';
          this.events.emit('job', { type: 'cancelled', jobId, kind });
        } else {
          info.state = 'failed';
          const code = error instanceof PleuraError ? error.code : 'internal';
          const reason = error instanceof Error ? error.message : String(error);
          const text = error instanceof PleuraError ? error.text : undefined;
          this.events.emit('job', { type: 'error', jobId, kind, code, reason, ...(text ? { text } : {}) });
        }
        throw error;
      }
    })();
    done.catch(() => undefined);
    this.jobs.set(jobId, { info, controller, done });
    return { jobId, done };
  }

  list(): JobInfo[] {
    return [...this.jobs.values()].map((job) => ({ ...job.info }));
  }

  /** Asks a job to stop; resolves once it has (or at once if it is not running). */
  async cancel(jobId: string): Promise<void> {
    const job = this.jobs.get(jobId);
    if (!job) throw new PleuraError('not-found', say('job.notFound', { jobId }));
    if (job.info.state !== 'running') return;
    job.controller.abort();
    await job.done.catch(() => undefined);
  }
}
