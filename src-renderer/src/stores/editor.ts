import { defineStore } from 'pinia';
import { computed, ref, shallowRef } from 'vue';
import type { LabelMask, MaskRevision, PendingPrediction, PixelSpacing, PredictionResult } from '../../../src-shared/api';
import { defaultBrushRadiusPx, maxBrushRadiusPx } from '../editor/brush-size';
import type { MaskDiff } from '../../../src-shared/mask/diff';
import type { PixelRect } from '../../../src-shared/mask/types';
import { EditHistory } from '../editor/history';
import type { ToolId } from '../editor/tools';
import { useApi } from './api';
import { useMessagesStore } from './messages';
import { useProjectStore } from './project';
import { useConfirmStore } from './confirm';
import { approvalWarnings } from '../editor/approval-checks';
import { createSync } from './editor-sync';
import type { Said } from '../../../src-shared/api/text';
import { saidOfFailure } from '../i18n/server';

/** One image's mask being edited, with its own undo history; kept in memory until saved. */
export interface MaskSession {
  imageId: string;
  mask: LabelMask;
  history: EditHistory;
  /** The revision the mask was loaded from or last saved as (the parent of the next save). */
  revision: MaskRevision | null;
  /** The model's latest prediction, to show how much the user corrected (Dice). */
  prediction: LabelMask | null;
  saveError: Said | null;
  /**
   * The revision that is current on the server while this session has unsaved edits on an older one
   * (another client saved, a prediction was confirmed): the user chooses "load the latest" or "keep mine
   * on top of it". Nothing is saved over it until then.
   */
  conflict: MaskRevision | null;
  /** A save is on its way (change events seen meanwhile are checked again after it). */
  saving: boolean;
  recheck: boolean;
  /** The current revision the last change event seen during a save or a pending prediction named (undefined: not said). */
  recheckLatest?: string | null;
  /**
   * The model's mask on screen while the server still saves it as revision `revisionId`
   * ({@link showPrediction}); `settled` resolves once its answer came (the revision durable, or not saved).
   * A save of edits made meanwhile waits for it, so that it goes on top of the durable revision.
   */
  pending?: { revisionId: string; settled: Promise<void> } | null;
  /**
   * The mask was made empty here (the film had no mask) and holds no label until an edit: with
   * `history.modified` false it needs no pass over its pixels to be shown or measured.
   */
  blank?: boolean;
}

export type MaskView = 'fill' | 'contour' | 'hidden';
/** `now`: paint at once rather than with the next frame (a mask the user is waiting for). */
export type RedrawListener = (rect: PixelRect | null, options?: { now?: boolean }) => void;

const cleanSessionsKept = 4;
const autoSaveDelayMs = 4_000;

/**
 * The mask being edited (the `masks` domain): loading revisions, undo/redo per image, saving as new
 * revisions. Work is never dropped: a session with unsaved edits stays in memory until a save succeeds,
 * and a failed save shows its reason with a Retry.
 */
export const useEditorStore = defineStore('editor', () => {
  const api = useApi();
  const messages = useMessagesStore();
  const project = useProjectStore();
  const confirm = useConfirmStore();
  const sessions = new Map<string, MaskSession>();
  const { syncWithServer, recheck, resolveConflict } = createSync({
    api, sessions, current: () => session.value, loadPrediction: (imageId, loaded) => loadPrediction(imageId, loaded),
    redraw: (rect) => redraw(rect), bump: () => bump(), save: (target) => saveSession(target, { quiet: false }),
    loadFailed: (result) => messages.failure('errors.maskLoad', result),
  });
  const session = shallowRef<MaskSession | null>(null);
  /** Bumped on every committed edit, undo, redo and save: what measurements and buttons react to. */
  const version = ref(0);
  const loading = ref(false);
  const saving = ref(false);
  const activeLabel = ref<1 | 2>(1);
  const brushRadiusPx = ref(20);
  /** Set once the user picks a size; until then each film opens with its own sensible default. */
  const brushSizeChosen = ref(false);
  const smartTolerancePercent = ref(10);
  const tool = ref<ToolId>('brush');
  const protectOtherLabels = ref(true);
  const view = ref<MaskView>('fill');
  const opacity = ref(0.45);
  const showUncertainty = ref(false);
  const redrawListeners = new Set<RedrawListener>();
  let autoSaveTimer: ReturnType<typeof setTimeout> | null = null;

  const dirty = computed(() => (version.value, session.value?.history.modified ?? false));
  const canUndo = computed(() => (version.value, session.value?.history.canUndo ?? false));
  const canRedo = computed(() => (version.value, session.value?.history.canRedo ?? false));
  const unsavedImageIds = computed(() => (version.value, [...sessions.values()].filter((s) => s.history.modified).map((s) => s.imageId)));

  function bump(): void {
    version.value++;
  }

  /** Subscribes the mask layer to redraws; `null` means the whole mask changed. */
  function onRedraw(listener: RedrawListener): () => void {
    redrawListeners.add(listener);
    return () => redrawListeners.delete(listener);
  }

  function redraw(rect: PixelRect | null, options?: { now?: boolean }): void {
    for (const listener of redrawListeners) listener(rect, options);
  }

  function forgetCleanSessions(): void {
    const clean = [...sessions.values()].filter((s) => !s.history.modified && s !== session.value);
    for (const old of clean.slice(0, Math.max(0, clean.length - cleanSessionsKept))) sessions.delete(old.imageId);
  }

  async function loadPrediction(imageId: string, loaded: { revision: MaskRevision; mask: LabelMask } | null): Promise<LabelMask | null> {
    if (loaded?.revision.source.kind === 'model') return { ...loaded.mask, data: loaded.mask.data.slice() };
    const revisions = await api.masks.revisions(imageId);
    if (!revisions.ok) return null;
    const latestModel = [...revisions.value].reverse().find((r) => r.source.kind === 'model');
    if (!latestModel) return null;
    const result = await api.masks.load(imageId, { revisionId: latestModel.id });
    return result.ok && result.value ? result.value.mask : null;
  }

  /**
   * Opens an image's mask for editing: the session kept in memory if any (unsaved work, undo history),
   * else the latest revision, else an empty mask of the image's size.
   */
  async function open(imageId: string, size: { widthPx: number; heightPx: number }): Promise<boolean> {
    if (session.value && session.value.imageId !== imageId) await save({ quiet: false });
    const kept = sessions.get(imageId);
    if (kept) {
      session.value = kept;
      bump();
      redraw(null);
      return true;
    }
    loading.value = true;
    try {
      const result = await api.masks.load(imageId, {});
      if (!result.ok) {
        messages.failure('errors.maskLoad', result);
        return false;
      }
      const loaded = result.value;
      const mask: LabelMask = loaded ? loaded.mask : { widthPx: size.widthPx, heightPx: size.heightPx, data: new Uint8Array(size.widthPx * size.heightPx) };
      const created: MaskSession = { imageId, mask, history: new EditHistory(), revision: loaded?.revision ?? null, prediction: await loadPrediction(imageId, loaded), saveError: null, conflict: null, saving: false, recheck: false, blank: !loaded };
      sessions.set(imageId, created);
      session.value = created;
      forgetCleanSessions();
      bump();
      redraw(null);
      return true;
    } finally {
      loading.value = false;
    }
  }

  /** Drops the in-memory copy so the next open reloads from disk (after a new prediction). */
  function discard(imageId: string): void {
    const kept = sessions.get(imageId);
    if (!kept) return;
    sessions.delete(imageId);
    if (session.value === kept) session.value = null;
    bump();
  }

  function scheduleAutoSave(): void {
    if (autoSaveTimer) clearTimeout(autoSaveTimer);
    autoSaveTimer = setTimeout(() => {
      autoSaveTimer = null;
      void save({ quiet: true });
    }, autoSaveDelayMs);
  }

  /** Records a finished edit (from a tool or a command) already applied to the mask. */
  function commit(diff: MaskDiff, label: string): void {
    const current = session.value;
    if (!current) return;
    current.history.push(diff, label);
    bump();
    scheduleAutoSave();
  }

  function undo(): void {
    const current = session.value;
    const rect = current?.history.undo(current.mask);
    if (!rect) return;
    redraw(rect);
    bump();
    scheduleAutoSave();
  }

  function redo(): void {
    const current = session.value;
    const rect = current?.history.redo(current.mask);
    if (!rect) return;
    redraw(rect);
    bump();
    scheduleAutoSave();
  }

  async function saveSession(target: MaskSession, options: { quiet: boolean }): Promise<boolean> {
    // Edits on a prediction still being saved go on top of its durable revision, never before it.
    if (target.pending && target.history.modified) await target.pending.settled;
    if (!target.history.modified) return true;
    // Nothing goes over a newer revision until the user has chosen (resolveConflict).
    if (target.conflict) return false;
    const savedVersion = target.history.version;
    // A copy: the user may keep painting while the bytes travel.
    const snapshot: LabelMask = { widthPx: target.mask.widthPx, heightPx: target.mask.heightPx, data: target.mask.data.slice() };
    target.saving = true;
    const result = await api.masks.save(target.imageId, snapshot, { parentId: target.revision?.id ?? null }).finally(() => (target.saving = false));
    if (!result.ok && result.code === 'conflict') {
      target.conflict = (result.details?.currentRevision as MaskRevision | null | undefined) ?? null;
      target.saveError = null;
      messages.push('warning', 'editor.conflict', {});
      bump();
      return false;
    }
    if (!result.ok) {
      target.saveError = saidOfFailure(result);
      messages.failure('errors.save', result, { retry: () => void saveSession(target, { quiet: false }) });
      bump();
      return false;
    }
    target.revision = result.value;
    target.saveError = null;
    if (target.history.version === savedVersion) target.history.markSaved();
    bump();
    // The server marks a saved user revision 'corrected'.
    await project.refreshImages();
    if (!options.quiet) messages.push('success', 'editor.saved', {});
    forgetCleanSessions();
    await recheck(target);
    return true;
  }

  /**
   * Shows the model's mask the server is still saving (`inference.predictedMask`) in the film's session,
   * if that is still the empty, untouched one it opened with: on screen at once. Edits may start on it;
   * their save waits for `durable` (the `predictImage` answer) and goes on top of the revision it names.
   * If the prediction did not become the film's mask (the save failed, or another's work came first),
   * an untouched session shows what the server holds instead and a failure is said; edits are kept.
   */
  function showPrediction(made: PendingPrediction, durable: Promise<PredictionResult | null>): boolean {
    const target = sessions.get(made.imageId);
    if (!target || target.revision || target.pending || target.conflict || target.saving || target.history.modified || !target.blank) return false;
    if (made.mask.widthPx !== target.mask.widthPx || made.mask.heightPx !== target.mask.heightPx) return false;
    target.mask.data.set(made.mask.data);
    target.blank = false;
    target.prediction = { ...made.mask, data: made.mask.data.slice() };
    const settled = durable.then((result) => settlePrediction(target, made, result), () => settlePrediction(target, made, null));
    target.pending = { revisionId: made.revisionId, settled };
    if (session.value === target) redraw(null, { now: true });
    bump();
    return true;
  }

  async function settlePrediction(target: MaskSession, made: PendingPrediction, result: PredictionResult | null): Promise<void> {
    target.pending = null;
    const saved = result?.revision.id === made.revisionId;
    if (saved && result.current) {
      target.revision = result.revision;
      bump();
      await recheck(target);
      return;
    }
    if (!saved) messages.push('error', target.history.modified ? 'editor.predictionUnsavedEdited' : 'editor.predictionUnsaved', {});
    if (!target.history.modified) {
      target.mask.data.fill(0);
      target.blank = true;
      target.prediction = null;
      if (session.value === target) redraw(null);
    }
    bump();
    // What the server holds now: an untouched session shows it, one with edits is flagged if it moved on.
    target.recheck = true;
    target.recheckLatest = undefined;
    await recheck(target);
  }

  /** Saves the current image's edits as a new revision; true when nothing is left unsaved. */
  async function save(options: { quiet?: boolean } = {}): Promise<boolean> {
    if (autoSaveTimer) {
      clearTimeout(autoSaveTimer);
      autoSaveTimer = null;
    }
    const current = session.value;
    if (!current) return true;
    saving.value = true;
    try {
      return await saveSession(current, { quiet: options.quiet ?? true });
    } finally {
      saving.value = false;
    }
  }

  /** Saves every session with unsaved edits (before closing the project or the window). */
  async function saveAll(): Promise<boolean> {
    let allSaved = true;
    for (const kept of sessions.values()) if (!(await saveSession(kept, { quiet: true }))) allSaved = false;
    return allSaved;
  }

  /** Saves pending edits, then marks the image approved. Nothing is approved if the save failed. */
  async function approve(): Promise<boolean> {
    const current = session.value;
    if (!current) return false;
    await current.pending?.settled;
    if (!(await save({ quiet: true }))) return false;
    if (!current.revision) {
      messages.push('warning', 'editor.nothingToApprove', {});
      return false;
    }
    // A warning, not a block: an empty lung or a mask far from the model's asks once.
    const warnings = approvalWarnings(current.mask, current.prediction);
    if (warnings.length) {
      const lines = warnings.map((w) => ({ key: `editor.${w.key}`, params: w.params }));
      if (!(await confirm.ask({ titleKey: 'editor.approveCheckTitle', lines, okKey: 'editor.approveAnyway' }))) return false;
    }
    const approved = await project.setStatus(current.imageId, 'approved', current.revision.id);
    if (approved) messages.push('success', 'editor.approved', {});
    return approved;
  }

  let viewBeforeHiding: MaskView = 'fill';
  /** Shows or hides the mask overlay (O), returning to the fill or contour view it had. */
  function toggleOverlay(): void {
    if (view.value === 'hidden') view.value = viewBeforeHiding;
    else {
      viewBeforeHiding = view.value;
      view.value = 'hidden';
    }
  }

  function setLabel(label: 1 | 2): void {
    activeLabel.value = label;
  }

  function resizeBrush(factor: number): void {
    setBrushRadius(Math.round(brushRadiusPx.value * factor + (factor > 1 ? 1 : -1) * 0.5));
  }

  /** The user's brush size (slider, [ and ]): kept for every later film. */
  function setBrushRadius(radiusPx: number): void {
    if (!Number.isFinite(radiusPx)) return;
    brushRadiusPx.value = Math.min(maxBrushRadiusPx, Math.max(1, Math.round(radiusPx)));
    brushSizeChosen.value = true;
  }

  /** A film opened: give it the default brush (10 mm, or 3 % of the film) unless the user chose a size. */
  function adaptBrush(size: { widthPx: number; heightPx: number }, spacing: PixelSpacing | null): void {
    if (!brushSizeChosen.value) brushRadiusPx.value = defaultBrushRadiusPx(size, spacing);
  }

  // Every open view follows the project: a change elsewhere refreshes or flags the sessions it touches.
  api.on('project', (event) => {
    if (event.kind === 'changed' && event.imageIds) void syncWithServer(event.imageIds, event.latestRevisionIds);
  });

  return {
    session, version, loading, saving, dirty, canUndo, canRedo, unsavedImageIds,
    activeLabel, brushRadiusPx, brushSizeChosen, smartTolerancePercent, tool, protectOtherLabels, view, opacity, showUncertainty,
    onRedraw, redraw, open, showPrediction, syncWithServer, resolveConflict, discard, commit, undo, redo, save, saveAll, approve, setLabel, toggleOverlay, resizeBrush, setBrushRadius, adaptBrush,
  };
});
