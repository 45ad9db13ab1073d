import type { Api } from '../../../src-shared/api';
import type { AppContext } from '../context';
import { getFineTuneService } from './finetune';
import { getTrainingHost } from './host';

/** Handlers of the `training` domain. */
export function createTrainingHandlers(ctx: AppContext): Api['training'] {
  // Registers 'training.runtime' for system.info at once.
  getTrainingHost(ctx);
  return {
    async fineTune(options) {
      const { jobId, runId } = getFineTuneService(ctx).start(options);
      return { jobId, runId };
    },
    async runs() {
      return [...getFineTuneService(ctx).runs.values()].map((run) => structuredClone(run));
    },
  };
}
