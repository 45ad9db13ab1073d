import { resolve } from 'node:path';
import { PleuraError } from '../../../src-shared/api/result';
import { say } from '../../../src-shared/api/text';
import { service, type AppContext } from '../context';
import { ProjectStore } from './store';
import { verifyProject } from './verify';
import { IMAGE_SOURCE_KEY, sharedImageReads, type ImageSource } from '../images/source';

/** The project open in this process (one at a time), shared by every service. */
export interface ProjectSession {
  current(): ProjectStore | null;
  /** The open project; throws PleuraError('no-project') when none is open. */
  require(): ProjectStore;
  create(path: string, options: { name?: string; copyImages?: boolean; userName?: string }): Promise<ProjectStore>;
  open(path: string, options?: { breakLock?: boolean }): Promise<ProjectStore>;
  close(): Promise<void>;
  /** Settles when the background check started by the last open has finished (tests, shutdown). */
  verified(): Promise<void>;
}

/** The per-process project session, held in ctx.services under 'project.session'. */
export function getSession(ctx: AppContext): ProjectSession {
  return service(ctx, 'project.session', () => createSession(ctx));
}

function createSession(ctx: AppContext): ProjectSession {
  let store: ProjectStore | null = null;
  let verifying: Promise<void> = Promise.resolve();

  /**
   * Checks every record and file in the background after opening (a snapshot hides mid-log damage from
   * the open itself); what it finds becomes a warning of the project and a 'warnings' event.
   */
  const verifyInBackground = (opened: ProjectStore): void => {
    verifying = verifyProject(opened.path, { lockedByUs: true, logBytes: opened.logBytes })
      .then((report) => {
        if (report.ok || store !== opened) return;
        opened.addWarnings(report.problemTexts ?? []);
        ctx.events.emit('project', { kind: 'warnings', warnings: opened.warnings, warningTexts: opened.warningTexts });
      })
      .catch(() => undefined);
  };

  const attach = (next: ProjectStore): ProjectStore => {
    store = next;
    next.onChange = (imageIds, latestRevisionIds) => ctx.events.emit('project', { kind: 'changed', imageIds, latestRevisionIds });
    const readBytes = sharedImageReads((imageId) => next.readImageBytes(imageId));
    const source: ImageSource = {
      readImageBytes: async (imageId) => ({ bytes: await readBytes(imageId), name: next.stored(imageId).name }),
      getUserSpacingMm: async (imageId) => next.stored(imageId).userSpacingMm,
      setUserSpacingMm: async (imageId, spacingMm) => {
        await next.updateImage(imageId, { userSpacingMm: spacingMm });
      },
    };
    ctx.services.set(IMAGE_SOURCE_KEY, source);
    ctx.events.emit('project', { kind: 'opened', ...(next.warnings.length ? { warnings: next.warnings, warningTexts: next.warningTexts } : {}) });
    verifyInBackground(next);
    return next;
  };

  const session: ProjectSession = {
    current: () => store,
    require: () => {
      if (!store) throw new PleuraError('no-project', say('project.noneOpenOrCreate'));
      return store;
    },
    async create(path, options) {
      const created = await ProjectStore.create(path, { ...options, user: ctx.user });
      await session.close();
      return attach(created);
    },
    async open(path, options = {}) {
      if (store && store.path === resolve(path)) return store;
      const opened = await ProjectStore.open(path, { user: ctx.user, breakLock: options.breakLock });
      await session.close();
      return attach(opened);
    },
    async close() {
      if (!store) return;
      const closing = store;
      store = null;
      closing.onChange = null;
      ctx.services.delete(IMAGE_SOURCE_KEY);
      try {
        await closing.close();
      } finally {
        ctx.events.emit('project', { kind: 'closed' });
      }
    },
    verified: () => verifying,
  };
  return session;
}
