import { extractRuns, labelRuns } from './runs';

/** Options of {@link fillHoles}. */
export interface FillHolesOptions {
  /** Fill only holes of at most this many pixels (default: every hole). */
  maxHoleSizePx?: number;
}

/**
 * A 0/1 copy of `binary` with its holes filled: background pixels not 4-connected to the image border
 * become foreground. (4-connected background pairs with 8-connected foreground, so a diagonal gap in an
 * outline still closes it.) Never removes foreground. Works on runs of background pixels.
 * @throws RangeError when `binary.length !== widthPx * heightPx`.
 */
export function fillHoles(binary: Uint8Array, widthPx: number, heightPx: number, options: FillHolesOptions = {}): Uint8Array {
  const background = labelRuns(extractRuns(binary, widthPx, heightPx, { invert: true }), heightPx, 4);
  const { runs, runLabel, count, sizes } = background;
  const maxHoleSizePx = options.maxHoleSizePx ?? Infinity;
  // 1 = stays background: touches the border, or is a hole larger than allowed.
  const keepOpen = new Uint8Array(count + 1);
  for (let label = 1; label <= count; label++) if (sizes[label - 1] > maxHoleSizePx) keepOpen[label] = 1;
  for (let k = 0; k < runs.count; k++) {
    const y = runs.row[k];
    if (y === 0 || y === heightPx - 1 || runs.start[k] === 0 || runs.end[k] === widthPx - 1) keepOpen[runLabel[k]] = 1;
  }
  const out = new Uint8Array(widthPx * heightPx).fill(1);
  for (let k = 0; k < runs.count; k++) {
    if (keepOpen[runLabel[k]] === 0) continue;
    const offset = runs.row[k] * widthPx;
    out.fill(0, offset + runs.start[k], offset + runs.end[k] + 1);
  }
  return out;
}
