import { readFile } from 'node:fs/promises';
import type { AuditEntry } from '../../../src-shared/api/project';
import { say, type TextParam } from '../../../src-shared/api/text';
import type { LabelMask, RevisionSource } from '../../../src-shared/api/masks';
import { PleuraError } from '../../../src-shared/api/result';
import { byteCounts } from '../../../src-shared/mask/counts';
import { decodeLine } from './log';
import { publicRecord, publicRevision, type Change, type LogRecord, type StoredImage, type StoredRevision } from './state';

/** Rules of the project store that need no state of their own: what a save may contain, who made what. */

export function changedImages(change: Change | undefined): string[] {
  if (!change) return [];
  if (change.type === 'image') return [change.image.id];
  if (change.type === 'revision') return [change.revision.imageId];
  if (change.type === 'patch') return [change.imageId];
  return [];
}

export function toAuditEntry(record: LogRecord): AuditEntry {
  const entry: AuditEntry = { seq: record.seq, at: record.at, user: record.user, action: record.action, detail: record.detail };
  if (record.imageId) entry.imageId = record.imageId;
  return entry;
}

/**
 * Refuses a mask of the wrong size or with labels outside 0..2 (0 background, 1 right, 2 left lung);
 * returns its pixels per label ([background, right, left]: the revision's label counts).
 */
export function checkMask(mask: LabelMask, image: StoredImage): number[] {
  if (mask.widthPx !== image.widthPx || mask.heightPx !== image.heightPx) {
    throw new PleuraError('invalid-argument', say('mask.sizeMismatch', { maskWidth: mask.widthPx, maskHeight: mask.heightPx, name: image.name, widthPx: image.widthPx, heightPx: image.heightPx }));
  }
  if (mask.data.length !== mask.widthPx * mask.heightPx) throw new PleuraError('invalid-argument', say('mask.dataLength'));
  // counted four bytes at a time; the first bad pixel is looked for only when there is one
  const counts = byteCounts(mask.data);
  if (counts[0] + counts[1] + counts[2] !== mask.data.length) {
    for (let i = 0; i < mask.data.length; i++) {
      if (mask.data[i] > 2) throw new PleuraError('invalid-argument', say('mask.badLabel', { pixel: i, value: mask.data[i] }));
    }
  }
  return [counts[0], counts[1], counts[2]];
}

/** True when the image's current mask is a person's work (a user or reference revision, or approved). */
export function holdsUserWork(image: StoredImage, revisions: StoredRevision[]): boolean {
  if (image.status === 'approved') return true;
  const latest = revisions.find((r) => r.id === image.latestRevisionId);
  return !!latest && latest.source.kind !== 'model';
}

export function describeSource(source: RevisionSource): TextParam {
  return source.kind === 'model' ? say('revision.sourceModel', { model: `${source.modelId}@${source.modelVersion}` }) : source.kind === 'user' ? source.user : say('revision.sourceReference', { file: source.file });
}

/**
 * The check every write makes: `parentId` (when given) must be the image's current revision. An id that
 * is no revision of the image is `invalid-argument`; another one is `conflict`, carrying the current
 * revision and record so the client can show them. Returns the current revision id.
 */
export function expectRevision(image: StoredImage, revisions: StoredRevision[], parentId: string | null | undefined): string | null {
  const latestId = image.latestRevisionId;
  if (parentId === undefined || parentId === latestId) return latestId;
  if (parentId !== null && !revisions.some((r) => r.id === parentId)) {
    throw new PleuraError('invalid-argument', say('revision.notOfImage', { revisionId: parentId, name: image.name }));
  }
  const current = revisions.find((r) => r.id === latestId);
  const now = current ? say('revision.nowBy', { revisionId: latestId ?? '', source: describeSource(current.source) }) : say('revision.now', { revisionId: latestId ?? say('revision.none') });
  throw new PleuraError('conflict', say('revision.conflict', { name: image.name, now }), {
    currentRevisionId: latestId,
    currentRevision: current ? publicRevision(current) : null,
    image: publicRecord(image),
  });
}

/** Audit entries of a log file, newest first (intact records only; damage is reported by verify). */
export async function readAudit(logPath: string, options: { limit?: number; imageId?: string }): Promise<AuditEntry[]> {
  const text = await readFile(logPath, 'utf8');
  const entries: AuditEntry[] = [];
  for (const line of text.split('\n')) {
    const record = line ? decodeLine<LogRecord>(line) : null;
    if (record && (!options.imageId || record.imageId === options.imageId)) entries.push(toAuditEntry(record));
  }
  entries.reverse();
  return options.limit ? entries.slice(0, options.limit) : entries;
}
