import type { ImagePixels } from '../../../src-shared/api';
import { windowFraction, type DisplayWindow } from '../../../src-shared/imaging/window';

const maxLutSize = 65536;

function windowToByte(value: number, window: DisplayWindow): number {
  return Math.round(windowFraction(value, window) * 255);
}

/**
 * Windowing through a lookup table into packed RGBA pixels. `prepare` turns each pixel's value once
 * into an index into the table (exact for integer images with up to 65536 values, quantised otherwise);
 * `render` then rebuilds the 64 K-entry table (the maths is src-shared/imaging's windowFraction) and does
 * one lookup per pixel into a caller's buffer — no allocation per frame, so a right-drag stays smooth.
 */
export class IndexedWindowing {
  private indices: Uint16Array | null = null;
  private readonly lut = new Uint32Array(maxLutSize);
  private lutSize = 0;
  private lutMin = 0;
  private lutStep = 1;
  private source: ImagePixels | null = null;

  prepare(pixels: ImagePixels): void {
    this.source = pixels;
    const count = pixels.widthPx * pixels.heightPx;
    const range = Math.max(0, pixels.max - pixels.min);
    const exact = !(pixels.data instanceof Float32Array) && range < maxLutSize;
    this.lutSize = exact ? range + 1 : maxLutSize;
    this.lutMin = pixels.min;
    this.lutStep = exact || range === 0 ? 1 : range / (maxLutSize - 1);
    if (pixels.channels !== 1) {
      this.indices = null;
      return;
    }
    if (!this.indices || this.indices.length !== count) this.indices = new Uint16Array(count);
    const { data } = pixels;
    const indices = this.indices;
    const scale = 1 / this.lutStep;
    const min = this.lutMin;
    const top = this.lutSize - 1;
    if (exact && Number.isInteger(min)) {
      // integer values one table entry apart: the index is the value's offset (no rounding, no scaling)
      for (let i = 0; i < count; i++) {
        const index = data[i] - min;
        indices[i] = index < 0 ? 0 : index > top ? top : index;
      }
      return;
    }
    for (let i = 0; i < count; i++) {
      const index = Math.round((data[i] - min) * scale);
      indices[i] = index < 0 ? 0 : index > top ? top : index;
    }
  }

  /** Writes opaque RGBA pixels (little-endian packed) of the prepared image into `out`. */
  render(out: Uint32Array, window: DisplayWindow, options: { invert: boolean }): void {
    const source = this.source;
    if (!source) return;
    if (!this.indices) {
      renderRgb(source, window, options.invert, out);
      return;
    }
    const lut = this.lut;
    for (let k = 0; k < this.lutSize; k++) {
      const byte = windowToByte(this.lutMin + k * this.lutStep, window);
      const grey = options.invert ? 255 - byte : byte;
      lut[k] = (0xff000000 | (grey << 16) | (grey << 8) | grey) >>> 0;
    }
    const indices = this.indices;
    for (let i = 0, n = indices.length; i < n; i++) out[i] = lut[indices[i]];
  }
}

function renderRgb(source: ImagePixels, window: DisplayWindow, invert: boolean, out: Uint32Array): void {
  const { data } = source;
  const channel = (value: number): number => {
    const byte = windowToByte(value, window);
    return invert ? 255 - byte : byte;
  };
  for (let i = 0, n = source.widthPx * source.heightPx; i < n; i++) {
    out[i] = (0xff000000 | (channel(data[3 * i + 2]) << 16) | (channel(data[3 * i + 1]) << 8) | channel(data[3 * i])) >>> 0;
  }
}

/** The image layer's canvas: one ImageData per image size, repainted whole on a window change. */
export class ImagePainter {
  readonly canvas: HTMLCanvasElement;
  private readonly context: CanvasRenderingContext2D;
  private readonly windowing = new IndexedWindowing();
  private imageData: ImageData | null = null;
  private pixels32: Uint32Array | null = null;

  constructor(canvas: HTMLCanvasElement) {
    this.canvas = canvas;
    const context = canvas.getContext('2d');
    if (!context) throw new Error('2D canvas is not available');
    this.context = context;
  }

  setImage(pixels: ImagePixels): void {
    if (!this.imageData || this.imageData.width !== pixels.widthPx || this.imageData.height !== pixels.heightPx) {
      this.canvas.width = pixels.widthPx;
      this.canvas.height = pixels.heightPx;
      this.imageData = this.context.createImageData(pixels.widthPx, pixels.heightPx);
      this.pixels32 = new Uint32Array(this.imageData.data.buffer);
    }
    this.windowing.prepare(pixels);
  }

  render(window: DisplayWindow, options: { invert: boolean }): void {
    if (!this.imageData || !this.pixels32) return;
    this.windowing.render(this.pixels32, window, options);
    this.context.putImageData(this.imageData, 0, 0);
  }
}
