import { resolve } from 'node:path';
import { PleuraError } from '../../../src-shared/api/result';
import { service, type AppContext } from '../context';
import { ProjectStore } from './store';
import { IMAGE_SOURCE_KEY, type ImageSource } from '../images/source';


/** The project open in this process (one at a time), shared by every service. */
export interface ProjectSession {
  current(): ProjectStore | null;
  /** The open project; throws PleuraError('no-project') when none is open. */
  require(): ProjectStore;
  create(path: string, options: { name?: string; copyImages?: boolean; userName?: string }): Promise<ProjectStore>;
  open(path: string): Promise<ProjectStore>;
  close(): Promise<void>;
}

/** The per-process project session, held in ctx.services under 'project.session'. */
export function getSession(ctx: AppContext): ProjectSession {
  return service(ctx, 'project.session', () => createSession(ctx));
}

function createSession(ctx: AppContext): ProjectSession {
  let store: ProjectStore | null = null;

  const attach = (next: ProjectStore): ProjectStore => {
    store = next;
    next.onChange = (imageIds) => ctx.events.emit('project', { kind: 'changed', imageIds });
    const source: ImageSource = {
      readImageBytes: async (imageId) => ({ bytes: await next.readImageBytes(imageId), name: next.stored(imageId).name }),
      getUserSpacingMm: async (imageId) => next.stored(imageId).userSpacingMm,
      setUserSpacingMm: async (imageId, spacingMm) => {
        await next.updateImage(imageId, { userSpacingMm: spacingMm });
      },
    };
    ctx.services.set(IMAGE_SOURCE_KEY, source);
    ctx.events.emit('project', { kind: 'opened' });
    return next;
  };

  const session: ProjectSession = {
    current: () => store,
    require: () => {
      if (!store) throw new PleuraError('no-project', 'Open or create a project first');
      return store;
    },
    async create(path, options) {
      const created = await ProjectStore.create(path, options);
      await session.close();
      return attach(created);
    },
    async open(path) {
      if (store && store.path === resolve(path)) return store;
      const opened = await ProjectStore.open(path);
      await session.close();
      return attach(opened);
    },
    async close() {
      if (!store) return;
      const closing = store;
      store = null;
      closing.onChange = null;
      ctx.services.delete(IMAGE_SOURCE_KEY);
      await closing.close();
      ctx.events.emit('project', { kind: 'closed' });
    },
  };
  return session;
}
