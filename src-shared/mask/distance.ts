import { assertSize } from './types';

/** Physical size of a pixel for distance computations: row pitch (vertical) and column pitch (horizontal). */
export interface DistanceSpacing {
  rowMm: number;
  colMm: number;
}

/** A value larger than any squared distance on a real image, yet finite so the parabola arithmetic stays exact. */
const FAR = 1e20;

/**
 * Exact squared Euclidean distance transform (Felzenszwalb & Huttenlocher 2012): for every pixel, the
 * squared distance to the nearest nonzero pixel of `binary` (0 on foreground). Distances are in pixels,
 * or in millimetres when `spacing` is given (anisotropic pixels are handled exactly).
 * Pixels of an image without any foreground get `Infinity`. Linear time: two separable 1-D passes.
 * @throws RangeError when `binary.length !== widthPx * heightPx`.
 */
export function squaredDistanceTransform(binary: Uint8Array, widthPx: number, heightPx: number, spacing?: DistanceSpacing | null): Float64Array {
  assertSize(binary, widthPx, heightPx);
  const rowScale = spacing ? spacing.rowMm * spacing.rowMm : 1;
  const colScale = spacing ? spacing.colMm * spacing.colMm : 1;
  const grid = new Float64Array(widthPx * heightPx);
  // Vertical pass: for a binary input the 1-D transform is the distance to the nearest foreground pixel in
  // the column, found by a downward and an upward sweep over whole rows (cache-friendly, no parabolas).
  const column = new Float64Array(widthPx).fill(Infinity);
  for (let y = 0; y < heightPx; y++) {
    const row = y * widthPx;
    for (let x = 0; x < widthPx; x++) {
      column[x] = binary[row + x] !== 0 ? 0 : column[x] + 1;
      grid[row + x] = column[x];
    }
  }
  column.fill(Infinity);
  for (let y = heightPx - 1; y >= 0; y--) {
    const row = y * widthPx;
    for (let x = 0; x < widthPx; x++) {
      const below = column[x] + 1;
      const here = grid[row + x];
      column[x] = here < below ? here : below;
      // Squared and scaled; no foreground in the column stays FAR so the parabola arithmetic stays finite.
      grid[row + x] = column[x] === Infinity ? FAR : rowScale * column[x] * column[x];
    }
  }
  const input = new Float64Array(widthPx);
  const output = new Float64Array(widthPx);
  const hull = new Int32Array(widthPx);
  const bounds = new Float64Array(widthPx + 1);
  for (let y = 0; y < heightPx; y++) {
    const row = y * widthPx;
    for (let x = 0; x < widthPx; x++) input[x] = grid[row + x];
    lowerEnvelope(input, output, widthPx, colScale, hull, bounds);
    for (let x = 0; x < widthPx; x++) grid[row + x] = output[x] >= FAR / 2 ? Infinity : output[x];
  }
  return grid;
}

/** One 1-D pass: output[p] = min_q scale * (p - q)^2 + input[q], via the lower envelope of parabolas. */
function lowerEnvelope(input: Float64Array, output: Float64Array, length: number, scale: number, hull: Int32Array, bounds: Float64Array): void {
  let k = 0;
  hull[0] = 0;
  bounds[0] = -Infinity;
  bounds[1] = Infinity;
  for (let q = 1; q < length; q++) {
    const fq = input[q] + scale * q * q;
    let v = hull[k];
    let s = (fq - (input[v] + scale * v * v)) / (2 * scale * (q - v));
    // bounds[0] is -Infinity, so this stops at k = 0 at the latest.
    while (s <= bounds[k]) {
      k--;
      v = hull[k];
      s = (fq - (input[v] + scale * v * v)) / (2 * scale * (q - v));
    }
    k++;
    hull[k] = q;
    bounds[k] = s;
    bounds[k + 1] = Infinity;
  }
  k = 0;
  for (let p = 0; p < length; p++) {
    while (bounds[k + 1] < p) k++;
    const d = p - hull[k];
    output[p] = scale * d * d + input[hull[k]];
  }
}
