import type { Api } from '../../../src-shared/api';
import { PleuraError } from '../../../src-shared/api/result';
import type { AppContext } from '../context';

const pending = (): never => {
  throw new PleuraError('unsupported', 'The project service is not available in this build yet.');
};

/** Handlers of the `project` domain. */
export function createProjectHandlers(_ctx: AppContext): Api['project'] {
  return new Proxy({} as Api['project'], { get: () => pending });
}
