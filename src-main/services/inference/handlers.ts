import type { Api } from '../../../src-shared/api';
import type { AppContext } from '../context';
import { getInferenceService } from './service';

/** Handlers of the `inference` domain. Creating them registers the runtime report for `system.info`. */
export function createInferenceHandlers(ctx: AppContext): Api['inference'] {
  const inference = () => getInferenceService(ctx);
  if (!ctx.services.has('inference.runtime')) {
    ctx.services.set('inference.runtime', { runtimeReport: async () => inference().host.runtimeReport() });
  }
  return {
    predictImage: (imageId, options) => inference().predictImage(imageId, options),
    predictedMask: (imageId) => inference().predictedMask(imageId),
    predictBatch: async (options) => ({ jobId: inference().predictBatch(options).jobId }),
    uncertaintyMap: (imageId) => inference().uncertaintyMap(imageId),
  };
}
