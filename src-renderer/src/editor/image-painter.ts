import type { ImagePixels } from '../../../src-shared/api';
import type { DisplayWindow } from '../stores/viewer';
import { windowToByte } from './window-math';

const maxLutSize = 65536;

/**
 * The image layer's canvas, windowed through a lookup table. On load each pixel's value is turned once
 * into an index into the table (exact for integer images with up to 65536 values, quantised otherwise);
 * a window or invert change then rebuilds the 64 K-entry table and does one table lookup per pixel into
 * a preallocated ImageData — no allocation per frame, so right-drag windowing stays smooth on 3000×3000.
 */
export class ImagePainter {
  readonly canvas: HTMLCanvasElement;
  private readonly context: CanvasRenderingContext2D;
  private imageData: ImageData | null = null;
  private pixels32: Uint32Array | null = null;
  private indices: Uint16Array | null = null;
  private lut = new Uint32Array(maxLutSize);
  private lutSize = 0;
  private lutMin = 0;
  private lutStep = 1;
  private source: ImagePixels | null = null;

  constructor(canvas: HTMLCanvasElement) {
    this.canvas = canvas;
    const context = canvas.getContext('2d');
    if (!context) throw new Error('2D canvas is not available');
    this.context = context;
  }

  /** Takes a new image: sizes the canvas and precomputes the table index of every pixel. */
  setImage(pixels: ImagePixels): void {
    this.source = pixels;
    const count = pixels.widthPx * pixels.heightPx;
    if (!this.imageData || this.imageData.width !== pixels.widthPx || this.imageData.height !== pixels.heightPx) {
      this.canvas.width = pixels.widthPx;
      this.canvas.height = pixels.heightPx;
      this.imageData = this.context.createImageData(pixels.widthPx, pixels.heightPx);
      this.pixels32 = new Uint32Array(this.imageData.data.buffer);
    }
    const range = Math.max(0, pixels.max - pixels.min);
    const integer = !(pixels.data instanceof Float32Array);
    this.lutSize = integer && range < maxLutSize ? range + 1 : maxLutSize;
    this.lutMin = pixels.min;
    this.lutStep = range === 0 ? 1 : integer && range < maxLutSize ? 1 : range / (maxLutSize - 1);
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
    for (let i = 0; i < count; i++) {
      const index = Math.round((data[i] - min) * scale);
      indices[i] = index < 0 ? 0 : index > top ? top : index;
    }
  }

  /** Repaints the whole image with a window and invert flag. */
  render(window: DisplayWindow, options: { invert: boolean }): void {
    const source = this.source;
    const out = this.pixels32;
    if (!source || !out || !this.imageData) return;
    const lut = this.lut;
    for (let k = 0; k < this.lutSize; k++) {
      const byte = windowToByte(this.lutMin + k * this.lutStep, window.center, window.width);
      const grey = options.invert ? 255 - byte : byte;
      lut[k] = (0xff000000 | (grey << 16) | (grey << 8) | grey) >>> 0;
    }
    if (this.indices) {
      const indices = this.indices;
      for (let i = 0, n = indices.length; i < n; i++) out[i] = lut[indices[i]];
    } else {
      this.renderRgb(source, window, options.invert, out);
    }
    this.context.putImageData(this.imageData, 0, 0);
  }

  private renderRgb(source: ImagePixels, window: DisplayWindow, invert: boolean, out: Uint32Array): void {
    const { data } = source;
    const channel = (value: number): number => {
      const byte = windowToByte(value, window.center, window.width);
      return invert ? 255 - byte : byte;
    };
    for (let i = 0, n = source.widthPx * source.heightPx; i < n; i++) {
      const r = channel(data[3 * i]);
      const g = channel(data[3 * i + 1]);
      const b = channel(data[3 * i + 2]);
      out[i] = (0xff000000 | (b << 16) | (g << 8) | r) >>> 0;
    }
  }
}
