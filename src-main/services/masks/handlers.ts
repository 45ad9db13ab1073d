import type { Api } from '../../../src-shared/api';
import { PleuraError } from '../../../src-shared/api/result';
import type { AppContext } from '../context';

const pending = (): never => {
  throw new PleuraError('unsupported', 'The masks service is not available in this build yet.');
};

/** Handlers of the `masks` domain. */
export function createMasksHandlers(_ctx: AppContext): Api['masks'] {
  return new Proxy({} as Api['masks'], { get: () => pending });
}
