import type { ImagePoint } from './types';

/*
 * Scan conversion of shapes into horizontal pixel spans. A pixel (x, y) belongs to a shape when its centre
 * (x + 0.5, y + 0.5) does. Spans are clipped to the image, so callers never index outside the mask.
 */

/** Receives one run of pixels of row `y`, columns `xFrom..xTo` inclusive (already clipped to the image). */
export type SpanSink = (y: number, xFrom: number, xTo: number) => void;

/** Emits the pixels whose centres are in [left, right] on row y, clipped to the image. */
function emit(y: number, left: number, right: number, widthPx: number, sink: SpanSink): void {
  const xFrom = Math.max(0, Math.ceil(left - 0.5));
  const xTo = Math.min(widthPx - 1, Math.floor(right - 0.5));
  if (xFrom <= xTo) sink(y, xFrom, xTo);
}

/**
 * The capsule swept by a disk of radius `radiusPx` along the segment from `a` to `b` (a disk when a = b):
 * the pixels whose centres lie within `radiusPx` of the segment. The capsule is convex, so each row is one
 * span: the hull of the row's intersections with the two end disks and the rectangle between them.
 */
export function rasterizeCapsule(a: ImagePoint, b: ImagePoint, radiusPx: number, widthPx: number, heightPx: number, sink: SpanSink): void {
  const r2 = radiusPx * radiusPx;
  const yFrom = Math.max(0, Math.ceil(Math.min(a.y, b.y) - radiusPx - 0.5));
  const yTo = Math.min(heightPx - 1, Math.floor(Math.max(a.y, b.y) + radiusPx - 0.5));
  const dx = b.x - a.x;
  const dy = b.y - a.y;
  const length = Math.hypot(dx, dy);
  // Rectangle corners: a + n·r, b + n·r, b − n·r, a − n·r, with n the unit normal of the segment.
  const nx = length > 0 ? (-dy / length) * radiusPx : 0;
  const ny = length > 0 ? (dx / length) * radiusPx : 0;
  const cornersX = [a.x + nx, b.x + nx, b.x - nx, a.x - nx];
  const cornersY = [a.y + ny, b.y + ny, b.y - ny, a.y - ny];
  for (let y = yFrom; y <= yTo; y++) {
    const py = y + 0.5;
    let left = Infinity;
    let right = -Infinity;
    const da = py - a.y;
    if (da * da <= r2) {
      const half = Math.sqrt(r2 - da * da);
      left = Math.min(left, a.x - half);
      right = Math.max(right, a.x + half);
    }
    const db = py - b.y;
    if (db * db <= r2) {
      const half = Math.sqrt(r2 - db * db);
      left = Math.min(left, b.x - half);
      right = Math.max(right, b.x + half);
    }
    if (length > 0) {
      for (let k = 0; k < 4; k++) {
        const x0 = cornersX[k];
        const y0 = cornersY[k];
        const x1 = cornersX[(k + 1) & 3];
        const y1 = cornersY[(k + 1) & 3];
        if ((y0 - py) * (y1 - py) > 0 || y0 === y1) continue;
        const x = x0 + ((py - y0) * (x1 - x0)) / (y1 - y0);
        left = Math.min(left, x);
        right = Math.max(right, x);
      }
    }
    if (left <= right) emit(y, left, right, widthPx, sink);
  }
}

/**
 * The polygon's interior by the even-odd rule (closed implicitly). A pixel is inside when its centre is;
 * crossings use half-open edges, so shared vertices are not counted twice.
 */
export function polygonRows(points: readonly ImagePoint[], widthPx: number, heightPx: number, sink: SpanSink): void {
  const count = points.length;
  if (count < 3) return;
  let minY = Infinity;
  let maxY = -Infinity;
  for (const p of points) {
    minY = Math.min(minY, p.y);
    maxY = Math.max(maxY, p.y);
  }
  const crossings = new Float64Array(count);
  const yFrom = Math.max(0, Math.ceil(minY - 0.5));
  const yTo = Math.min(heightPx - 1, Math.floor(maxY - 0.5));
  for (let y = yFrom; y <= yTo; y++) {
    const py = y + 0.5;
    let found = 0;
    for (let k = 0; k < count; k++) {
      const p = points[k];
      const q = points[k + 1 === count ? 0 : k + 1];
      if ((p.y <= py) === (q.y <= py)) continue;
      const x = p.x + ((py - p.y) * (q.x - p.x)) / (q.y - p.y);
      // Insertion sort: a row crosses a lasso only a handful of times.
      let slot = found++;
      while (slot > 0 && crossings[slot - 1] > x) {
        crossings[slot] = crossings[slot - 1];
        slot--;
      }
      crossings[slot] = x;
    }
    for (let k = 0; k + 1 < found; k += 2) {
      // Half-open [left, right): a pixel whose centre sits exactly on the right edge belongs to the next shape.
      const xFrom = Math.max(0, Math.ceil(crossings[k] - 0.5));
      const xTo = Math.min(widthPx - 1, Math.ceil(crossings[k + 1] - 0.5) - 1);
      if (xFrom <= xTo) sink(y, xFrom, xTo);
    }
  }
}
