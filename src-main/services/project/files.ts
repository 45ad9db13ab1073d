import { readFile, open, unlink } from 'node:fs/promises';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { z } from 'zod';
import type { ProjectSettings } from '../../../src-shared/api/project';
import { PleuraError } from '../../../src-shared/api/result';
import { ioFailure, writeFileAtomic } from './durable';
import type { ProjectState } from './state';

/** The newest project format this build reads and writes. */
export const projectFormatVersion = 1;

export interface ProjectManifest {
  format: 'pleura-project';
  formatVersion: number;
  name: string;
  createdAt: string;
  settings: ProjectSettings;
}

const manifestSchema = z.object({
  format: z.literal('pleura-project'),
  formatVersion: z.number().int().positive(),
  name: z.string(),
  createdAt: z.string(),
  settings: z.object({ copyImages: z.boolean(), userName: z.string() }),
});

/** Reads pleura-project.json; refuses a project written by a newer format version. */
export async function readManifest(root: string): Promise<ProjectManifest> {
  let text: string;
  try {
    text = await readFile(join(root, 'pleura-project.json'), 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') throw new PleuraError('not-found', `${root} is not a Pleura project (no pleura-project.json).`);
    throw ioFailure(error, 'pleura-project.json');
  }
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch {
    throw new PleuraError('corrupt', 'pleura-project.json is damaged (not valid JSON).');
  }
  const version = (raw as { formatVersion?: unknown } | null)?.formatVersion;
  if (typeof version === 'number' && version > projectFormatVersion) {
    throw new PleuraError('unsupported', `This project was saved by a newer version of Pleura (project format ${version}; this version reads format ${projectFormatVersion} and older). Update Pleura to open it.`, { formatVersion: version });
  }
  const parsed = manifestSchema.safeParse(raw);
  if (!parsed.success) throw new PleuraError('corrupt', 'pleura-project.json is damaged or not a Pleura project file.');
  return parsed.data;
}

export function writeManifest(root: string, manifest: ProjectManifest): Promise<void> {
  return writeFileAtomic(join(root, 'pleura-project.json'), Buffer.from(JSON.stringify(manifest, null, 2) + '\n'));
}

export interface Snapshot {
  seq: number;
  logOffset: number;
  state: ProjectState;
}

/** Reads state.json; null when absent or unreadable (the log alone is enough to rebuild it). */
export async function readSnapshot(root: string): Promise<Snapshot | null> {
  try {
    const parsed = JSON.parse(await readFile(join(root, 'state.json'), 'utf8')) as Snapshot & { formatVersion?: number };
    if (parsed.formatVersion !== projectFormatVersion || !Number.isInteger(parsed.seq) || !Number.isInteger(parsed.logOffset) || !parsed.state || !Array.isArray(parsed.state.images)) return null;
    return { seq: parsed.seq, logOffset: parsed.logOffset, state: parsed.state };
  } catch {
    return null;
  }
}

export function writeSnapshot(root: string, snapshot: Snapshot): Promise<void> {
  return writeFileAtomic(join(root, 'state.json'), Buffer.from(JSON.stringify({ formatVersion: projectFormatVersion, ...snapshot })));
}

/**
 * Takes the project's lock file so that two processes never append to one log. A lock left by a
 * process that no longer runs (a crash) is taken over.
 */
export async function acquireLock(root: string): Promise<() => Promise<void>> {
  const path = join(root, '.lock');
  const mine = JSON.stringify({ pid: process.pid, host: hostname() });
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      const handle = await open(path, 'wx');
      await handle.writeFile(mine);
      await handle.close();
      return async () => {
        const current = await readFile(path, 'utf8').catch(() => '');
        if (current === mine) await unlink(path).catch(() => undefined);
      };
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw ioFailure(error, '.lock');
      const holder = await readFile(path, 'utf8').then((t) => JSON.parse(t) as { pid?: number; host?: string }, () => ({}) as { pid?: number; host?: string });
      if (holder.pid !== process.pid && holder.host === hostname() && holder.pid && isAlive(holder.pid)) {
        throw new PleuraError('conflict', `The project is open in another Pleura process (pid ${holder.pid}). Close it there first.`);
      }
      if (holder.pid === process.pid) return async () => undefined;
      await unlink(path).catch(() => undefined);
    }
  }
  throw new PleuraError('conflict', 'Could not lock the project folder.');
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}
