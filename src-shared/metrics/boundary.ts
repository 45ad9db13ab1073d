import { foregroundBox, type PixelBox } from '../mask/types';
import { squaredDistanceTransform, type DistanceSpacing } from '../mask/distance';

/**
 * Boundary distances between a predicted and a reference mask (any nonzero value is foreground).
 * Hausdorff 95 follows MONAI: the larger of the two directed 95th percentiles (linear interpolation, as
 * numpy). Mean surface distance is the symmetric average over both boundaries' pixels (ASSD).
 * Both empty: all 0. Exactly one empty: Infinity.
 */
export interface BoundaryDistances {
  hausdorffPx: number;
  hausdorff95Px: number;
  meanSurfacePx: number;
  /** The same in millimetres; null without a pixel spacing. */
  hausdorffMm: number | null;
  hausdorff95Mm: number | null;
  meanSurfaceMm: number | null;
}

/** The p-th percentile (0..100) of sorted values, linearly interpolated like numpy's default. */
export function percentile(sorted: Float64Array | readonly number[], p: number): number {
  if (sorted.length === 0) return NaN;
  const rank = (p / 100) * (sorted.length - 1);
  const low = Math.floor(rank);
  const high = Math.ceil(rank);
  return sorted[low] + (sorted[high] - sorted[low]) * (rank - low);
}

/**
 * Boundary pixels of a window: foreground pixels with a background 4-neighbour. The window has a ring of
 * background around the masks, so pixels on the image's edge count as boundary (outside is background).
 */
function boundaryOf(binary: Uint8Array, widthPx: number, heightPx: number): Uint8Array {
  const out = new Uint8Array(binary.length);
  for (let y = 1; y < heightPx - 1; y++) {
    for (let x = 1; x < widthPx - 1; x++) {
      const i = y * widthPx + x;
      if (binary[i] === 0) continue;
      if (binary[i - 1] === 0 || binary[i + 1] === 0 || binary[i - widthPx] === 0 || binary[i + widthPx] === 0) out[i] = 1;
    }
  }
  return out;
}

function windowOf(mask: Uint8Array, imageWidthPx: number, box: PixelBox): Uint8Array {
  const widthPx = box.x1 - box.x0 + 3;
  const heightPx = box.y1 - box.y0 + 3;
  const out = new Uint8Array(widthPx * heightPx);
  for (let y = box.y0; y <= box.y1; y++) {
    for (let x = box.x0; x <= box.x1; x++) out[(y - box.y0 + 1) * widthPx + (x - box.x0 + 1)] = mask[y * imageWidthPx + x] !== 0 ? 1 : 0;
  }
  return out;
}

/** Sorted distances from each `from` boundary pixel to the nearest `to` boundary pixel. */
function directed(from: Uint8Array, to: Uint8Array, widthPx: number, heightPx: number, spacing: DistanceSpacing | null): Float64Array {
  const squared = squaredDistanceTransform(to, widthPx, heightPx, spacing);
  let count = 0;
  for (let i = 0; i < from.length; i++) if (from[i] !== 0) count++;
  const out = new Float64Array(count);
  let k = 0;
  for (let i = 0; i < from.length; i++) if (from[i] !== 0) out[k++] = Math.sqrt(squared[i]);
  return out.sort();
}

function summarise(forward: Float64Array, backward: Float64Array): { max: number; p95: number; mean: number } {
  let sum = 0;
  for (const d of forward) sum += d;
  for (const d of backward) sum += d;
  return {
    max: Math.max(forward[forward.length - 1], backward[backward.length - 1]),
    p95: Math.max(percentile(forward, 95), percentile(backward, 95)),
    mean: sum / (forward.length + backward.length),
  };
}

/**
 * Hausdorff, Hausdorff 95 and mean surface distance between the boundaries of `pred` and `ref`, in pixels
 * and, with `spacing`, in millimetres (anisotropic pixels handled exactly by the distance transform).
 * Works on the masks' joint bounding box only.
 * @throws RangeError when a mask's length is not `widthPx * heightPx`.
 */
export function boundaryDistances(pred: Uint8Array, ref: Uint8Array, widthPx: number, heightPx: number, spacing?: DistanceSpacing | null): BoundaryDistances {
  const predBox = foregroundBox(pred, widthPx, heightPx);
  const refBox = foregroundBox(ref, widthPx, heightPx);
  const withSpacing = spacing ?? null;
  if (!predBox || !refBox) {
    const value = !predBox && !refBox ? 0 : Infinity;
    const mm = withSpacing ? value : null;
    return { hausdorffPx: value, hausdorff95Px: value, meanSurfacePx: value, hausdorffMm: mm, hausdorff95Mm: mm, meanSurfaceMm: mm };
  }
  const box: PixelBox = {
    x0: Math.min(predBox.x0, refBox.x0),
    y0: Math.min(predBox.y0, refBox.y0),
    x1: Math.max(predBox.x1, refBox.x1),
    y1: Math.max(predBox.y1, refBox.y1),
  };
  const windowWidthPx = box.x1 - box.x0 + 3;
  const windowHeightPx = box.y1 - box.y0 + 3;
  const predEdge = boundaryOf(windowOf(pred, widthPx, box), windowWidthPx, windowHeightPx);
  const refEdge = boundaryOf(windowOf(ref, widthPx, box), windowWidthPx, windowHeightPx);
  const px = summarise(directed(predEdge, refEdge, windowWidthPx, windowHeightPx, null), directed(refEdge, predEdge, windowWidthPx, windowHeightPx, null));
  let mm: { max: number; p95: number; mean: number } | null = null;
  if (withSpacing && withSpacing.rowMm === withSpacing.colMm) {
    // Square pixels: millimetres are pixels scaled, no second pair of transforms needed.
    mm = { max: px.max * withSpacing.rowMm, p95: px.p95 * withSpacing.rowMm, mean: px.mean * withSpacing.rowMm };
  } else if (withSpacing) {
    mm = summarise(directed(predEdge, refEdge, windowWidthPx, windowHeightPx, withSpacing), directed(refEdge, predEdge, windowWidthPx, windowHeightPx, withSpacing));
  }
  return {
    hausdorffPx: px.max,
    hausdorff95Px: px.p95,
    meanSurfacePx: px.mean,
    hausdorffMm: mm ? mm.max : null,
    hausdorff95Mm: mm ? mm.p95 : null,
    meanSurfaceMm: mm ? mm.mean : null,
  };
}
