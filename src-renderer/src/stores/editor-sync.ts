import type { ApiClient, LabelMask, MaskRevision, SerializedError } from '../../../src-shared/api';
import type { PixelRect } from '../../../src-shared/mask/types';
import { EditHistory } from '../editor/history';
import type { MaskSession } from './editor';

/** What the sync needs from the editor store. */
export interface SyncDeps {
  api: ApiClient;
  sessions: Map<string, MaskSession>;
  current(): MaskSession | null;
  loadPrediction(imageId: string, loaded: { revision: MaskRevision; mask: LabelMask } | null): Promise<LabelMask | null>;
  redraw(rect: PixelRect | null): void;
  bump(): void;
  save(target: MaskSession): Promise<boolean>;
  loadFailed(error: SerializedError): void;
}

/**
 * Keeps the editor's sessions in step with the project on the server: change events refresh clean
 * sessions and flag sessions with unsaved edits as in conflict; the user resolves a conflict by loading
 * the latest or keeping theirs on top of it (a new revision, nothing overwritten).
 */
export function createSync(deps: SyncDeps) {
  const { api, sessions } = deps;
  /** Puts the server's current revision into a session: its mask, a fresh undo history. */
  async function adoptLatest(target: MaskSession, latest: { revision: MaskRevision; mask: LabelMask } | null): Promise<void> {
    if (latest && latest.mask.data.length === target.mask.data.length) target.mask.data.set(latest.mask.data);
    else if (!latest) target.mask.data.fill(0);
    target.revision = latest?.revision ?? null;
    target.blank = !latest;
    target.history = new EditHistory();
    target.conflict = null;
    target.saveError = null;
    target.prediction = await deps.loadPrediction(target.imageId, latest);
    if (deps.current() === target) deps.redraw(null);
    deps.bump();
  }

  /** After a save or a shown prediction got its answer: the check the change events seen meanwhile asked for. */
  function recheck(target: MaskSession): Promise<void> {
    if (!target.recheck) return Promise.resolve();
    const latest = target.recheckLatest;
    target.recheck = false;
    return syncWithServer([target.imageId], latest === undefined ? undefined : { [target.imageId]: latest });
  }

  /**
   * After a change elsewhere (another client, a batch prediction, a confirmed prediction, a restore):
   * a session without unsaved edits shows the server's current mask at once; one with unsaved edits is
   * marked in conflict, and the user chooses. Never a stale mask, never a silent overwrite.
   */
  async function syncWithServer(imageIds: string[], latestRevisionIds?: Record<string, string | null>): Promise<void> {
    for (const imageId of imageIds) {
      const kept = sessions.get(imageId);
      if (!kept) continue;
      // The event says which revision is current now: one this view shows (or is being saved as) needs no load.
      const latest = latestRevisionIds && Object.prototype.hasOwnProperty.call(latestRevisionIds, imageId) ? latestRevisionIds[imageId] : undefined;
      if (kept.recheck) kept.recheckLatest = latest;
      if (latest !== undefined && latest === (kept.pending?.revisionId ?? kept.revision?.id ?? null)) continue;
      // A save or a shown prediction on its way: checked again once it has its answer.
      kept.recheck = kept.saving || !!kept.pending;
      kept.recheckLatest = latest;
      if (kept.recheck) continue;
      const result = await api.masks.load(imageId, {});
      if (!result.ok) continue;
      const loadedId = result.value?.revision.id ?? null;
      // The revision this view shows, or the prediction it shows while that is being saved (it came first).
      if (loadedId === (kept.revision?.id ?? null) || loadedId === kept.pending?.revisionId) continue;
      if (kept.history.modified) {
        kept.conflict = result.value?.revision ?? null;
        deps.bump();
      } else {
        await adoptLatest(kept, result.value);
      }
    }
  }

  /** The user's answer to a conflict: drop the unsaved edits for the latest, or save them on top of it. */
  async function resolveConflict(choice: 'latest' | 'mine'): Promise<boolean> {
    const current = deps.current();
    if (!current?.conflict) return false;
    if (choice === 'mine') {
      current.revision = current.conflict;
      current.conflict = null;
      return deps.save(current);
    }
    const result = await api.masks.load(current.imageId, {});
    if (!result.ok) {
      deps.loadFailed(result);
      return false;
    }
    await adoptLatest(current, result.value);
    return true;
  }


  return { syncWithServer, recheck, resolveConflict };
}
