import type { UncertaintyMap } from '../../../src-shared/api';

/**
 * Heat-map colour for an uncertainty value 0..255: transparent where the model is sure, through yellow to
 * red where the test-time augmentations disagree most; alpha grows with the value.
 */
export function heatColor(value: number): [number, number, number, number] {
  const t = Math.min(1, Math.max(0, value / 255));
  if (t < 0.05) return [0, 0, 0, 0];
  const green = Math.round(255 * (1 - t));
  return [255, green, 0, Math.round(60 + 170 * t)];
}

/** Paints an uncertainty map (at its own, reduced size) into a canvas that Konva stretches over the image. */
export function paintUncertainty(canvas: HTMLCanvasElement, map: UncertaintyMap): void {
  canvas.width = map.widthPx;
  canvas.height = map.heightPx;
  const context = canvas.getContext('2d');
  if (!context) return;
  const image = context.createImageData(map.widthPx, map.heightPx);
  const table = Array.from({ length: 256 }, (_, v) => heatColor(v));
  for (let i = 0; i < map.data.length; i++) image.data.set(table[map.data[i]], 4 * i);
  context.putImageData(image, 0, 0);
}
