import type { Api } from '../../src-shared/api';
import type { AppContext } from '../services/context';
import { createSystemHandlers } from '../services/system/handlers';
import { createProjectHandlers } from '../services/project/handlers';
import { createImagesHandlers } from '../services/images/handlers';
import { createMasksHandlers } from '../services/masks/handlers';
import { createInferenceHandlers } from '../services/inference/handlers';
import { createTrainingHandlers } from '../services/training/handlers';
import { createModelsHandlers } from '../services/models/handlers';
import { createJobsHandlers } from '../services/jobs/handlers';
import { createPacsHandlers } from '../services/pacs/handlers';

/** The whole contract implemented by main-side services; both transports serve this object. */
export function createHandlers(ctx: AppContext): Api {
  return {
    system: createSystemHandlers(ctx),
    project: createProjectHandlers(ctx),
    images: createImagesHandlers(ctx),
    masks: createMasksHandlers(ctx),
    inference: createInferenceHandlers(ctx),
    training: createTrainingHandlers(ctx),
    models: createModelsHandlers(ctx),
    jobs: createJobsHandlers(ctx),
    pacs: createPacsHandlers(ctx),
  };
}
