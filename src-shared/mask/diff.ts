import type { LabelMask } from '../api/masks';
import type { PixelRect } from './types';

/**
 * One reversible edit of a label mask: the pixels of the rectangle (`x`, `y`, `widthPx`, `heightPx`)
 * before and after, row-major, `widthPx * heightPx` bytes each. The rectangle is the bounding box of the
 * pixels that changed, so a brush dab stores a few hundred bytes, not the image.
 */
export interface MaskDiff {
  x: number;
  y: number;
  widthPx: number;
  heightPx: number;
  before: Uint8Array;
  after: Uint8Array;
}

/** The rectangle a diff covers (what the stage must redraw after applying it). */
export function diffRect(diff: MaskDiff): PixelRect {
  return { x: diff.x, y: diff.y, widthPx: diff.widthPx, heightPx: diff.heightPx };
}

/** Memory held by a diff, in bytes. */
export function diffBytes(diff: MaskDiff): number {
  return diff.before.byteLength + diff.after.byteLength;
}

/** A copy of the pixels of `rect` (which must lie inside the mask). */
export function captureRect(mask: LabelMask, rect: PixelRect): Uint8Array {
  const out = new Uint8Array(rect.widthPx * rect.heightPx);
  for (let row = 0; row < rect.heightPx; row++) {
    const start = (rect.y + row) * mask.widthPx + rect.x;
    out.set(mask.data.subarray(start, start + rect.widthPx), row * rect.widthPx);
  }
  return out;
}

function writeRect(mask: LabelMask, rect: PixelRect, pixels: Uint8Array): void {
  for (let row = 0; row < rect.heightPx; row++) {
    const start = row * rect.widthPx;
    mask.data.set(pixels.subarray(start, start + rect.widthPx), (rect.y + row) * mask.widthPx + rect.x);
  }
}

/** `rect` clipped to the mask, or null when nothing of it lies inside. */
export function clipRect(mask: LabelMask, rect: PixelRect): PixelRect | null {
  const x0 = Math.max(0, Math.floor(rect.x));
  const y0 = Math.max(0, Math.floor(rect.y));
  const x1 = Math.min(mask.widthPx, Math.ceil(rect.x + rect.widthPx));
  const y1 = Math.min(mask.heightPx, Math.ceil(rect.y + rect.heightPx));
  return x1 > x0 && y1 > y0 ? { x: x0, y: y0, widthPx: x1 - x0, heightPx: y1 - y0 } : null;
}

/**
 * The diff between `before` (pixels of `rect` captured earlier) and the mask's current pixels there,
 * shrunk to the bounding box of the pixels that differ; null when none differs.
 */
export function diffSince(mask: LabelMask, rect: PixelRect, before: Uint8Array): MaskDiff | null {
  const { data, widthPx } = mask;
  let x0 = rect.widthPx;
  let x1 = -1;
  let y0 = -1;
  let y1 = -1;
  for (let row = 0; row < rect.heightPx; row++) {
    const image = (rect.y + row) * widthPx + rect.x;
    const local = row * rect.widthPx;
    let first = -1;
    let last = -1;
    for (let column = 0; column < rect.widthPx; column++) {
      if (data[image + column] !== before[local + column]) {
        if (first < 0) first = column;
        last = column;
      }
    }
    if (first < 0) continue;
    if (y0 < 0) y0 = row;
    y1 = row;
    if (first < x0) x0 = first;
    if (last > x1) x1 = last;
  }
  if (y0 < 0) return null;
  const changed: PixelRect = { x: rect.x + x0, y: rect.y + y0, widthPx: x1 - x0 + 1, heightPx: y1 - y0 + 1 };
  const croppedBefore = new Uint8Array(changed.widthPx * changed.heightPx);
  for (let row = 0; row < changed.heightPx; row++) {
    const start = (y0 + row) * rect.widthPx + x0;
    croppedBefore.set(before.subarray(start, start + changed.widthPx), row * changed.widthPx);
  }
  return { ...changed, before: croppedBefore, after: captureRect(mask, changed) };
}

/**
 * Runs `mutate` on the mask and returns the diff of what it changed inside `rect` (null when nothing did).
 * `mutate` must not change pixels outside `rect`.
 */
export function recordEdit(mask: LabelMask, rect: PixelRect | null, mutate: () => void): MaskDiff | null {
  const clipped = rect && clipRect(mask, rect);
  if (!clipped) return null;
  const before = captureRect(mask, clipped);
  mutate();
  return diffSince(mask, clipped, before);
}

/**
 * Applies a diff to the mask in place: `undo` writes its `before` pixels, `redo` its `after` pixels.
 * Returns the rectangle to redraw.
 * @throws RangeError when the diff does not fit inside the mask (it belongs to another image).
 */
export function applyDiff(mask: LabelMask, diff: MaskDiff, direction: 'undo' | 'redo'): PixelRect {
  if (diff.x < 0 || diff.y < 0 || diff.x + diff.widthPx > mask.widthPx || diff.y + diff.heightPx > mask.heightPx) {
    throw new RangeError(`diff ${diff.widthPx}x${diff.heightPx}+${diff.x}+${diff.y} does not fit a ${mask.widthPx}x${mask.heightPx} mask`);
  }
  const rect = diffRect(diff);
  writeRect(mask, rect, direction === 'undo' ? diff.before : diff.after);
  return rect;
}

/**
 * Combines diffs applied one after another (oldest first) into one, e.g. the dabs of a brush stroke, so
 * a single undo reverts the stroke. `mask` must be in its state after the last diff. Returns null when the
 * diffs cancel out.
 */
export function mergeDiffs(mask: LabelMask, diffs: readonly MaskDiff[]): MaskDiff | null {
  if (diffs.length === 0) return null;
  let x0 = Infinity;
  let y0 = Infinity;
  let x1 = -Infinity;
  let y1 = -Infinity;
  for (const diff of diffs) {
    x0 = Math.min(x0, diff.x);
    y0 = Math.min(y0, diff.y);
    x1 = Math.max(x1, diff.x + diff.widthPx);
    y1 = Math.max(y1, diff.y + diff.heightPx);
  }
  const union: PixelRect = { x: x0, y: y0, widthPx: x1 - x0, heightPx: y1 - y0 };
  const before = captureRect(mask, union);
  // Undoing newest first leaves, in each pixel, the value it had before the first diff that touched it.
  for (let k = diffs.length - 1; k >= 0; k--) {
    const diff = diffs[k];
    for (let row = 0; row < diff.heightPx; row++) {
      const start = row * diff.widthPx;
      before.set(diff.before.subarray(start, start + diff.widthPx), (diff.y - y0 + row) * union.widthPx + (diff.x - x0));
    }
  }
  return diffSince(mask, union, before);
}
