import { readFile } from 'node:fs/promises';
import { PleuraError } from '../../../src-shared/api/result';
import { say } from '../../../src-shared/api/text';
import { ioFailure, safeJoin, writeFileAtomic } from './durable';
import type { LabelMask } from '../../../src-shared/api/masks';
import { decodeRevisionFile } from './revision-file';
import type { StoredImage, StoredRevision } from './state';

/** Reads and checks a mask revision file; a missing or damaged one is `corrupt`. */
export async function readRevisionFile(root: string, revision: StoredRevision): Promise<LabelMask> {
  const bytes = await readFile(safeJoin(root, revision.file)).catch((error: unknown) => {
    throw (error as NodeJS.ErrnoException).code === 'ENOENT' ? new PleuraError('corrupt', say('revision.missing', { revisionId: revision.id })) : ioFailure(error, revision.file);
  });
  return decodeRevisionFile(bytes, revision.sha256);
}

/** The bytes of an image: its copy in images/ or the file it references. */
export async function readImageFile(root: string, image: StoredImage): Promise<Uint8Array> {
  const path = image.storage.mode === 'copy' ? safeJoin(root, image.storage.file) : image.storage.path;
  try {
    return new Uint8Array(await readFile(path));
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') throw new PleuraError('not-found', say('image.fileMoved', { name: image.name, path }));
    throw ioFailure(error, path);
  }
}

/** Writes artifacts/<imageId>/<name> atomically (names are checked by safeJoin); returns its path. */
export async function writeArtifactFile(root: string, imageId: string, name: string, bytes: Uint8Array): Promise<string> {
  const path = safeJoin(root, 'artifacts', imageId, name);
  await writeFileAtomic(path, bytes);
  return path;
}

/** Reads artifacts/<imageId>/<name>; null when it does not exist. */
export function readArtifactFile(root: string, imageId: string, name: string): Promise<Uint8Array | null> {
  const path = safeJoin(root, 'artifacts', imageId, name);
  return readFile(path).then((b) => new Uint8Array(b), (error: unknown) => {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw ioFailure(error, path);
  });
}
