import type { LabelMask } from '../../../src-shared/api/masks';
import { applyDiff, diffBytes, type MaskDiff } from '../../../src-shared/mask/diff';
import type { PixelRect } from '../../../src-shared/mask/types';

/** One undo step. */
interface Entry {
  id: number;
  diff: MaskDiff;
  label: string;
}

/** Options of {@link EditHistory}. */
export interface EditHistoryOptions {
  /** Memory kept for undo and redo together; the oldest steps are dropped beyond it (default 256 MiB). */
  maxBytes?: number;
}

/**
 * Undo/redo of one image's mask, storing diffs (only the changed rectangle before and after), unlimited in
 * steps but bounded in memory: when the total exceeds maxBytes the oldest undo steps are dropped and
 * counted in `droppedSteps`. The newest step is always kept, however large. Keep one history per image.
 * `version` increases on every change, for reactive UI (a Pinia store can mirror it).
 */
export class EditHistory {
  private readonly maxBytes: number;
  private readonly undoStack: Entry[] = [];
  private redoStack: Entry[] = [];
  private nextId = 1;
  private savedId = 0;
  private totalBytes = 0;
  /** Id of the newest dropped step: the state with an empty undo stack once steps were dropped. */
  private baseId = 0;
  /** Undo steps dropped to stay within maxBytes since creation. */
  droppedSteps = 0;
  /** Increases on every push, undo, redo, clear or save mark. */
  version = 0;

  constructor(options: EditHistoryOptions = {}) {
    this.maxBytes = options.maxBytes ?? 256 * 1024 * 1024;
  }

  get canUndo(): boolean {
    return this.undoStack.length > 0;
  }

  get canRedo(): boolean {
    return this.redoStack.length > 0;
  }

  /** Name of the step Undo would revert, e.g. "Brush"; null when there is none. */
  get undoLabel(): string | null {
    return this.undoStack.length > 0 ? this.undoStack[this.undoStack.length - 1].label : null;
  }

  get redoLabel(): string | null {
    return this.redoStack.length > 0 ? this.redoStack[this.redoStack.length - 1].label : null;
  }

  get undoDepth(): number {
    return this.undoStack.length;
  }

  get redoDepth(): number {
    return this.redoStack.length;
  }

  /** Memory held by the stored diffs. */
  get bytes(): number {
    return this.totalBytes;
  }

  /** True when the mask differs from the state marked by {@link markSaved} (or from the start). */
  get modified(): boolean {
    return this.currentId() !== this.savedId;
  }

  /** Records an edit already applied to the mask. Clears the redo steps. */
  push(diff: MaskDiff, label: string): void {
    for (const entry of this.redoStack) this.totalBytes -= diffBytes(entry.diff);
    this.redoStack = [];
    this.undoStack.push({ id: this.nextId++, diff, label });
    this.totalBytes += diffBytes(diff);
    while (this.totalBytes > this.maxBytes && this.undoStack.length > 1) {
      const dropped = this.undoStack.shift();
      if (!dropped) break;
      this.totalBytes -= diffBytes(dropped.diff);
      this.baseId = dropped.id;
      this.droppedSteps++;
    }
    this.version++;
  }

  /** Reverts the newest step on `mask`; returns the rectangle to redraw, or null when there is nothing to undo. */
  undo(mask: LabelMask): PixelRect | null {
    const entry = this.undoStack.pop();
    if (!entry) return null;
    const rect = applyDiff(mask, entry.diff, 'undo');
    this.redoStack.push(entry);
    this.version++;
    return rect;
  }

  /** Re-applies the newest undone step; returns the rectangle to redraw, or null when there is none. */
  redo(mask: LabelMask): PixelRect | null {
    const entry = this.redoStack.pop();
    if (!entry) return null;
    const rect = applyDiff(mask, entry.diff, 'redo');
    this.undoStack.push(entry);
    this.version++;
    return rect;
  }

  /** Marks the current state as saved, so `modified` turns false until the next change. */
  markSaved(): void {
    this.savedId = this.currentId();
    this.version++;
  }

  /** Forgets every step (e.g. when a new revision is loaded). The current state counts as saved. */
  clear(): void {
    this.undoStack.length = 0;
    this.redoStack = [];
    this.totalBytes = 0;
    this.savedId = 0;
    this.baseId = 0;
    this.version++;
  }

  private currentId(): number {
    return this.undoStack.length > 0 ? this.undoStack[this.undoStack.length - 1].id : this.baseId;
  }
}
