import type { LabelMask } from '../../../src-shared/api';
import type { PixelRect } from '../../../src-shared/mask/types';

export type Rgb = readonly [number, number, number];

/** Label colours: the patient's right lung (label 1) and left lung (label 2). */
export const lungColors: { right: Rgb; left: Rgb } = { right: [0, 200, 255], left: [255, 170, 0] };

export type MaskViewMode = 'fill' | 'contour';

/** Packs an opaque RGBA colour for a little-endian Uint32 view of ImageData. */
export function packRgba(rgb: Rgb, alpha = 255): number {
  return ((alpha << 24) | (rgb[2] << 16) | (rgb[1] << 8) | rgb[0]) >>> 0;
}

const palette = new Uint32Array([0, packRgba(lungColors.right), packRgba(lungColors.left)]);

/**
 * Writes the RGBA pixels of `rect` for a label mask into `out` (a Uint32 view of an ImageData of the
 * mask's full size). Fill paints every lung pixel; contour paints lung pixels whose label differs from a
 * neighbour `thicknessPx` away (or the image border), so the outline stays visible when zoomed out.
 */
export function paintMaskRect(mask: LabelMask, out: Uint32Array, rect: PixelRect, options: { mode: MaskViewMode; thicknessPx?: number }): void {
  const { widthPx, heightPx, data } = mask;
  const x1 = rect.x + rect.widthPx;
  const y1 = rect.y + rect.heightPx;
  if (options.mode === 'fill') {
    for (let y = rect.y; y < y1; y++) {
      const row = y * widthPx;
      for (let i = row + rect.x, end = row + x1; i < end; i++) out[i] = palette[data[i]] ?? 0;
    }
    return;
  }
  const t = Math.max(1, Math.round(options.thicknessPx ?? 1));
  for (let y = rect.y; y < y1; y++) {
    const row = y * widthPx;
    for (let x = rect.x; x < x1; x++) {
      const i = row + x;
      const label = data[i];
      if (label === 0) {
        out[i] = 0;
        continue;
      }
      const edge =
        x < t || y < t || x >= widthPx - t || y >= heightPx - t ||
        data[i - t] !== label || data[i + t] !== label || data[i - t * widthPx] !== label || data[i + t * widthPx] !== label;
      out[i] = edge ? (palette[label] ?? 0) : 0;
    }
  }
}

/**
 * Writes the fill colours of a mask sampled every second pixel in both directions into `out` (a Uint32
 * view of an ImageData of ceil(width/2) x ceil(height/2)): the pixel at (x, y) is the mask's (2x, 2y).
 */
export function paintMaskHalf(mask: LabelMask, out: Uint32Array): void {
  const { widthPx, heightPx, data } = mask;
  const halfWidth = (widthPx + 1) >> 1;
  const halfHeight = (heightPx + 1) >> 1;
  for (let y = 0; y < halfHeight; y++) {
    const row = 2 * y * widthPx;
    const at = y * halfWidth;
    for (let x = 0; x < halfWidth; x++) out[at + x] = palette[data[row + 2 * x]] ?? 0;
  }
}

/** Masks from this many pixels up are first painted whole at half resolution when the view shows them at half size or less. */
export const HALF_FIRST_MIN_PIXELS = 2_000_000;

/** `rect` grown by `marginPx` on every side and clipped to the mask. */
export function growRect(rect: PixelRect, marginPx: number, size: { widthPx: number; heightPx: number }): PixelRect {
  const x0 = Math.max(0, rect.x - marginPx);
  const y0 = Math.max(0, rect.y - marginPx);
  const x1 = Math.min(size.widthPx, rect.x + rect.widthPx + marginPx);
  const y1 = Math.min(size.heightPx, rect.y + rect.heightPx + marginPx);
  return { x: x0, y: y0, widthPx: Math.max(0, x1 - x0), heightPx: Math.max(0, y1 - y0) };
}

/**
 * The mask layer's one cached canvas. A full paint happens when an image or view mode changes; an edit
 * repaints only its dirty rectangle (putImageData of that rectangle), so a brush dab on a 3000×3000 mask
 * costs a few thousand pixels, not nine million. The ImageData is allocated once per image.
 *
 * A whole fill paint of a large mask (from {@link HALF_FIRST_MIN_PIXELS}) shown at half size or less
 * (`viewScale`, screen pixels per mask pixel) is made at half resolution first, a quarter of the pixels,
 * which shows the same on screen; {@link finishHalf} (the stage calls it a moment later, and any edit
 * or other paint before) replaces it with the full-resolution one.
 */
export class MaskPainter {
  readonly canvas: HTMLCanvasElement;
  private readonly context: CanvasRenderingContext2D;
  private imageData: ImageData | null = null;
  private pixels32: Uint32Array | null = null;
  mode: MaskViewMode = 'fill';
  thicknessPx = 1;
  /** Screen pixels per mask pixel in the view. */
  viewScale = 1;
  /** The mask shown at half resolution, until its full-resolution paint. */
  private halfOf: LabelMask | null = null;

  constructor(canvas: HTMLCanvasElement) {
    this.canvas = canvas;
    const context = canvas.getContext('2d');
    if (!context) throw new Error('2D canvas is not available');
    this.context = context;
  }

  private ensureSize(mask: LabelMask): void {
    if (this.halfOf) {
      this.halfOf = null;
      this.canvas.width = mask.widthPx;
      this.canvas.height = mask.heightPx;
    }
    if (this.imageData && this.imageData.width === mask.widthPx && this.imageData.height === mask.heightPx) return;
    this.canvas.width = mask.widthPx;
    this.canvas.height = mask.heightPx;
    this.imageData = this.context.createImageData(mask.widthPx, mask.heightPx);
    this.pixels32 = new Uint32Array(this.imageData.data.buffer);
  }

  /** Shows no label anywhere, for a mask known to hold none (a film's first, untouched mask). */
  clear(mask: LabelMask): void {
    this.ensureSize(mask);
    this.pixels32?.fill(0);
    this.context.clearRect(0, 0, mask.widthPx, mask.heightPx);
  }

  /** Whether a half-resolution paint waits for its full-resolution one. */
  get showsHalf(): boolean {
    return this.halfOf !== null;
  }

  /** Paints the full resolution of a mask shown at half resolution (nothing otherwise). */
  finishHalf(): void {
    const mask = this.halfOf;
    if (mask) this.paint(mask, null, { full: true });
  }

  /**
   * Repaints `rect` (or everything when null) from the mask; `full` rules out the half-resolution first
   * paint. True when the paint was at half resolution ({@link finishHalf} follows).
   */
  paint(mask: LabelMask, rect: PixelRect | null, options: { full?: boolean } = {}): boolean {
    if (rect === null && !options.full && this.mode === 'fill' && this.viewScale <= 0.5 && mask.widthPx * mask.heightPx >= HALF_FIRST_MIN_PIXELS) {
      const halfWidth = (mask.widthPx + 1) >> 1;
      const halfHeight = (mask.heightPx + 1) >> 1;
      this.canvas.width = halfWidth;
      this.canvas.height = halfHeight;
      const half = this.context.createImageData(halfWidth, halfHeight);
      paintMaskHalf(mask, new Uint32Array(half.data.buffer));
      this.context.putImageData(half, 0, 0);
      this.halfOf = mask;
      return true;
    }
    // The canvas holds only a half-resolution paint: an edit repaints all of it at full resolution.
    if (this.halfOf) rect = null;
    this.ensureSize(mask);
    if (!this.imageData || !this.pixels32) return false;
    const full: PixelRect = { x: 0, y: 0, widthPx: mask.widthPx, heightPx: mask.heightPx };
    // In contour view a changed pixel also changes whether its neighbours are edges.
    const area = rect ? growRect(rect, this.mode === 'contour' ? this.thicknessPx : 0, mask) : full;
    if (area.widthPx <= 0 || area.heightPx <= 0) return false;
    paintMaskRect(mask, this.pixels32, area, { mode: this.mode, thicknessPx: this.thicknessPx });
    this.context.putImageData(this.imageData, 0, 0, area.x, area.y, area.widthPx, area.heightPx);
    return false;
  }
}
