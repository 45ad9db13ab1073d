import { squaredDistanceTransform } from './distance';
import { extractRuns, type PixelRuns } from './runs';
import { assertSize, foregroundBox } from './types';

/*
 * Binary morphology with a disk of radius `radiusPx`: the pixels whose centres lie within `radiusPx` of the
 * centre pixel (dx² + dy² <= r²). Two exact methods give identical results: stamping each horizontal run
 * of pixels once per disk row (fast for lung masks and small radii: a handful of memory fills per row), and
 * thresholding a Euclidean distance transform (cost independent of the radius). The cheaper one is chosen
 * from the run count. Work is limited to the foreground's bounding box.
 * All functions return a new 0/1 mask and throw RangeError when `binary.length !== widthPx * heightPx`.
 */

/** Options of the morphology functions. */
export interface MorphologyOptions {
  /** Force a method (for tests and benchmarks); default 'auto' picks the cheaper. */
  method?: 'auto' | 'runs' | 'distance';
}

/** Half-widths of the disk's rows: for |dy| <= reach, the largest dx with dx² + dy² <= r². */
function diskHalfWidths(radiusPx: number): Int32Array {
  const limit = radiusPx * radiusPx;
  const reach = Math.floor(radiusPx);
  const halfWidths = new Int32Array(2 * reach + 1);
  for (let dy = -reach; dy <= reach; dy++) {
    let half = Math.floor(Math.sqrt(Math.max(0, limit - dy * dy)));
    // Correct the float square root so membership matches the integer test dx² + dy² <= r² exactly.
    while ((half + 1) * (half + 1) + dy * dy <= limit) half++;
    while (half > 0 && half * half + dy * dy > limit) half--;
    halfWidths[dy + reach] = half;
  }
  return halfWidths;
}

/** ORs into `out` every run dilated by the disk (clipped to the window). */
function stampRuns(runs: PixelRuns, widthPx: number, heightPx: number, radiusPx: number, out: Uint8Array): void {
  const halfWidths = diskHalfWidths(radiusPx);
  const reach = (halfWidths.length - 1) / 2;
  for (let k = 0; k < runs.count; k++) {
    const y = runs.row[k];
    const start = runs.start[k];
    const end = runs.end[k];
    for (let dy = Math.max(-reach, -y); dy <= reach && y + dy < heightPx; dy++) {
      const half = halfWidths[dy + reach];
      const offset = (y + dy) * widthPx;
      out.fill(1, offset + Math.max(0, start - half), offset + Math.min(widthPx - 1, end + half) + 1);
    }
  }
}

/** Whether stamping runs is cheaper than a distance transform of the window (rough cost model in ns). */
function preferRuns(runs: PixelRuns, windowPx: number, radiusPx: number, options: MorphologyOptions): boolean {
  if (options.method === 'runs') return true;
  if (options.method === 'distance') return false;
  const diskRows = 2 * Math.floor(radiusPx) + 1;
  let runPx = 0;
  for (let k = 0; k < runs.count; k++) runPx += runs.end[k] - runs.start[k] + 1;
  // Measured on 3000x3000 lung masks: a fill costs ~20 ns plus ~0.05 ns a byte; the transform ~40 ns a pixel.
  return diskRows * (runs.count * 20 + (runPx + runs.count * 2 * radiusPx) * 0.05) < windowPx * 40;
}

/** A 0/1 copy of the window (x0, y0, widthPx, heightPx) of `binary`; pixels outside the image read as 0. */
function window(binary: Uint8Array, imageWidthPx: number, imageHeightPx: number, x0: number, y0: number, widthPx: number, heightPx: number): Uint8Array {
  const out = new Uint8Array(widthPx * heightPx);
  const fromX = Math.max(0, x0);
  const toX = Math.min(imageWidthPx, x0 + widthPx);
  for (let y = Math.max(0, y0); y < Math.min(imageHeightPx, y0 + heightPx); y++) {
    const source = y * imageWidthPx;
    const target = (y - y0) * widthPx - x0;
    for (let x = fromX; x < toX; x++) out[target + x] = binary[source + x] !== 0 ? 1 : 0;
  }
  return out;
}

/** Writes the window `part` at (x0, y0) into a new image-sized mask, dropping what falls outside. */
function place(part: Uint8Array, imageWidthPx: number, imageHeightPx: number, x0: number, y0: number, widthPx: number, heightPx: number): Uint8Array {
  const out = new Uint8Array(imageWidthPx * imageHeightPx);
  const fromX = Math.max(0, x0);
  const toX = Math.min(imageWidthPx, x0 + widthPx);
  for (let y = Math.max(0, y0); y < Math.min(imageHeightPx, y0 + heightPx); y++) {
    const target = y * imageWidthPx;
    const source = (y - y0) * widthPx - x0;
    for (let x = fromX; x < toX; x++) out[target + x] = part[source + x];
  }
  return out;
}

/** Dilation of a window: pixels within `radiusPx` of a foreground pixel. */
function dilateWindow(part: Uint8Array, widthPx: number, heightPx: number, radiusPx: number, options: MorphologyOptions): Uint8Array {
  const runs = extractRuns(part, widthPx, heightPx);
  const out = new Uint8Array(part.length);
  if (preferRuns(runs, part.length, radiusPx, options)) {
    stampRuns(runs, widthPx, heightPx, radiusPx, out);
    return out;
  }
  const distance = squaredDistanceTransform(part, widthPx, heightPx);
  const limit = radiusPx * radiusPx;
  for (let i = 0; i < out.length; i++) out[i] = distance[i] <= limit ? 1 : 0;
  return out;
}

/** Erosion of a window: foreground pixels farther than `radiusPx` from every background pixel of the window. */
function erodeWindow(part: Uint8Array, widthPx: number, heightPx: number, radiusPx: number, options: MorphologyOptions): Uint8Array {
  const background = extractRuns(part, widthPx, heightPx, { invert: true });
  const out = new Uint8Array(part.length);
  if (preferRuns(background, part.length, radiusPx, options)) {
    // Reached by the dilated background = eroded away.
    stampRuns(background, widthPx, heightPx, radiusPx, out);
    for (let i = 0; i < out.length; i++) out[i] = part[i] !== 0 && out[i] === 0 ? 1 : 0;
    return out;
  }
  const inverse = new Uint8Array(part.length);
  for (let i = 0; i < part.length; i++) inverse[i] = part[i] === 0 ? 1 : 0;
  const distance = squaredDistanceTransform(inverse, widthPx, heightPx);
  const limit = radiusPx * radiusPx;
  for (let i = 0; i < out.length; i++) out[i] = distance[i] > limit ? 1 : 0;
  return out;
}

function copyBinary(binary: Uint8Array): Uint8Array {
  const out = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i++) out[i] = binary[i] !== 0 ? 1 : 0;
  return out;
}

/** Dilation: every pixel within `radiusPx` of a foreground pixel becomes foreground. Radius <= 0 copies. */
export function dilate(binary: Uint8Array, widthPx: number, heightPx: number, radiusPx: number, options: MorphologyOptions = {}): Uint8Array {
  const box = foregroundBox(binary, widthPx, heightPx);
  if (!box || radiusPx <= 0) return copyBinary(binary);
  const reach = Math.ceil(radiusPx);
  const x0 = Math.max(0, box.x0 - reach);
  const y0 = Math.max(0, box.y0 - reach);
  const cropWidthPx = Math.min(widthPx - 1, box.x1 + reach) - x0 + 1;
  const cropHeightPx = Math.min(heightPx - 1, box.y1 + reach) - y0 + 1;
  const part = window(binary, widthPx, heightPx, x0, y0, cropWidthPx, cropHeightPx);
  return place(dilateWindow(part, cropWidthPx, cropHeightPx, radiusPx, options), widthPx, heightPx, x0, y0, cropWidthPx, cropHeightPx);
}

/**
 * Erosion: a foreground pixel stays only if every pixel of the disk around it that lies inside the image
 * is foreground. Pixels outside the image do not erode (a lung touching the film's edge is not eaten from
 * that edge). Radius <= 0 copies.
 */
export function erode(binary: Uint8Array, widthPx: number, heightPx: number, radiusPx: number, options: MorphologyOptions = {}): Uint8Array {
  const box = foregroundBox(binary, widthPx, heightPx);
  if (!box || radiusPx <= 0) return copyBinary(binary);
  // One pixel of margin holds the background around the box; farther background is never nearer.
  const x0 = Math.max(0, box.x0 - 1);
  const y0 = Math.max(0, box.y0 - 1);
  const cropWidthPx = Math.min(widthPx - 1, box.x1 + 1) - x0 + 1;
  const cropHeightPx = Math.min(heightPx - 1, box.y1 + 1) - y0 + 1;
  const part = window(binary, widthPx, heightPx, x0, y0, cropWidthPx, cropHeightPx);
  return place(erodeWindow(part, cropWidthPx, cropHeightPx, radiusPx, options), widthPx, heightPx, x0, y0, cropWidthPx, cropHeightPx);
}

/** Opening (erode, then dilate): removes spurs and bridges thinner than the disk. Never adds foreground. */
export function open(binary: Uint8Array, widthPx: number, heightPx: number, radiusPx: number, options: MorphologyOptions = {}): Uint8Array {
  return dilate(erode(binary, widthPx, heightPx, radiusPx, options), widthPx, heightPx, radiusPx, options);
}

/**
 * Closing (dilate, then erode): fills notches and gaps narrower than the disk. Computed as if the image
 * continued with background beyond its edges, so a lung near the border is not glued to the border.
 * Never removes foreground.
 */
export function close(binary: Uint8Array, widthPx: number, heightPx: number, radiusPx: number, options: MorphologyOptions = {}): Uint8Array {
  assertSize(binary, widthPx, heightPx);
  const box = foregroundBox(binary, widthPx, heightPx);
  if (!box || radiusPx <= 0) return copyBinary(binary);
  // Margin beyond the dilation's reach keeps a ring of background for the erosion, even past the image edge.
  const margin = Math.ceil(radiusPx) + 1;
  const x0 = box.x0 - margin;
  const y0 = box.y0 - margin;
  const cropWidthPx = box.x1 - box.x0 + 1 + 2 * margin;
  const cropHeightPx = box.y1 - box.y0 + 1 + 2 * margin;
  const part = window(binary, widthPx, heightPx, x0, y0, cropWidthPx, cropHeightPx);
  const closed = erodeWindow(dilateWindow(part, cropWidthPx, cropHeightPx, radiusPx, options), cropWidthPx, cropHeightPx, radiusPx, options);
  return place(closed, widthPx, heightPx, x0, y0, cropWidthPx, cropHeightPx);
}

/** Morphological smoothing: closing, then opening, with the same disk (fills notches, then trims spurs). */
export function smooth(binary: Uint8Array, widthPx: number, heightPx: number, radiusPx: number, options: MorphologyOptions = {}): Uint8Array {
  return open(close(binary, widthPx, heightPx, radiusPx, options), widthPx, heightPx, radiusPx, options);
}
