import type { Api } from '../../../src-shared/api';
import type { AppContext } from '../context';
import { getSession } from '../project/session';

/** Handlers of the `masks` domain: immutable revisions of the open project's masks. */
export function createMasksHandlers(ctx: AppContext): Api['masks'] {
  const session = getSession(ctx);
  return {
    async revisions(imageId) {
      return session.require().listRevisions(imageId);
    },
    load: (imageId, options) => session.require().loadRevision(imageId, options.revisionId),
    // A client saves user edits only: who made them is the app's user, decided here (the store's user).
    save: (imageId, mask, options) => session.require().saveRevision(imageId, mask, { parentId: options.parentId }),
  };
}
