import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { VerifyReport } from '../../../src-shared/api/project';
import { say, englishOf, type ServerText } from '../../../src-shared/api/text';
import { PleuraError } from '../../../src-shared/api/result';
import { safeJoin } from './durable';
import { decodeLineWithCrc } from './log';
import { parseLock } from './lock';
import { decodeRevisionFile, sha256Hex } from './revision-file';
import { readManifest, readSnapshot } from './files';
import { ProjectIndex, applyChange, emptyState, type LogRecord } from './state';

/** JSON with sorted keys: two states compare equal whatever order their fields were added in. */
function canonical(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonical).join(',')}]`;
  if (value && typeof value === 'object') {
    return `{${Object.keys(value).sort().filter((k) => (value as Record<string, unknown>)[k] !== undefined).map((k) => `${JSON.stringify(k)}:${canonical((value as Record<string, unknown>)[k])}`).join(',')}}`;
  }
  return JSON.stringify(value);
}

/**
 * Checks a project folder without changing it: every log record (checksum, order), the snapshot
 * (checksum, and the state it holds against the replay of the log up to it), every mask revision file
 * (present, sha256 as logged, decodes at the image's size) and every copied image (present, sha256 as
 * imported). `lockedByUs`: the caller holds the lock, so do not report it. `logBytes`: check only that
 * prefix of the log (what was on disk when the caller opened it; later appends may be in flight).
 */
export async function verifyProject(root: string, options: { lockedByUs?: boolean; logBytes?: number } = {}): Promise<VerifyReport> {
  await readManifest(root);
  const problems: ServerText[] = [];
  const notes: ServerText[] = [];
  let bytes: Buffer;
  try {
    bytes = await readFile(join(root, 'log.jsonl'));
    if (options.logBytes !== undefined) bytes = bytes.subarray(0, options.logBytes);
  } catch (error) {
    throw new PleuraError('corrupt', say('project.logUnreadable', { detail: (error as Error).message }));
  }
  const read = await readSnapshot(root);
  const snapshot = read.kind === 'ok' ? read.snapshot : null;
  if (read.kind === 'damaged') problems.push(say('verify.snapshotDamaged', { detail: read.reason }));
  const index = new ProjectIndex(emptyState());
  let records = 0;
  let lastSeq = 0;
  let snapshotChecked = false;
  let position = 0;
  while (position < bytes.length) {
    let end = bytes.indexOf(0x0a, position);
    const terminated = end !== -1;
    if (!terminated) end = bytes.length;
    const decoded = terminated ? decodeLineWithCrc<LogRecord>(bytes.toString('utf8', position, end)) : null;
    if (!decoded) {
      problems.push(terminated ? say('verify.logDamagedAt', { byte: position, change: lastSeq }) : say('verify.logUnfinished', { bytes: end - position, change: lastSeq }));
    } else if (decoded.record.seq !== lastSeq + 1) {
      problems.push(say('verify.logOrder', { byte: position, seq: decoded.record.seq, expected: lastSeq + 1 }));
      lastSeq = decoded.record.seq;
    } else {
      records++;
      lastSeq = decoded.record.seq;
      if (decoded.record.change) applyChange(index, decoded.record.change);
      if (snapshot && lastSeq === snapshot.seq) {
        snapshotChecked = true;
        if (position !== snapshot.lastRecordOffset || decoded.crc !== snapshot.lastRecordCrc || canonical(index.state) !== canonical(snapshot.state)) {
          problems.push(say('verify.snapshotMismatch', { change: snapshot.seq }));
        }
      }
    }
    position = end + 1;
  }
  if (snapshot && !snapshotChecked && options.logBytes === undefined) {
    problems.push(say('verify.logShorter', { snapshotSeq: snapshot.seq, logSeq: lastSeq }));
  }

  let revisions = 0;
  for (const image of index.state.images) {
    for (const revision of index.state.revisions[image.id] ?? []) {
      revisions++;
      try {
        const file = await readFile(safeJoin(root, revision.file));
        const mask = decodeRevisionFile(file, revision.sha256);
        if (mask.widthPx !== image.widthPx || mask.heightPx !== image.heightPx) throw new Error('wrong size');
      } catch (error) {
        problems.push((error as NodeJS.ErrnoException).code === 'ENOENT'
          ? say('verify.revisionMissing', { revisionId: revision.id, name: image.name, file: revision.file })
          : say('verify.revisionDamaged', { revisionId: revision.id, name: image.name, file: revision.file, detail: (error as Error).message }));
      }
    }
    if (image.storage.mode === 'copy') {
      const file = image.storage.file;
      const content = await readFile(safeJoin(root, file)).catch(() => null);
      if (!content) problems.push(say('verify.imageMissing', { name: image.name, file }));
      else if (sha256Hex(content) !== image.contentHash) problems.push(say('verify.imageDamaged', { name: image.name, file }));
    }
  }
  if (!options.lockedByUs) {
    const lock = await readFile(join(root, '.lock'), 'utf8').catch(() => null);
    if (lock !== null) {
      const holder = parseLock(lock);
      notes.push(holder ? say('verify.lockedBy', { host: holder.host, pid: String(holder.pid), user: holder.user || say('common.unknownUser') }) : say('verify.lockGarbled'));
    }
  }
  const all = [...problems, ...notes];
  return { ok: problems.length === 0, records, revisions, images: index.state.images.length, problems: all.map(englishOf), problemTexts: all };
}
