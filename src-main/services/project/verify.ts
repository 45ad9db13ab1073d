import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { VerifyReport } from '../../../src-shared/api/project';
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
  const problems: string[] = [];
  let bytes: Buffer;
  try {
    bytes = await readFile(join(root, 'log.jsonl'));
    if (options.logBytes !== undefined) bytes = bytes.subarray(0, options.logBytes);
  } catch (error) {
    throw new PleuraError('corrupt', `The project has no readable log.jsonl (${(error as Error).message}).`);
  }
  const read = await readSnapshot(root);
  const snapshot = read.kind === 'ok' ? read.snapshot : null;
  if (read.kind === 'damaged') problems.push(`The snapshot state.json is damaged (${read.reason}); opening the project rebuilds it from the log.`);
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
      problems.push(terminated
        ? `log.jsonl is damaged at byte ${position} (the record after change ${lastSeq} fails its checksum). Restore log.jsonl from a backup; the changes recorded there are lost otherwise.`
        : `log.jsonl ends with an unfinished record (${end - position} bytes after change ${lastSeq}: a save that was interrupted); opening the project moves it aside.`);
    } else if (decoded.record.seq !== lastSeq + 1) {
      problems.push(`log.jsonl record at byte ${position} has number ${decoded.record.seq} where ${lastSeq + 1} was expected (records missing or out of order). Restore log.jsonl from a backup.`);
      lastSeq = decoded.record.seq;
    } else {
      records++;
      lastSeq = decoded.record.seq;
      if (decoded.record.change) applyChange(index, decoded.record.change);
      if (snapshot && lastSeq === snapshot.seq) {
        snapshotChecked = true;
        if (position !== snapshot.lastRecordOffset || decoded.crc !== snapshot.lastRecordCrc || canonical(index.state) !== canonical(snapshot.state)) {
          problems.push(`The snapshot state.json does not match the log at change ${snapshot.seq}; delete state.json to rebuild it from the log.`);
        }
      }
    }
    position = end + 1;
  }
  if (snapshot && !snapshotChecked && options.logBytes === undefined) {
    problems.push(`The snapshot state.json includes ${snapshot.seq} changes but log.jsonl holds only ${lastSeq}: the log was cut short or replaced by an older copy. Restore log.jsonl from a backup.`);
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
        const why = (error as NodeJS.ErrnoException).code === 'ENOENT' ? 'is missing' : `is damaged (${(error as Error).message})`;
        problems.push(`Mask revision ${revision.id} of ${image.name} (${revision.file}) ${why}; restore that file from a backup, or restore an earlier revision in the history panel.`);
      }
    }
    if (image.storage.mode === 'copy') {
      const file = image.storage.file;
      const content = await readFile(safeJoin(root, file)).catch(() => null);
      if (!content) problems.push(`The image file of ${image.name} (${file}) is missing; import the original again or restore the file from a backup.`);
      else if (sha256Hex(content) !== image.contentHash) problems.push(`The image file of ${image.name} (${file}) is damaged (checksum mismatch); restore it from a backup or import the original again.`);
    }
  }
  if (!options.lockedByUs) {
    const lock = await readFile(join(root, '.lock'), 'utf8').catch(() => null);
    if (lock !== null) {
      const holder = parseLock(lock);
      problems.push(holder ? `Note: the project is locked by ${holder.host}, process ${holder.pid} (${holder.user || 'unknown user'}); it may be open there.` : 'Note: the project lock file is empty or garbled; the next open takes it over.');
    }
  }
  const damage = problems.filter((p) => !p.startsWith('Note:'));
  return { ok: damage.length === 0, records, revisions, images: index.state.images.length, problems };
}
