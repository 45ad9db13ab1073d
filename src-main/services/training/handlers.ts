import type { Api } from '../../../src-shared/api';
import { PleuraError } from '../../../src-shared/api/result';
import type { AppContext } from '../context';

const pending = (): never => {
  throw new PleuraError('unsupported', 'The training service is not available in this build yet.');
};

/** Handlers of the `training` domain. */
export function createTrainingHandlers(_ctx: AppContext): Api['training'] {
  return new Proxy({} as Api['training'], { get: () => pending });
}
