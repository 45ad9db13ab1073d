import type { Api } from '../../../src-shared/api';
import { PleuraError } from '../../../src-shared/api/result';
import type { AppContext } from '../context';

const pending = (): never => {
  throw new PleuraError('unsupported', 'The images service is not available in this build yet.');
};

/** Handlers of the `images` domain. */
export function createImagesHandlers(_ctx: AppContext): Api['images'] {
  return new Proxy({} as Api['images'], { get: () => pending });
}
