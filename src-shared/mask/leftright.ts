import { labelComponents } from './components';
import { assertSize } from './types';

/** Label of the patient's right lung (shown on the image's left on a frontal PA/AP film). */
export const RIGHT_LUNG = 1;
/** Label of the patient's left lung (shown on the image's right). */
export const LEFT_LUNG = 2;

/** Options of {@link splitLeftRight}. */
export interface SplitOptions {
  /**
   * A component counts as both lungs merged when at least this fraction of its pixels lies on each side
   * of the midline (default 0.15); it is then cut at the midline instead of labelled whole.
   */
  mergedFraction?: number;
}

/**
 * The column separating the lungs: the column with the least foreground within the central 40 % of the
 * image (30 %..70 % of the width), ties broken towards the image centre. On a normal film that is the
 * mediastinum; for a single merged blob it is its narrowest waist. Returns x such that columns < x are the
 * image's left side.
 */
export function findMidlineColumn(binary: Uint8Array, widthPx: number, heightPx: number): number {
  assertSize(binary, widthPx, heightPx);
  const counts = new Int32Array(widthPx);
  for (let y = 0; y < heightPx; y++) {
    const row = y * widthPx;
    for (let x = 0; x < widthPx; x++) if (binary[row + x] !== 0) counts[x]++;
  }
  const centre = widthPx / 2;
  const from = Math.floor(widthPx * 0.3);
  const to = Math.max(from, Math.ceil(widthPx * 0.7) - 1);
  let best = Math.floor(centre);
  let bestCount = Infinity;
  let bestOffset = Infinity;
  for (let x = from; x <= to && x < widthPx; x++) {
    const offset = Math.abs(x + 0.5 - centre);
    if (counts[x] < bestCount || (counts[x] === bestCount && offset < bestOffset)) {
      best = x;
      bestCount = counts[x];
      bestOffset = offset;
    }
  }
  // When the best column is empty, cut in the middle of the empty run so each lung keeps its own side.
  if (bestCount === 0) {
    let left = best;
    let right = best;
    while (left > 0 && counts[left - 1] === 0) left--;
    while (right + 1 < widthPx && counts[right + 1] === 0) right++;
    return Math.floor((left + right + 1) / 2);
  }
  return best;
}

/**
 * Splits a binary lung mask into labels: 1 (patient's right lung, image's left) and 2 (patient's left
 * lung, image's right), 0 elsewhere. Convention: a frontal PA/AP chest film is displayed with the
 * patient's right on the image's left.
 * Each 8-connected component is labelled by the side of the midline ({@link findMidlineColumn}) holding its
 * centroid; a component with a substantial share on both sides (both lungs merged into one blob) is cut at
 * the midline column instead. Any number of components is accepted.
 * @throws RangeError when `binary.length !== widthPx * heightPx`.
 */
export function splitLeftRight(binary: Uint8Array, widthPx: number, heightPx: number, options: SplitOptions = {}): Uint8Array {
  const mergedFraction = options.mergedFraction ?? 0.15;
  const out = new Uint8Array(widthPx * heightPx);
  const { labels, count, sizes } = labelComponents(binary, widthPx, heightPx, { connectivity: 8 });
  if (count === 0) return out;
  const midline = findMidlineColumn(binary, widthPx, heightPx);
  const leftSidePx = new Float64Array(count + 1);
  const sumX = new Float64Array(count + 1);
  for (let y = 0; y < heightPx; y++) {
    const row = y * widthPx;
    for (let x = 0; x < widthPx; x++) {
      const label = labels[row + x];
      if (label === 0) continue;
      sumX[label] += x + 0.5;
      if (x < midline) leftSidePx[label]++;
    }
  }
  // 0 = cut at the midline, otherwise the lung label of the whole component.
  const assignment = new Uint8Array(count + 1);
  for (let label = 1; label <= count; label++) {
    const size = sizes[label - 1];
    const left = leftSidePx[label];
    const merged = Math.min(left, size - left) >= mergedFraction * size;
    if (!merged) assignment[label] = sumX[label] / size < midline ? RIGHT_LUNG : LEFT_LUNG;
  }
  for (let y = 0; y < heightPx; y++) {
    const row = y * widthPx;
    for (let x = 0; x < widthPx; x++) {
      const label = labels[row + x];
      if (label === 0) continue;
      const whole = assignment[label];
      out[row + x] = whole !== 0 ? whole : x < midline ? RIGHT_LUNG : LEFT_LUNG;
    }
  }
  return out;
}
