import type { Api } from '../../../src-shared/api';
import { PleuraError } from '../../../src-shared/api/result';
import type { AppContext } from '../context';

const pending = (): never => {
  throw new PleuraError('unsupported', 'The models service is not available in this build yet.');
};

/** Handlers of the `models` domain. */
export function createModelsHandlers(_ctx: AppContext): Api['models'] {
  return new Proxy({} as Api['models'], { get: () => pending });
}
