import type { AuditEntry } from '../../../src-shared/api/project';
import type { LabelMask, RevisionSource } from '../../../src-shared/api/masks';
import { PleuraError } from '../../../src-shared/api/result';
import type { Change, LogRecord, StoredImage, StoredRevision } from './state';

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

/** Refuses a mask of the wrong size or with labels outside 0..2 (0 background, 1 right, 2 left lung). */
export function checkMask(mask: LabelMask, image: StoredImage): void {
  if (mask.widthPx !== image.widthPx || mask.heightPx !== image.heightPx) {
    throw new PleuraError('invalid-argument', `Mask is ${mask.widthPx}x${mask.heightPx} but ${image.name} is ${image.widthPx}x${image.heightPx}.`);
  }
  if (mask.data.length !== mask.widthPx * mask.heightPx) throw new PleuraError('invalid-argument', 'Mask data length must be widthPx * heightPx.');
  for (let i = 0; i < mask.data.length; i++) {
    if (mask.data[i] > 2) throw new PleuraError('invalid-argument', `Mask labels must be 0, 1 or 2; pixel ${i} is ${mask.data[i]}.`);
  }
}

/** True when the image's current mask is a person's work (a user or reference revision, or approved). */
export function holdsUserWork(image: StoredImage, revisions: StoredRevision[]): boolean {
  if (image.status === 'approved') return true;
  const latest = revisions.find((r) => r.id === image.latestRevisionId);
  return !!latest && latest.source.kind !== 'model';
}

export function describeSource(source: RevisionSource): string {
  return source.kind === 'model' ? `model ${source.modelId}@${source.modelVersion}` : source.kind === 'user' ? source.user : `reference ${source.file}`;
}
