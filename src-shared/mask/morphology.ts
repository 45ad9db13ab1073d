import { squaredDistanceTransform } from './distance';
import { assertSize, foregroundBox } from './types';

/*
 * Binary morphology with a disk of radius `radiusPx`: the pixels whose centres lie within `radiusPx` of the
 * centre pixel (dx² + dy² <= r²). Each operation thresholds an exact Euclidean distance transform, so the
 * cost does not grow with the radius, and it works on the foreground's bounding box only.
 * All functions return a new 0/1 mask and throw RangeError when `binary.length !== widthPx * heightPx`.
 */

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

/** Dilation of a window in place of a new array: pixels within `radiusPx` of a foreground pixel. */
function dilateWindow(part: Uint8Array, widthPx: number, heightPx: number, radiusPx: number): Uint8Array {
  const distance = squaredDistanceTransform(part, widthPx, heightPx);
  const limit = radiusPx * radiusPx;
  const out = new Uint8Array(part.length);
  for (let i = 0; i < out.length; i++) out[i] = distance[i] <= limit ? 1 : 0;
  return out;
}

/** Erosion of a window: foreground pixels farther than `radiusPx` from every background pixel of the window. */
function erodeWindow(part: Uint8Array, widthPx: number, heightPx: number, radiusPx: number): Uint8Array {
  const background = new Uint8Array(part.length);
  for (let i = 0; i < part.length; i++) background[i] = part[i] === 0 ? 1 : 0;
  const distance = squaredDistanceTransform(background, widthPx, heightPx);
  const limit = radiusPx * radiusPx;
  const out = new Uint8Array(part.length);
  for (let i = 0; i < out.length; i++) out[i] = distance[i] > limit ? 1 : 0;
  return out;
}

function copyBinary(binary: Uint8Array): Uint8Array {
  const out = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i++) out[i] = binary[i] !== 0 ? 1 : 0;
  return out;
}

/** Dilation: every pixel within `radiusPx` of a foreground pixel becomes foreground. Radius <= 0 copies. */
export function dilate(binary: Uint8Array, widthPx: number, heightPx: number, radiusPx: number): Uint8Array {
  const box = foregroundBox(binary, widthPx, heightPx);
  if (!box || radiusPx <= 0) return copyBinary(binary);
  const reach = Math.ceil(radiusPx);
  const x0 = Math.max(0, box.x0 - reach);
  const y0 = Math.max(0, box.y0 - reach);
  const cropWidthPx = Math.min(widthPx - 1, box.x1 + reach) - x0 + 1;
  const cropHeightPx = Math.min(heightPx - 1, box.y1 + reach) - y0 + 1;
  const part = window(binary, widthPx, heightPx, x0, y0, cropWidthPx, cropHeightPx);
  return place(dilateWindow(part, cropWidthPx, cropHeightPx, radiusPx), widthPx, heightPx, x0, y0, cropWidthPx, cropHeightPx);
}

/**
 * Erosion: a foreground pixel stays only if every pixel of the disk around it that lies inside the image
 * is foreground. Pixels outside the image do not erode (a lung touching the film's edge is not eaten from
 * that edge). Radius <= 0 copies.
 */
export function erode(binary: Uint8Array, widthPx: number, heightPx: number, radiusPx: number): Uint8Array {
  const box = foregroundBox(binary, widthPx, heightPx);
  if (!box || radiusPx <= 0) return copyBinary(binary);
  // One pixel of margin holds the background around the box; farther background is never nearer.
  const x0 = Math.max(0, box.x0 - 1);
  const y0 = Math.max(0, box.y0 - 1);
  const cropWidthPx = Math.min(widthPx - 1, box.x1 + 1) - x0 + 1;
  const cropHeightPx = Math.min(heightPx - 1, box.y1 + 1) - y0 + 1;
  const part = window(binary, widthPx, heightPx, x0, y0, cropWidthPx, cropHeightPx);
  return place(erodeWindow(part, cropWidthPx, cropHeightPx, radiusPx), widthPx, heightPx, x0, y0, cropWidthPx, cropHeightPx);
}

/** Opening (erode, then dilate): removes spurs and bridges thinner than the disk. Never adds foreground. */
export function open(binary: Uint8Array, widthPx: number, heightPx: number, radiusPx: number): Uint8Array {
  return dilate(erode(binary, widthPx, heightPx, radiusPx), widthPx, heightPx, radiusPx);
}

/**
 * Closing (dilate, then erode): fills notches and gaps narrower than the disk. Computed as if the image
 * continued with background beyond its edges, so a lung near the border is not glued to the border.
 * Never removes foreground.
 */
export function close(binary: Uint8Array, widthPx: number, heightPx: number, radiusPx: number): Uint8Array {
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
  const closed = erodeWindow(dilateWindow(part, cropWidthPx, cropHeightPx, radiusPx), cropWidthPx, cropHeightPx, radiusPx);
  return place(closed, widthPx, heightPx, x0, y0, cropWidthPx, cropHeightPx);
}

/** Morphological smoothing: closing, then opening, with the same disk (fills notches, then trims spurs). */
export function smooth(binary: Uint8Array, widthPx: number, heightPx: number, radiusPx: number): Uint8Array {
  return open(close(binary, widthPx, heightPx, radiusPx), widthPx, heightPx, radiusPx);
}
