import type { Api } from '../../../src-shared/api';
import { say } from '../../../src-shared/api/text';
import type { AppContext } from '../context';
import { exportProject } from '../export/export';
import { importFiles, importPaths } from './import';
import { scanImport } from './import-scan';
import { getSession } from './session';
import { verifyProject } from './verify';

/** Handlers of the `project` domain: the open project, import, review status, audit, export. */
export function createProjectHandlers(ctx: AppContext): Api['project'] {
  const session = getSession(ctx);
  return {
    async create(path, options) {
      return (await session.create(path, options)).summary();
    },
    async open(path, options) {
      return (await session.open(path, options)).summary();
    },
    close: () => session.close(),
    async current() {
      return session.current()?.summary() ?? null;
    },
    async listImages() {
      return session.require().listImages();
    },
    // The store emits a 'changed' event for each image it adds.
    importPaths: (paths, options) => importPaths(session.require(), paths, { ...options, root: ctx.pathRoot }),
    importFiles: (files) => importFiles(session.require(), files),
    scanImport: (paths, options) => scanImport(session.require(), paths, { ...options, root: ctx.pathRoot }),
    setStatus: (imageId, status, options) => session.require().setStatus(imageId, status, { revisionId: options.revisionId, ...(options.fromStatus ? { fromStatus: options.fromStatus } : {}) }),
    async verify() {
      const store = session.require();
      return verifyProject(store.path, { lockedByUs: true, logBytes: store.logBytes });
    },
    audit: (options) => session.require().audit(options),
    exportData: (options) => exportProject(session.require(), options),
    async startExport(options) {
      const store = session.require();
      const { jobId } = ctx.jobs.start('export', say('export.jobTitle', { format: options.format }), (run) => exportProject(store, options, { signal: run.signal, progress: (fraction, message) => run.progress(fraction, message) }));
      return { jobId };
    },
  };
}
