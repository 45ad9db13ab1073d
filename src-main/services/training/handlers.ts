import type { Api } from '../../../src-shared/api';
import type { AppContext } from '../context';
import { getFineTuneService } from './finetune';
import { getTrainingHost } from './host';
import { runsFromAudit } from './runs';
import { getSession } from '../project/session';

/** Handlers of the `training` domain. */
export function createTrainingHandlers(ctx: AppContext): Api['training'] {
  // Registers 'training.runtime' for system.info at once.
  getTrainingHost(ctx);
  return {
    async fineTune(options) {
      const { jobId, runId } = getFineTuneService(ctx).start(options);
      return { jobId, runId };
    },
    // Runs of this process (live progress) over the runs the open project's log remembers (after a restart).
    async runs() {
      const live = getFineTuneService(ctx).runs;
      const store = getSession(ctx).current();
      const logged = store ? runsFromAudit((await store.audit({})).reverse()) : [];
      const merged = new Map(logged.map((run) => [run.runId, run]));
      for (const [runId, run] of live) merged.set(runId, structuredClone(run));
      return [...merged.values()];
    },
  };
}
