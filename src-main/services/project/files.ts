import { readFile } from 'node:fs/promises';
import { createHash } from 'node:crypto';
import { join } from 'node:path';
import { z } from 'zod';
import type { ProjectSettings } from '../../../src-shared/api/project';
import { say } from '../../../src-shared/api/text';
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
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') throw new PleuraError('not-found', say('project.notAProject', { path: root }));
    throw ioFailure(error, 'pleura-project.json');
  }
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch {
    throw new PleuraError('corrupt', say('project.manifestNotJson'));
  }
  const version = (raw as { formatVersion?: unknown } | null)?.formatVersion;
  if (typeof version === 'number' && version > projectFormatVersion) {
    throw new PleuraError('unsupported', say('project.newerFormat', { version, supported: projectFormatVersion }), { formatVersion: version });
  }
  const parsed = manifestSchema.safeParse(raw);
  if (!parsed.success) throw new PleuraError('corrupt', say('project.manifestDamaged'));
  return parsed.data;
}

export function writeManifest(root: string, manifest: ProjectManifest): Promise<void> {
  return writeFileAtomic(join(root, 'pleura-project.json'), Buffer.from(JSON.stringify(manifest, null, 2) + '\n'));
}

export interface Snapshot {
  /** Sequence number of the last record the state includes. */
  seq: number;
  /** Byte offset just after that record. */
  logOffset: number;
  /** Byte offset where that record starts, and its CRC: the snapshot is checked against the log with them. */
  lastRecordOffset: number;
  lastRecordCrc: number;
  state: ProjectState;
}

/** What reading state.json found: a checked snapshot, none, or a damaged one (with why). */
export type SnapshotRead = { kind: 'ok'; snapshot: Snapshot } | { kind: 'none' } | { kind: 'damaged'; reason: string };

function snapshotChecksum(body: object): string {
  return createHash('sha256').update(JSON.stringify(body)).digest('hex');
}

/**
 * Reads state.json and checks its sha256. `none` when absent or written by an older build without a
 * checksum (the log alone rebuilds it); `damaged` when it does not check out.
 */
export async function readSnapshot(root: string): Promise<SnapshotRead> {
  let text: string;
  try {
    text = await readFile(join(root, 'state.json'), 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return { kind: 'none' };
    return { kind: 'damaged', reason: `unreadable (${(error as Error).message})` };
  }
  let parsed: (Snapshot & { formatVersion?: number; sha256?: string }) | null;
  try {
    parsed = JSON.parse(text) as Snapshot & { formatVersion?: number; sha256?: string };
  } catch {
    return { kind: 'damaged', reason: 'not valid JSON' };
  }
  if (typeof parsed !== 'object' || parsed === null) return { kind: 'damaged', reason: 'not a snapshot' };
  const { sha256, ...body } = parsed;
  if (sha256 === undefined && !('lastRecordCrc' in body)) return { kind: 'none' };
  if (sha256 !== snapshotChecksum(body)) return { kind: 'damaged', reason: 'checksum mismatch' };
  const fields = [body.seq, body.logOffset, body.lastRecordOffset, body.lastRecordCrc];
  if (body.formatVersion !== projectFormatVersion || !fields.every(Number.isInteger) || !body.state || !Array.isArray(body.state.images)) {
    return { kind: 'damaged', reason: 'unexpected content' };
  }
  return { kind: 'ok', snapshot: { seq: body.seq, logOffset: body.logOffset, lastRecordOffset: body.lastRecordOffset, lastRecordCrc: body.lastRecordCrc, state: body.state } };
}

/** Writes state.json atomically with a sha256 of its content. */
export function writeSnapshot(root: string, snapshot: Snapshot): Promise<void> {
  const body = { formatVersion: projectFormatVersion, ...snapshot };
  return writeFileAtomic(join(root, 'state.json'), Buffer.from(JSON.stringify({ ...body, sha256: snapshotChecksum(body) })));
}
