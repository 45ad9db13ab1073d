import type { ImageRecord } from '../../../src-shared/api/project';
import type { MaskRevision } from '../../../src-shared/api/masks';

/**
 * Whether a batch prediction may put a new model mask on top of a film's current one: never over an
 * approved mask, a user's correction or an imported (reference) mask; only over nothing or an earlier
 * model's output. A single "Predict" on the film on screen is the user's explicit choice and is not
 * limited by this.
 */
export function batchMayPredict(record: Pick<ImageRecord, 'status' | 'latestRevisionId'>, latest: Pick<MaskRevision, 'source'> | null): boolean {
  if (record.status === 'approved') return false;
  if (record.latestRevisionId === null) return true;
  return latest?.source.kind === 'model';
}
