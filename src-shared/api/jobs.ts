import { z } from 'zod';
import type { JobInfo } from '../jobs/events';

/** Long jobs: list and cancel. Progress arrives as `job` events. */
export interface JobsApi {
  list(): Promise<JobInfo[]>;
  /** Asks the job to stop (cooperatively, then by force after a grace period). */
  cancel(jobId: string): Promise<void>;
}

export const jobsSchemas = {
  list: z.tuple([]),
  cancel: z.tuple([z.string().min(1)]),
};
