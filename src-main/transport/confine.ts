import type { Api } from '../../src-shared/api';
import { confinePath, realRoot } from '../services/confine-path';

export { confinePath } from '../services/confine-path';

/**
 * Every contract method that takes a path on the server's disk, with the argument(s) that are paths.
 * Serve mode with a root confines exactly these; a test checks that every path-like parameter of
 * the contract is listed here, so a new one cannot slip through unconfined.
 */
export const PATH_PARAMETERS = {
  'project.create': ['path'],
  'project.open': ['path'],
  'project.importPaths': ['paths'],
  'project.scanImport': ['paths'],
  'project.exportData': ['options.outDir'],
  'models.importModel': ['onnxPath', 'manifestPath'],
} as const;

/**
 * The contract with every path argument ({@link PATH_PARAMETERS}) confined to `rootDir`: what serve
 * mode hands its WebSocket clients when started with a root.
 */
export async function confineApi(api: Api, rootDir: string): Promise<Api> {
  const root = await realRoot(rootDir);
  const one = (path: string) => confinePath(root, path);
  const all = (paths: string[]) => Promise.all(paths.map(one));
  return {
    ...api,
    project: {
      ...api.project,
      create: async (path, ...rest) => api.project.create(await one(path), ...rest),
      open: async (path, ...rest) => api.project.open(await one(path), ...rest),
      importPaths: async (paths, ...rest) => api.project.importPaths(await all(paths), ...rest),
      scanImport: async (paths, ...rest) => api.project.scanImport(await all(paths), ...rest),
      exportData: async (options, ...rest) => api.project.exportData({ ...options, outDir: await one(options.outDir) }, ...rest),
    },
    models: {
      ...api.models,
      importModel: async (onnxPath, manifestPath, ...rest) => api.models.importModel(await one(onnxPath), await one(manifestPath), ...rest),
    },
  };
}
