import { addByteCounts } from '../mask/counts';
import { assertSize } from '../mask/types';

/** Physical pixel size: `rowMm` between rows (vertical), `colMm` between columns (horizontal). */
export interface MeasurementSpacing {
  rowMm: number;
  colMm: number;
}

/**
 * Lung sizes from a label mask (1 patient's right lung, 2 patient's left lung). Physical values are null
 * without a pixel spacing; the UI then shows pixels with a warning.
 */
export interface LungMeasurements {
  rightPx: number;
  leftPx: number;
  totalPx: number;
  /** Area in cm²: pixels × rowMm × colMm / 100. */
  rightCm2: number | null;
  leftCm2: number | null;
  totalCm2: number | null;
  /** Vertical extent of both lungs together: rows from the top-most to the bottom-most lung pixel, inclusive. */
  lungHeightPx: number;
  lungHeightMm: number | null;
  /** Vertical extent of each lung (0 when absent). */
  rightHeightPx: number;
  leftHeightPx: number;
}

/**
 * Areas and heights of the lungs. Heights count whole rows, so a lung spanning rows 10..19 is 10 px tall.
 * @throws RangeError when `labels.length !== widthPx * heightPx`.
 */
export function lungMeasurements(labels: Uint8Array, widthPx: number, heightPx: number, spacing: MeasurementSpacing | null): LungMeasurements {
  assertSize(labels, widthPx, heightPx);
  let rightPx = 0;
  let leftPx = 0;
  let rightTop = -1;
  let rightBottom = -1;
  let leftTop = -1;
  let leftBottom = -1;
  const counts = new Float64Array(256);
  for (let y = 0; y < heightPx; y++) {
    const row = y * widthPx;
    // the row's labels counted four at a time where its words allow (see addByteCounts)
    const rightBefore = counts[1];
    const leftBefore = counts[2];
    addByteCounts(labels.subarray(row, row + widthPx), counts);
    const rightInRow = counts[1] - rightBefore;
    const leftInRow = counts[2] - leftBefore;
    if (rightInRow > 0) {
      if (rightTop < 0) rightTop = y;
      rightBottom = y;
      rightPx += rightInRow;
    }
    if (leftInRow > 0) {
      if (leftTop < 0) leftTop = y;
      leftBottom = y;
      leftPx += leftInRow;
    }
  }
  const extent = (top: number, bottom: number): number => (top < 0 ? 0 : bottom - top + 1);
  const tops = [rightTop, leftTop].filter((y) => y >= 0);
  const lungHeightPx = tops.length === 0 ? 0 : Math.max(rightBottom, leftBottom) - Math.min(...tops) + 1;
  const pixelCm2 = spacing ? (spacing.rowMm * spacing.colMm) / 100 : null;
  const totalPx = rightPx + leftPx;
  return {
    rightPx,
    leftPx,
    totalPx,
    rightCm2: pixelCm2 === null ? null : rightPx * pixelCm2,
    leftCm2: pixelCm2 === null ? null : leftPx * pixelCm2,
    totalCm2: pixelCm2 === null ? null : totalPx * pixelCm2,
    lungHeightPx,
    lungHeightMm: spacing ? lungHeightPx * spacing.rowMm : null,
    rightHeightPx: extent(rightTop, rightBottom),
    leftHeightPx: extent(leftTop, leftBottom),
  };
}
