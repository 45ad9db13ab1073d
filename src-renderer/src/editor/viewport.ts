/**
 * Where the image sits on the stage: stage point = image point × scale + (x, y). Pure math, so zoom,
 * pan, fit and 1:1 are testable without a canvas.
 */
export interface Viewport {
  scale: number;
  x: number;
  y: number;
}

export interface SizePx {
  widthPx: number;
  heightPx: number;
}

export const minScale = 0.02;
export const maxScale = 32;

function clampScale(scale: number): number {
  return Math.min(maxScale, Math.max(minScale, scale));
}

/** The whole image centred in the view with a margin (in view pixels) around it. */
export function fitViewport(image: SizePx, view: SizePx, marginPx = 8): Viewport {
  const scale = clampScale(Math.min((view.widthPx - 2 * marginPx) / image.widthPx, (view.heightPx - 2 * marginPx) / image.heightPx));
  return { scale, x: (view.widthPx - image.widthPx * scale) / 2, y: (view.heightPx - image.heightPx * scale) / 2 };
}

/** One image pixel per screen pixel, keeping the image point at the view's centre where it is. */
export function oneToOneViewport(current: Viewport, view: SizePx): Viewport {
  return zoomAt(current, 1 / current.scale, { x: view.widthPx / 2, y: view.heightPx / 2 });
}

/** Zooms by `factor` keeping the image point under `stagePoint` fixed (wheel zoom at the cursor). */
export function zoomAt(current: Viewport, factor: number, stagePoint: { x: number; y: number }): Viewport {
  const scale = clampScale(current.scale * factor);
  const imageX = (stagePoint.x - current.x) / current.scale;
  const imageY = (stagePoint.y - current.y) / current.scale;
  return { scale, x: stagePoint.x - imageX * scale, y: stagePoint.y - imageY * scale };
}

export function panBy(current: Viewport, dxPx: number, dyPx: number): Viewport {
  return { ...current, x: current.x + dxPx, y: current.y + dyPx };
}

/** A stage point in continuous image coordinates (pixel (x, y) covers [x, x + 1)). */
export function stageToImage(current: Viewport, stagePoint: { x: number; y: number }): { x: number; y: number } {
  return { x: (stagePoint.x - current.x) / current.scale, y: (stagePoint.y - current.y) / current.scale };
}
