import { realpath } from 'node:fs/promises';
import { basename, dirname, isAbsolute, join, relative, resolve } from 'node:path';
import type { Api } from '../../src-shared/api';
import { PleuraError } from '../../src-shared/api/result';

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

function outside(raw: string): PleuraError {
  // the same words whether the path exists or not, so a refusal says nothing about the disk outside
  return new PleuraError('forbidden', `${raw} is outside the folder this server works in (pleura serve --root).`);
}

function within(root: string, candidate: string): boolean {
  const rel = relative(root, candidate);
  return rel === '' || (!rel.startsWith('..') && !isAbsolute(rel));
}

/** The real path of `path`, or of its deepest existing ancestor with the missing part appended. */
async function realPathOrAncestor(path: string): Promise<string> {
  const missing: string[] = [];
  let current = path;
  for (;;) {
    try {
      const real = await realpath(current);
      return missing.length ? join(real, ...missing.reverse()) : real;
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      const parent = dirname(current);
      if ((code !== 'ENOENT' && code !== 'ENOTDIR') || parent === current) throw error;
      missing.push(basename(current));
      current = parent;
    }
  }
}

/**
 * A path argument confined to `rootReal` (a real path): relative paths are taken from the root, the
 * result is resolved through every symlink (of its deepest existing part) and must stay inside the
 * root. Paths that do not exist yet (a new project, an export folder) are allowed when their
 * existing part is inside. Returns the resolved path the handler then uses.
 * @throws PleuraError 'forbidden' for anything outside, with the same message whether it exists.
 */
export async function confinePath(rootReal: string, raw: string): Promise<string> {
  if (typeof raw !== 'string' || raw.includes('\0')) throw outside(String(raw));
  const lexical = resolve(rootReal, raw);
  if (!within(rootReal, lexical)) throw outside(raw);
  let real: string;
  try {
    real = await realPathOrAncestor(lexical);
  } catch {
    throw outside(raw);
  }
  if (!within(rootReal, real)) throw outside(raw);
  return real;
}

/**
 * The contract with every path argument ({@link PATH_PARAMETERS}) confined to `rootDir`: what serve
 * mode hands its WebSocket clients when started with a root.
 */
export async function confineApi(api: Api, rootDir: string): Promise<Api> {
  const root = await realpath(rootDir).catch(() => {
    throw new PleuraError('not-found', `The serve root ${rootDir} does not exist.`);
  });
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
