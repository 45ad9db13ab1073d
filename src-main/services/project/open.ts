import { mkdir, readdir, unlink } from 'node:fs/promises';
import { join } from 'node:path';
import { userInfo } from 'node:os';
import type { ProjectSettings } from '../../../src-shared/api/project';
import { say, type ServerText } from '../../../src-shared/api/text';
import { PleuraError } from '../../../src-shared/api/result';
import { ioFailure, writeFileAtomic } from './durable';
import { AppendLog } from './log';
import { acquireLock } from './lock';
import { ProjectIndex, applyChange, emptyState, type LogRecord } from './state';
import { projectFormatVersion, readManifest, readSnapshot, writeManifest, type ProjectManifest } from './files';

/** How to open a project. */
export interface OpenOptions {
  /** Who edits are recorded as (decided by the app, never by a client); default the OS user. */
  user?: string;
  /** Take over a lock held by another computer (the user said it is no longer open there). */
  breakLock?: boolean;
  /** Open without taking the lock or writing anything (verify, export of a read-only copy). */
  readOnly?: boolean;
}

/** Everything an opened project is made of, handed to the ProjectStore constructor. */
export interface OpenedParts {
  root: string;
  manifest: ProjectManifest;
  index: ProjectIndex;
  log: AppendLog<LogRecord>;
  /** Sequence number the snapshot on disk is at (0: no usable snapshot). */
  snapshotSeq: number;
  /** The snapshot on disk is missing, damaged or behind: write one now. */
  snapshotWanted: boolean;
  release: () => Promise<void>;
  recoveredBytes: number;
  readOnly: boolean;
  user: string;
  warnings: ServerText[];
}

/** The OS user, the default author of edits. */
export function defaultUser(): string {
  try {
    return userInfo().username || 'user';
  } catch {
    return 'user';
  }
}

/** Temp files of writeFileAtomic (`.<name>.<12 hex>.tmp`): left only by a write that was interrupted. */
const orphanTemp = /^\..+\.[0-9a-f]{12}\.tmp$/;

/** Removes temp files left by interrupted writes; returns how many. */
async function cleanOrphans(root: string): Promise<number> {
  const entries = await readdir(root, { recursive: true, withFileTypes: true }).catch(() => []);
  let removed = 0;
  for (const entry of entries) {
    if (!entry.isFile() || !orphanTemp.test(entry.name)) continue;
    const parent = (entry as { parentPath?: string; path?: string }).parentPath ?? (entry as { path?: string }).path ?? root;
    if (await unlink(join(parent, entry.name)).then(() => true, () => false)) removed++;
  }
  return removed;
}

/** Keeps a damaged log tail in damaged/ before it is cut off; returns its path relative to the project. */
async function keepDamagedTail(root: string, bytes: Buffer): Promise<string> {
  const name = `damaged/log-tail-${new Date().toISOString().replace(/[:.]/g, '-')}.jsonl`;
  await writeFileAtomic(join(root, name), bytes);
  return name;
}

function shorterLog(root: string, snapshotSeq: number, logSeq: number): PleuraError {
  return new PleuraError(
    'corrupt',
    say('project.logShorter', { snapshotSeq, logSeq, path: root, lost: snapshotSeq - logSeq }),
    { snapshotSeq, logSeq },
  );
}

/**
 * Opens a project folder: manifest, lock, snapshot (checked by checksum and against the log), log tail.
 * Damage is never silent: every repair is reported in `warnings`; what cannot be repaired without losing
 * acknowledged changes is refused as `corrupt` with how to recover. A folder that cannot be written opens
 * read-only.
 */
export async function openParts(root: string, options: OpenOptions): Promise<OpenedParts> {
  const manifest = await readManifest(root);
  const user = options.user || manifest.settings.userName || defaultUser();
  const lock = options.readOnly ? { release: async () => undefined, readOnly: true, warnings: [] } : await acquireLock(root, { user, breakLock: options.breakLock });
  try {
    try {
      return await openLocked(root, manifest, user, lock.readOnly, [...lock.warnings], lock.release);
    } catch (error) {
      // A full or read-only disk found while repairing (keeping a damaged tail): open read-only instead.
      if (lock.readOnly || !(error instanceof PleuraError) || (error.code !== 'disk-full' && error.code !== 'forbidden')) throw error;
      return await openLocked(root, manifest, user, true, [...lock.warnings, say('project.readOnlyBecause', { reason: error.text ?? error.message })], lock.release);
    }
  } catch (error) {
    await lock.release();
    throw error;
  }
}

async function openLocked(root: string, manifest: ProjectManifest, user: string, readOnly: boolean, warnings: ServerText[], release: () => Promise<void>): Promise<OpenedParts> {
  const logPath = join(root, 'log.jsonl');
  const saveTail = readOnly ? undefined : (bytes: Buffer) => keepDamagedTail(root, bytes);
  const read = await readSnapshot(root);
  if (read.kind === 'damaged') warnings.push(say('project.snapshotDamaged', { detail: read.reason }));
  let fromSnapshot = null;
  if (read.kind === 'ok') {
    const s = read.snapshot;
    // Read from the snapshot's last record: it must be there, with the same seq and CRC.
    const tail = await AppendLog.open<LogRecord>(logPath, { fromOffset: s.lastRecordOffset, afterSeq: s.seq - 1, readOnly: true }).catch(() => null);
    const matches = tail && tail.records[0]?.seq === s.seq && tail.firstCrc === s.lastRecordCrc;
    await tail?.log.close();
    if (matches) fromSnapshot = s;
  }
  if (!fromSnapshot && read.kind === 'ok') {
    // Before anything is cut off: a log that does not reach the snapshot has lost acknowledged changes.
    const check = await AppendLog.open<LogRecord>(logPath, { fromOffset: 0, afterSeq: 0, readOnly: true });
    await check.log.close();
    if (check.log.seq < read.snapshot.seq) throw shorterLog(root, read.snapshot.seq, check.log.seq);
    warnings.push(say('project.snapshotMismatch'));
  }
  const full = await AppendLog.open<LogRecord>(logPath, fromSnapshot ? { fromOffset: fromSnapshot.lastRecordOffset, afterSeq: fromSnapshot.seq - 1, readOnly, saveTail } : { fromOffset: 0, afterSeq: 0, readOnly, saveTail });
  if (full.truncatedBytes > 0) {
    const where = full.damagedTailSavedAs ? say('project.tailMovedTo', { path: full.damagedTailSavedAs }) : say('project.tailLeft');
    warnings.push(full.damagedTailComplete
      ? say('project.tailDamaged', { bytes: full.truncatedBytes, change: full.log.seq, where })
      : say('project.tailInterrupted', { bytes: full.truncatedBytes, where }));
  }
  const index = new ProjectIndex(fromSnapshot ? fromSnapshot.state : emptyState());
  const records = fromSnapshot ? full.records.slice(1) : full.records;
  for (const record of records) if (record.change) applyChange(index, record.change);
  if (!readOnly) {
    const removed = await cleanOrphans(root);
    if (removed) warnings.push(say('project.orphansRemoved', { count: removed }));
  }
  const snapshotSeq = fromSnapshot ? fromSnapshot.seq : 0;
  return {
    root, manifest, index, log: full.log, snapshotSeq, release, readOnly, user, warnings,
    snapshotWanted: read.kind !== 'none' && !fromSnapshot,
    recoveredBytes: full.truncatedBytes,
  };
}

/** How to create a project: `user` is who it is created by (the app's user), `userName` a label kept in settings. */
export interface CreateOptions {
  name?: string;
  copyImages?: boolean;
  userName?: string;
  user?: string;
}

/** Lays out a new project in an empty or missing folder: subfolders, the log's first record, the manifest. */
export async function createProjectFolder(root: string, options: CreateOptions): Promise<{ root: string; user: string }> {
  await mkdir(root, { recursive: true }).catch((error: unknown) => {
    throw ioFailure(error, root);
  });
  const entries = await readdir(root);
  if (entries.length) throw new PleuraError('conflict', say('project.folderNotEmpty', { path: root }));
  for (const dir of ['images', 'masks', 'artifacts', 'models']) await mkdir(join(root, dir));
  const user = options.user || options.userName || defaultUser();
  const settings: ProjectSettings = { copyImages: options.copyImages ?? true, userName: options.userName ?? user };
  const name = options.name?.trim() || root.split(/[\\/]/).filter(Boolean).pop() || 'Project';
  const createdAt = new Date().toISOString();
  const manifest: ProjectManifest = { format: 'pleura-project', formatVersion: projectFormatVersion, name, createdAt, settings };
  const log = await AppendLog.create<LogRecord>(join(root, 'log.jsonl'));
  await log.append({ at: createdAt, user, action: 'create', detail: { name }, change: { type: 'create', name, createdAt, settings } });
  await log.close();
  await writeManifest(root, manifest);
  return { root, user };
}
