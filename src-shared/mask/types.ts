/**
 * Shared shapes of the mask algorithms. Masks are row-major `Uint8Array`s, one byte a pixel, `widthPx`
 * columns by `heightPx` rows. Label masks: 0 background, 1 the patient's right lung, 2 the patient's
 * left lung. Binary masks: 0 background, any nonzero value foreground (functions return 0/1).
 */

/** Pixel connectivity: 4 (edges only) or 8 (edges and corners). */
export type Connectivity = 4 | 8;

/** An inclusive pixel bounding box: columns `x0..x1`, rows `y0..y1`. */
export interface PixelBox {
  x0: number;
  y0: number;
  x1: number;
  y1: number;
}

/** A rectangle of pixels: top-left corner (`x`, `y`) and size in pixels. Used for dirty regions. */
export interface PixelRect {
  x: number;
  y: number;
  widthPx: number;
  heightPx: number;
}

/**
 * A point in continuous image coordinates: pixel (x, y) covers [x, x + 1) × [y, y + 1), so its centre is
 * (x + 0.5, y + 0.5). Pointer positions converted from the stage arrive in this space.
 */
export interface ImagePoint {
  x: number;
  y: number;
}

/** Throws a RangeError when `data` does not hold `widthPx * heightPx` pixels (a programming error). */
export function assertSize(data: ArrayLike<number>, widthPx: number, heightPx: number): void {
  if (!Number.isInteger(widthPx) || !Number.isInteger(heightPx) || widthPx < 0 || heightPx < 0) {
    throw new RangeError(`mask size must be whole pixels, got ${widthPx}x${heightPx}`);
  }
  if (data.length !== widthPx * heightPx) {
    throw new RangeError(`mask holds ${data.length} pixels, expected ${widthPx}x${heightPx} = ${widthPx * heightPx}`);
  }
}

/** The inclusive bounding box of nonzero pixels, or null when there are none. */
export function foregroundBox(binary: Uint8Array, widthPx: number, heightPx: number): PixelBox | null {
  assertSize(binary, widthPx, heightPx);
  let x0 = widthPx;
  let y0 = -1;
  let x1 = -1;
  let y1 = -1;
  for (let y = 0; y < heightPx; y++) {
    const row = y * widthPx;
    let first = -1;
    let last = -1;
    for (let x = 0; x < widthPx; x++) {
      if (binary[row + x] !== 0) {
        if (first < 0) first = x;
        last = x;
      }
    }
    if (first < 0) continue;
    if (y0 < 0) y0 = y;
    y1 = y;
    if (first < x0) x0 = first;
    if (last > x1) x1 = last;
  }
  return y0 < 0 ? null : { x0, y0, x1, y1 };
}

/** A 0/1 copy of `labels` where the pixel equals `label`. */
export function binaryOfLabel(labels: Uint8Array, label: number): Uint8Array {
  const out = new Uint8Array(labels.length);
  for (let i = 0; i < labels.length; i++) out[i] = labels[i] === label ? 1 : 0;
  return out;
}
