import type { ImagePoint } from './types';
import { assertSize } from './types';
import { labelComponents } from './components';

/** East, south, west, north in image coordinates (y grows downwards). */
const STEP_X = [1, 0, -1, 0];
const STEP_Y = [0, 1, 0, -1];

/**
 * Outer boundaries of the 8-connected components of `binary`, one closed polygon each (last vertex not
 * repeated), in raster order of the components' first pixels. Vertices are pixel corners, so the polygon
 * runs along the pixels' outer edges: its area equals the component's pixel count minus its holes, and
 * filling it with centre sampling (fillPolygon) gives back the component without holes. Collinear vertices
 * are dropped. Traversal is clockwise on screen, starting at the top-left corner of the first pixel.
 * @throws RangeError when `binary.length !== widthPx * heightPx`.
 */
export function traceContours(binary: Uint8Array, widthPx: number, heightPx: number): ImagePoint[][] {
  assertSize(binary, widthPx, heightPx);
  const { labels, count } = labelComponents(binary, widthPx, heightPx, { connectivity: 8 });
  const started = new Uint8Array(count + 1);
  const contours: ImagePoint[][] = [];
  const on = (x: number, y: number): boolean => x >= 0 && y >= 0 && x < widthPx && y < heightPx && binary[y * widthPx + x] !== 0;
  for (let i = 0; i < labels.length && contours.length < count; i++) {
    const label = labels[i];
    if (label === 0 || started[label]) continue;
    started[label] = 1;
    const startX = i % widthPx;
    const startY = (i - startX) / widthPx;
    contours.push(traceFrom(startX, startY, on));
  }
  return contours;
}

/**
 * Follows the crack boundary with the foreground on the right, from the top-left corner of a pixel whose
 * upper neighbour is background, heading east, until it returns there.
 */
function traceFrom(startX: number, startY: number, on: (x: number, y: number) => boolean): ImagePoint[] {
  const points: ImagePoint[] = [{ x: startX, y: startY }];
  let x = startX;
  let y = startY;
  let direction = 0;
  for (;;) {
    x += STEP_X[direction];
    y += STEP_Y[direction];
    if (x === startX && y === startY) break;
    // The two pixels ahead of corner (x, y): ahead-left and ahead-right of the heading.
    const [leftX, leftY, rightX, rightY] = aheadPixels(x, y, direction);
    let turn: number;
    if (on(leftX, leftY)) turn = 3; // diagonal or edge neighbour ahead-left: the 8-connected boundary turns left
    else if (on(rightX, rightY)) turn = 0;
    else turn = 1;
    if (turn !== 0) {
      points.push({ x, y });
      direction = (direction + turn) & 3;
    }
  }
  return points;
}

/** Ahead-left and ahead-right pixels (x, y pairs) of the corner (x, y) for a heading. */
function aheadPixels(x: number, y: number, direction: number): [number, number, number, number] {
  // Pixels around corner (x, y): NW (x-1, y-1), NE (x, y-1), SW (x-1, y), SE (x, y).
  switch (direction) {
    case 0: return [x, y - 1, x, y]; // east: NE, SE
    case 1: return [x, y, x - 1, y]; // south: SE, SW
    case 2: return [x - 1, y, x - 1, y - 1]; // west: SW, NW
    default: return [x - 1, y - 1, x, y - 1]; // north: NW, NE
  }
}
