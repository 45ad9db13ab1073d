import type { Api } from '../../../src-shared/api';
import { PleuraError } from '../../../src-shared/api/result';
import type { AppContext } from '../context';

const pending = (): never => {
  throw new PleuraError('unsupported', 'The inference service is not available in this build yet.');
};

/** Handlers of the `inference` domain. */
export function createInferenceHandlers(_ctx: AppContext): Api['inference'] {
  return new Proxy({} as Api['inference'], { get: () => pending });
}
