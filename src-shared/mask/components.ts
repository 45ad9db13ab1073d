import type { Connectivity, PixelBox } from './types';
import { extractRuns, labelRuns, type RunComponents } from './runs';

/**
 * Connected components of a binary mask.
 * `labels[i]` is 0 for background and 1..count for foreground; components are numbered in the raster order
 * of their first (top-most, then left-most) pixel. `sizes[k]` and `boxes[k]` describe component `k + 1`.
 */
export interface ComponentLabelling {
  labels: Int32Array;
  count: number;
  /** Pixel count of component k + 1. Sums to the number of foreground pixels. */
  sizes: number[];
  /** Inclusive bounding box of component k + 1. */
  boxes: PixelBox[];
}

/** Options of {@link labelComponents}. */
export interface ComponentOptions {
  /** 8 (default) joins diagonal neighbours, as a lung outline is usually drawn; 4 joins edges only. */
  connectivity?: Connectivity;
}

/**
 * Labels the connected components of `binary` (nonzero = foreground). Works on horizontal runs with
 * union-find (see ./runs), so the cost is one scan of the pixels plus a little per run; no per-pixel
 * allocation.
 * @throws RangeError when `binary.length !== widthPx * heightPx`.
 */
export function labelComponents(binary: Uint8Array, widthPx: number, heightPx: number, options: ComponentOptions = {}): ComponentLabelling {
  const components = labelRuns(extractRuns(binary, widthPx, heightPx), heightPx, options.connectivity ?? 8);
  const { runs, runLabel } = components;
  const labels = new Int32Array(widthPx * heightPx);
  for (let k = 0; k < runs.count; k++) {
    const offset = runs.row[k] * widthPx;
    labels.fill(runLabel[k], offset + runs.start[k], offset + runs.end[k] + 1);
  }
  return { labels, count: components.count, sizes: components.sizes, boxes: components.boxes };
}

/** A 0/1 mask of the pixels whose component (1-based) is flagged in `keep`. */
function selectComponents(components: RunComponents, widthPx: number, heightPx: number, keep: Uint8Array): Uint8Array {
  const { runs, runLabel } = components;
  const out = new Uint8Array(widthPx * heightPx);
  for (let k = 0; k < runs.count; k++) {
    if (keep[runLabel[k]] === 0) continue;
    const offset = runs.row[k] * widthPx;
    out.fill(1, offset + runs.start[k], offset + runs.end[k] + 1);
  }
  return out;
}

/**
 * A 0/1 mask keeping the `count` largest components of `binary` (ties: the earlier in raster order).
 * Post-processing keeps 2 for the two lungs.
 */
export function keepLargestComponents(binary: Uint8Array, widthPx: number, heightPx: number, count: number, options: ComponentOptions = {}): Uint8Array {
  const labelling = labelRuns(extractRuns(binary, widthPx, heightPx), heightPx, options.connectivity ?? 8);
  const order = labelling.sizes.map((_, k) => k).sort((a, b) => labelling.sizes[b] - labelling.sizes[a] || a - b);
  const keep = new Uint8Array(labelling.count + 1);
  for (const k of order.slice(0, Math.max(0, count))) keep[k + 1] = 1;
  return selectComponents(labelling, widthPx, heightPx, keep);
}

/** A 0/1 mask without the components of `binary` smaller than `minSizePx` pixels. */
export function removeIslands(binary: Uint8Array, widthPx: number, heightPx: number, minSizePx: number, options: ComponentOptions = {}): Uint8Array {
  const labelling = labelRuns(extractRuns(binary, widthPx, heightPx), heightPx, options.connectivity ?? 8);
  const keep = new Uint8Array(labelling.count + 1);
  labelling.sizes.forEach((size, k) => {
    if (size >= minSizePx) keep[k + 1] = 1;
  });
  return selectComponents(labelling, widthPx, heightPx, keep);
}
