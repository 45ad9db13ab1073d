import type { Api } from '../../../src-shared/api';
import type { AppContext } from '../context';

/** Handlers of the `jobs` domain. */
export function createJobsHandlers(ctx: AppContext): Api['jobs'] {
  return {
    list: async () => ctx.jobs.list(),
    cancel: async (jobId) => ctx.jobs.cancel(jobId),
  };
}
