import { realpath } from 'node:fs/promises';
import { basename, dirname, isAbsolute, join, relative, resolve } from 'node:path';
import { PleuraError } from '../../src-shared/api/result';
import { say } from '../../src-shared/api/text';

/*
 * Confinement of paths to one folder (serve --root), shared by the transport (every path argument of
 * the contract) and the services (files they find by themselves, such as a mask beside a film).
 */

function outside(raw: string): PleuraError {
  // the same words whether the path exists or not, so a refusal says nothing about the disk outside
  return new PleuraError('forbidden', say('path.outsideRoot', { path: raw }));
}

/** Whether `candidate` is `root` or lies below it (both absolute, compared as written). */
export function within(root: string, candidate: string): boolean {
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

/** The real path of a confinement root, which must exist. */
export async function realRoot(rootDir: string): Promise<string> {
  return realpath(rootDir).catch(() => {
    throw new PleuraError('not-found', say('path.noRoot', { path: rootDir }));
  });
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
 * The real path of an existing file when it is inside `rootReal` once every symlink is resolved, else
 * null (also when it does not exist or cannot be resolved); no root (undefined) allows everything and
 * returns the path as given. Callers read the returned path, so a symlink swapped afterwards changes
 * nothing.
 */
export async function realPathInside(rootReal: string | undefined, path: string): Promise<string | null> {
  if (rootReal === undefined) return path;
  if (!within(rootReal, resolve(path))) return null;
  const real = await realpath(path).catch(() => null);
  return real !== null && within(rootReal, real) ? real : null;
}
