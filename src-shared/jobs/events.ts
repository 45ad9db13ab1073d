/**
 * Long jobs (batch inference, training, export) report through one tagged union, so every job can
 * drive a real progress bar with an ETA and a cancel button.
 */

import type { ServerText } from '../api/text';

/** The kinds of long job main runs in workers. */
export type JobKind = 'inference' | 'training' | 'export' | 'import';

/** A job as listed by `jobs.list`. */
export interface JobInfo {
  jobId: string;
  kind: JobKind;
  title: string;
  /** The title by key, for the renderer to show in the user's language. */
  titleText?: ServerText;
  startedAt: string;
  state: 'running' | 'done' | 'failed' | 'cancelled';
}

/** Progress of a job; `fraction` is in 0..1, `etaMs` is an estimate of the time left. */
export interface JobProgressEvent {
  type: 'progress';
  jobId: string;
  kind: JobKind;
  fraction: number;
  etaMs: number | null;
  message?: string;
  /** `message` by key. */
  text?: ServerText;
}

/** Metrics reported by a training job, once per batch or epoch. */
export interface JobMetricsEvent {
  type: 'metrics';
  jobId: string;
  kind: JobKind;
  phase: 'batch' | 'epoch' | 'validation';
  epoch: number;
  step: number;
  values: Record<string, number>;
}

/** A line for the job's log. */
export interface JobLogEvent {
  type: 'log';
  jobId: string;
  kind: JobKind;
  level: 'info' | 'warn' | 'error';
  message: string;
  /** `message` by key. */
  text?: ServerText;
}

/** The job finished; `value` is the job kind's result. */
export interface JobResultEvent {
  type: 'result';
  jobId: string;
  kind: JobKind;
  value: unknown;
}

/** The job failed with a message for the user. */
export interface JobErrorEvent {
  type: 'error';
  jobId: string;
  kind: JobKind;
  code: string;
  reason: string;
  /** `reason` by key. */
  text?: ServerText;
}

/** The job stopped because it was cancelled. */
export interface JobCancelledEvent {
  type: 'cancelled';
  jobId: string;
  kind: JobKind;
}

/** Every event a job can emit. */
export type JobEvent =
  | JobProgressEvent
  | JobMetricsEvent
  | JobLogEvent
  | JobResultEvent
  | JobErrorEvent
  | JobCancelledEvent;

/** Estimates time left from elapsed time and fraction done; null until there is something to go on. */
export function estimateEtaMs(elapsedMs: number, fraction: number): number | null {
  if (!(fraction > 0) || fraction >= 1 || !Number.isFinite(elapsedMs)) return fraction >= 1 ? 0 : null;
  return Math.round((elapsedMs * (1 - fraction)) / fraction);
}
