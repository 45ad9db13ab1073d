import type { LabelMask } from '../api/masks';
import type { ImagePoint, PixelRect } from './types';
import type { MaskDiff } from './diff';
import { recordEdit } from './diff';
import { polygonRows, rasterizeCapsule, type SpanSink } from './raster';

export { type MaskDiff, applyDiff, mergeDiffs, diffRect, diffBytes } from './diff';

/*
 * Painting operations on a LabelMask. Each mutates the mask in place and returns the MaskDiff of what it
 * changed (null when nothing changed), ready for the undo history. Points are in continuous image
 * coordinates: pixel (x, y) covers [x, x + 1) × [y, y + 1) and is painted when its centre is inside the shape.
 * Labels are 0..254 (0 erases); 255 is reserved as a scratch marker for flood fill.
 */

/** Which pixels a painting operation may change. */
export interface PaintOptions {
  /** Paint only over pixels that currently hold one of these labels (e.g. [0, 1] protects the other lung). */
  onlyOver?: readonly number[];
  /**
   * The smart brush: paint only pixels whose image value lies in [min, max]. `image` is row-major with the
   * mask's size, one grey value a pixel (any units, e.g. modality values).
   */
  intensity?: { image: ArrayLike<number>; min: number; max: number };
}

/** A SpanSink that writes `label` over the allowed pixels of each span. */
function labelPainter(mask: LabelMask, label: number, options: PaintOptions): SpanSink {
  const { data, widthPx } = mask;
  let allowed: Uint8Array | null = null;
  if (options.onlyOver) {
    allowed = new Uint8Array(256);
    for (const over of options.onlyOver) allowed[over & 255] = 1;
  }
  const intensity = options.intensity;
  return (y, xFrom, xTo) => {
    const row = y * widthPx;
    for (let i = row + xFrom; i <= row + xTo; i++) {
      const current = data[i];
      if (current === label) continue;
      if (allowed !== null && allowed[current] === 0) continue;
      if (intensity) {
        const value = intensity.image[i];
        if (!(value >= intensity.min && value <= intensity.max)) continue;
      }
      data[i] = label;
    }
  };
}

function capsuleRect(from: ImagePoint, to: ImagePoint, radiusPx: number): PixelRect {
  const x0 = Math.floor(Math.min(from.x, to.x) - radiusPx) - 1;
  const y0 = Math.floor(Math.min(from.y, to.y) - radiusPx) - 1;
  const x1 = Math.ceil(Math.max(from.x, to.x) + radiusPx) + 1;
  const y1 = Math.ceil(Math.max(from.y, to.y) + radiusPx) + 1;
  return { x: x0, y: y0, widthPx: x1 - x0, heightPx: y1 - y0 };
}

/** Paints a disk of `radiusPx` around `centre` (eraser: label 0). */
export function paintDisk(mask: LabelMask, centre: ImagePoint, radiusPx: number, label: number, options: PaintOptions = {}): MaskDiff | null {
  return paintStroke(mask, centre, centre, radiusPx, label, options);
}

/**
 * Paints the capsule swept by a disk of `radiusPx` moving from `from` to `to`, so a fast pointer move
 * leaves no gaps between dabs. One diff for the whole capsule.
 */
export function paintStroke(mask: LabelMask, from: ImagePoint, to: ImagePoint, radiusPx: number, label: number, options: PaintOptions = {}): MaskDiff | null {
  if (!(radiusPx >= 0)) return null;
  const paint = labelPainter(mask, label, options);
  return recordEdit(mask, capsuleRect(from, to, radiusPx), () => rasterizeCapsule(from, to, radiusPx, mask.widthPx, mask.heightPx, paint));
}

/**
 * Fills the polygon (closed implicitly; even-odd rule, so self-intersecting lassos behave predictably).
 * Label 0 erases it. Fewer than 3 points change nothing.
 */
export function fillPolygon(mask: LabelMask, points: readonly ImagePoint[], label: number, options: PaintOptions = {}): MaskDiff | null {
  if (points.length < 3) return null;
  let x0 = Infinity;
  let y0 = Infinity;
  let x1 = -Infinity;
  let y1 = -Infinity;
  for (const p of points) {
    x0 = Math.min(x0, p.x);
    y0 = Math.min(y0, p.y);
    x1 = Math.max(x1, p.x);
    y1 = Math.max(y1, p.y);
  }
  const rect = { x: Math.floor(x0), y: Math.floor(y0), widthPx: Math.ceil(x1) - Math.floor(x0) + 1, heightPx: Math.ceil(y1) - Math.floor(y0) + 1 };
  const paint = labelPainter(mask, label, options);
  return recordEdit(mask, rect, () => polygonRows(points, mask.widthPx, mask.heightPx, paint));
}

/** Options of {@link floodFill}. */
export interface FloodFillOptions {
  /** 4 (default): the fill does not leak through diagonal gaps in an outline; 8 joins corners too. */
  connectivity?: 4 | 8;
}

const MARK = 255;

/**
 * Gives `label` to the connected region holding the seed's current label (the seed is the pixel under
 * `seed`). Never changes pixels of other labels. Null when the seed is outside or already has `label`.
 * @throws RangeError when `label` is not an integer in 0..254.
 */
export function floodFill(mask: LabelMask, seed: ImagePoint, label: number, options: FloodFillOptions = {}): MaskDiff | null {
  if (!Number.isInteger(label) || label < 0 || label >= MARK) throw new RangeError(`label must be 0..254, got ${label}`);
  const { data, widthPx, heightPx } = mask;
  const seedX = Math.floor(seed.x);
  const seedY = Math.floor(seed.y);
  if (seedX < 0 || seedY < 0 || seedX >= widthPx || seedY >= heightPx) return null;
  const start = seedY * widthPx + seedX;
  const target = data[start];
  if (target === label || target === MARK) return null;
  const eight = options.connectivity === 8;
  // Scanline fill: each popped seed is widened to its whole run on its row, then one seed is pushed per run
  // of the target label touching it in the rows above and below. Work is per run, not per pixel neighbour.
  let stack = new Int32Array(1024);
  let top = 0;
  let x0 = seedX;
  let x1 = seedX;
  let y0 = seedY;
  let y1 = seedY;
  stack[top++] = start;
  while (top > 0) {
    const i = stack[--top];
    if (data[i] !== target) continue;
    const y = (i / widthPx) | 0;
    const row = y * widthPx;
    let left = i - row;
    let right = left;
    while (left > 0 && data[row + left - 1] === target) left--;
    while (right + 1 < widthPx && data[row + right + 1] === target) right++;
    data.fill(MARK, row + left, row + right + 1);
    if (left < x0) x0 = left;
    if (right > x1) x1 = right;
    if (y < y0) y0 = y;
    if (y > y1) y1 = y;
    const from = eight ? Math.max(0, left - 1) : left;
    const to = eight ? Math.min(widthPx - 1, right + 1) : right;
    for (let ny = y - 1; ny <= y + 1; ny += 2) {
      if (ny < 0 || ny >= heightPx) continue;
      const nrow = ny * widthPx;
      let x = from;
      while (x <= to) {
        if (data[nrow + x] !== target) {
          x++;
          continue;
        }
        if (top + 1 >= stack.length) {
          const grown = new Int32Array(stack.length * 2);
          grown.set(stack);
          stack = grown;
        }
        stack[top++] = nrow + x;
        while (x <= to && data[nrow + x] === target) x++;
      }
    }
  }
  const rect: PixelRect = { x: x0, y: y0, widthPx: x1 - x0 + 1, heightPx: y1 - y0 + 1 };
  const before = new Uint8Array(rect.widthPx * rect.heightPx);
  const after = new Uint8Array(rect.widthPx * rect.heightPx);
  for (let row = 0; row < rect.heightPx; row++) {
    const image = (y0 + row) * widthPx + x0;
    const local = row * rect.widthPx;
    for (let column = 0; column < rect.widthPx; column++) {
      const value = data[image + column];
      if (value === MARK) {
        before[local + column] = target;
        after[local + column] = label;
        data[image + column] = label;
      } else {
        before[local + column] = value;
        after[local + column] = value;
      }
    }
  }
  return { ...rect, before, after };
}

function wholeMask(mask: LabelMask): PixelRect {
  return { x: 0, y: 0, widthPx: mask.widthPx, heightPx: mask.heightPx };
}

/** Gives label `to` to every pixel of label `from`. */
export function replaceLabel(mask: LabelMask, from: number, to: number): MaskDiff | null {
  if (from === to) return null;
  const { data } = mask;
  return recordEdit(mask, wholeMask(mask), () => {
    for (let i = 0; i < data.length; i++) if (data[i] === from) data[i] = to;
  });
}

/** Exchanges labels `a` and `b` (e.g. 1 and 2 when the model mixed up the lungs). */
export function swapLabels(mask: LabelMask, a: number, b: number): MaskDiff | null {
  if (a === b) return null;
  const { data } = mask;
  return recordEdit(mask, wholeMask(mask), () => {
    for (let i = 0; i < data.length; i++) {
      if (data[i] === a) data[i] = b;
      else if (data[i] === b) data[i] = a;
    }
  });
}

/** Sets every pixel to background. */
export function clearMask(mask: LabelMask): MaskDiff | null {
  return recordEdit(mask, wholeMask(mask), () => mask.data.fill(0));
}

/** Options of {@link applyBinaryOp}. */
export interface BinaryOpOptions {
  /** Let pixels the operation adds overwrite other labels (default false: only background is claimed). */
  overwrite?: boolean;
}

/**
 * Runs a binary operation (e.g. `(b, w, h) => close(b, w, h, 5)`, `fillHoles`, `removeIslands`) on the
 * pixels of one label and writes the result back: pixels it adds get `label` (background only, unless
 * `overwrite`), pixels it removes become background. Other labels are otherwise untouched.
 */
export function applyBinaryOp(mask: LabelMask, label: number, op: (binary: Uint8Array, widthPx: number, heightPx: number) => Uint8Array, options: BinaryOpOptions = {}): MaskDiff | null {
  const { data, widthPx, heightPx } = mask;
  const binary = new Uint8Array(data.length);
  for (let i = 0; i < data.length; i++) binary[i] = data[i] === label ? 1 : 0;
  const result = op(binary, widthPx, heightPx);
  const overwrite = options.overwrite ?? false;
  return recordEdit(mask, wholeMask(mask), () => {
    for (let i = 0; i < data.length; i++) {
      const wanted = result[i] !== 0;
      if (wanted && data[i] !== label && (overwrite || data[i] === 0)) data[i] = label;
      else if (!wanted && data[i] === label) data[i] = 0;
    }
  });
}
