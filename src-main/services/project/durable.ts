import { open, rename, unlink, mkdir, type FileHandle } from 'node:fs/promises';
import { randomBytes } from 'node:crypto';
import { basename, dirname, isAbsolute, join, relative, resolve, sep } from 'node:path';
import { PleuraError } from '../../../src-shared/api/result';
import { say } from '../../../src-shared/api/text';

/**
 * The one place that writes bytes to disk for the project store. Tests replace `diskIo.write` to
 * inject failures such as ENOSPC after a partial write (there is no portable way to fill a disk in a
 * unit test), and check that no half-written file is left behind.
 */
export const diskIo = {
  async write(handle: FileHandle, bytes: Uint8Array, position: number | null): Promise<number> {
    const { bytesWritten } = await handle.write(bytes, 0, bytes.length, position);
    return bytesWritten;
  },
};

/** Writes all of `bytes`, looping over short writes. */
export async function writeAll(handle: FileHandle, bytes: Uint8Array, position: number | null): Promise<void> {
  let done = 0;
  while (done < bytes.length) {
    const chunk = bytes.subarray(done);
    const written = await diskIo.write(handle, chunk, position === null ? null : position + done);
    if (written <= 0) throw Object.assign(new Error('short write'), { code: 'EIO' });
    done += written;
  }
}

/** Makes a directory entry (create/rename) durable. Some platforms cannot fsync a directory; that is fine. */
export async function fsyncDir(dir: string): Promise<void> {
  let handle: FileHandle | undefined;
  try {
    handle = await open(dir, 'r');
    await handle.sync();
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code !== 'EISDIR' && code !== 'EPERM' && code !== 'EINVAL' && code !== 'EACCES') throw error;
  } finally {
    await handle?.close().catch(() => undefined);
  }
}

/** Maps a Node file-system error to the user-facing failure it stands for. */
export function ioFailure(error: unknown, what: string): PleuraError {
  if (error instanceof PleuraError) return error;
  const code = (error as NodeJS.ErrnoException).code;
  if (code === 'ENOSPC' || code === 'EDQUOT') return new PleuraError('disk-full', say('disk.full', { what }));
  if (code === 'EACCES' || code === 'EPERM' || code === 'EROFS') return new PleuraError('forbidden', say('disk.permissionDenied', { what }));
  if (code === 'ENOENT') return new PleuraError('not-found', say('disk.notFound', { what }));
  return new PleuraError('io', say('disk.writeFailed', { what, detail: (error as Error).message }));
}

/**
 * Writes a file so that readers see either the old content or the whole new one: write to a temp
 * file in the same folder, fsync, rename over the target, fsync the folder. On failure the temp file
 * is removed and a PleuraError ('disk-full', 'io', ...) is thrown.
 */
export async function writeFileAtomic(path: string, bytes: Uint8Array, options: { exclusive?: boolean } = {}): Promise<void> {
  const dir = dirname(path);
  await mkdir(dir, { recursive: true }).catch((error: unknown) => {
    throw ioFailure(error, dir);
  });
  const temp = join(dir, `.${basename(path)}.${randomBytes(6).toString('hex')}.tmp`);
  let handle: FileHandle | undefined;
  try {
    handle = await open(temp, 'wx');
    await writeAll(handle, bytes, 0);
    await handle.sync();
    await handle.close();
    handle = undefined;
    if (options.exclusive) {
      // Revisions are immutable: refuse to replace one that exists (ids are random, so this is a bug guard).
      const exists = await open(path, 'r').then((h) => h.close().then(() => true), () => false);
      if (exists) throw new PleuraError('conflict', say('disk.refuseOverwrite', { file: basename(path) }));
    }
    await rename(temp, path);
    await fsyncDir(dir);
  } catch (error) {
    await handle?.close().catch(() => undefined);
    await unlink(temp).catch(() => undefined);
    throw ioFailure(error, basename(path));
  }
}

const unsafeSegment = /[\0<>:"|?*\\]/;

/**
 * Joins `segments` under `root`, refusing anything that could leave it: absolute paths, `..`,
 * NUL bytes, backslashes and Windows-reserved characters. Throws PleuraError('invalid-argument').
 */
export function safeJoin(root: string, ...segments: string[]): string {
  for (const segment of segments) {
    if (!segment || isAbsolute(segment) || unsafeSegment.test(segment) || /^[a-zA-Z]:/.test(segment)) {
      throw new PleuraError('invalid-argument', say('path.unsafe', { name: JSON.stringify(segment) }));
    }
    for (const part of segment.split('/')) {
      if (part === '' || part === '.' || part === '..') throw new PleuraError('invalid-argument', say('path.unsafe', { name: JSON.stringify(segment) }));
    }
  }
  const full = resolve(root, ...segments);
  const rel = relative(resolve(root), full);
  if (rel === '' || rel.startsWith('..') || isAbsolute(rel) || rel.split(sep).includes('..')) {
    throw new PleuraError('invalid-argument', say('path.escapes', { path: segments.join('/') }));
  }
  return full;
}

/**
 * Turns an untrusted file name (from an imported folder, a drop, a DICOM tag) into one safe to use as a
 * single path segment: keeps letters, digits, `-`, `_`, `.`; never empty, never `.`/`..`, at most 120 chars.
 */
export function sanitizeName(name: string, fallback = 'file'): string {
  const last = name.split(/[\\/]/).pop() ?? '';
  const cleaned = last.normalize('NFKC').replace(/[^A-Za-z0-9._-]+/g, '_').replace(/^\.+/, '').slice(0, 120);
  return cleaned && cleaned !== '.' && cleaned !== '..' ? cleaned : fallback;
}
