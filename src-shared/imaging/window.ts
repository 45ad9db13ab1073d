import type { ImagePixels } from '../api/images';

/** DICOM VOI LUT Function (0028,1056). */
export type VoiFunction = 'LINEAR' | 'LINEAR_EXACT' | 'SIGMOID';

/** A window in modality-LUT units (the units of {@link ImagePixels.data}). */
export interface DisplayWindow {
  center: number;
  width: number;
  /** Defaults to LINEAR, the DICOM default. */
  fn?: VoiFunction;
}

/** Output layout of the display functions: one byte per pixel, or RGBA (4 bytes, alpha 255) for a canvas. */
export type DisplayFormat = 'grey' | 'rgba';

/** Options shared by {@link applyWindow} and the VOI LUT functions. */
export interface DisplayOptions {
  /** Invert the output (MONOCHROME1, or the user's invert toggle). */
  invert: boolean;
  /** Reused output buffer; must have `widthPx * heightPx * (format === 'rgba' ? 4 : channels)` bytes. */
  out?: Uint8Array;
  /** 'grey' (default) writes `channels` bytes per pixel; 'rgba' writes 4 (grey replicated, alpha 255). */
  format?: DisplayFormat;
}

/** Above this many distinct integer values a LUT costs more than it saves; values are mapped directly. */
const MAX_LUT_ENTRIES = 1 << 20;

/**
 * Display fraction 0..1 of one modality value under a window, per PS3.3 C.11.2.1.2:
 * LINEAR (width >= 1, the classic `(x - (c - 0.5)) / (w - 1) + 0.5`), LINEAR_EXACT (width > 0) and
 * SIGMOID (`1 / (1 + exp(-4 (x - c) / w))`). Widths below the minimum are treated as the minimum.
 */
export function windowFraction(value: number, window: DisplayWindow): number {
  const center = window.center;
  switch (window.fn ?? 'LINEAR') {
    case 'SIGMOID': {
      const width = Math.max(window.width, Number.EPSILON);
      return 1 / (1 + Math.exp((-4 * (value - center)) / width));
    }
    case 'LINEAR_EXACT': {
      const width = Math.max(window.width, Number.EPSILON);
      if (value <= center - width / 2) return 0;
      if (value > center + width / 2) return 1;
      return (value - center) / width + 0.5;
    }
    default: {
      const width = Math.max(window.width, 1);
      if (value <= center - 0.5 - (width - 1) / 2) return 0;
      if (value > center - 0.5 + (width - 1) / 2) return 1;
      // width 1 is a threshold: the branches above already decided every value
      return (value - (center - 0.5)) / (width - 1) + 0.5;
    }
  }
}

/**
 * Builds a lookup table from integer modality values `minValue..maxValue` to display bytes 0..255.
 * Entry `i` is the display value of `minValue + i`. Reuses `out` when it is long enough.
 * @throws RangeError when `maxValue < minValue`.
 */
export function buildWindowLut(
  range: { minValue: number; maxValue: number },
  window: DisplayWindow,
  options: { invert: boolean; out?: Uint8Array },
): Uint8Array {
  const size = Math.floor(range.maxValue) - Math.floor(range.minValue) + 1;
  if (!(size >= 1)) throw new RangeError(`Empty value range ${range.minValue}..${range.maxValue}`);
  const lut = options.out && options.out.length >= size ? options.out : new Uint8Array(size);
  const base = Math.floor(range.minValue);
  for (let i = 0; i < size; i++) {
    const byte = Math.round(windowFraction(base + i, window) * 255);
    lut[i] = options.invert ? 255 - byte : byte;
  }
  return lut;
}

let scratchLut = new Uint8Array(0);

/** The module keeps one LUT buffer so that repeated windowing (a drag) allocates nothing. */
function sharedLut(size: number): Uint8Array {
  if (scratchLut.length < size) scratchLut = new Uint8Array(size);
  return scratchLut;
}

/** Size of the display buffer {@link applyWindow} writes for these pixels and format. */
export function displayBufferLength(pixels: Pick<ImagePixels, 'widthPx' | 'heightPx' | 'channels'>, format: DisplayFormat = 'grey'): number {
  return pixels.widthPx * pixels.heightPx * (format === 'rgba' ? 4 : pixels.channels);
}

function fillDisplayLut(lut: Uint8Array, size: number, base: number, toByte: (value: number) => number, invert: boolean): Uint8Array {
  for (let i = 0; i < size; i++) {
    const byte = toByte(base + i);
    lut[i] = invert ? 255 - byte : byte;
  }
  return lut;
}

/**
 * The table {@link mapToDisplay} would use for these pixels: entry `i` is the display byte (inverted when
 * asked) of modality value `base + i`, for every integer value in `pixels.min..pixels.max`. `null` when
 * mapToDisplay maps per pixel instead (float data, or more than 2^20 distinct values). Lets a caller fuse
 * the windowing into another pass (the model's downscale) with byte-identical results. Fresh table per call.
 */
export function displayByteLut(pixels: Pick<ImagePixels, 'data' | 'min' | 'max'>, toByte: (value: number) => number, invert: boolean): { lut: Uint8Array; base: number } | null {
  if (pixels.data instanceof Float32Array) return null;
  const base = Math.floor(pixels.min);
  const size = Math.floor(pixels.max) - base + 1;
  if (!(size >= 1 && size <= MAX_LUT_ENTRIES)) return null;
  return { lut: fillDisplayLut(new Uint8Array(size), size, base, toByte, invert), base };
}

type IntegerData = Exclude<ImagePixels['data'], Float32Array>;

const littleEndian = new Uint8Array(Uint16Array.of(1).buffer)[0] === 1;

/**
 * `out[i] = lut[data[i] - base]` for the first `count` values. One loop body per array kind: a single
 * loop that sees 8-bit, 16-bit and signed films turns polymorphic (measured 10x slower once it has seen
 * five kinds); the 16-bit and 8-bit ones write four bytes at a time when `out` is word-aligned.
 */
function mapThroughLut(data: IntegerData, lut: Uint8Array, base: number, out: Uint8Array, count: number): void {
  const words = littleEndian && out.byteOffset % 4 === 0 ? new Uint32Array(out.buffer, out.byteOffset, count >> 2) : null;
  if (data instanceof Uint16Array) lutUint16(data, lut, base, out, count, words);
  else if (data instanceof Uint8Array) lutUint8(data, lut, base, out, count, words);
  else if (data instanceof Int16Array) lutInt16(data, lut, base, out, count);
  else lutAny(data, lut, base, out, count);
}

function lutUint16(data: Uint16Array, lut: Uint8Array, base: number, out: Uint8Array, count: number, words: Uint32Array | null): void {
  let i = 0;
  if (words) {
    for (let j = 0; j < words.length; j++, i += 4) {
      words[j] = lut[data[i] - base] | (lut[data[i + 1] - base] << 8) | (lut[data[i + 2] - base] << 16) | (lut[data[i + 3] - base] << 24);
    }
  }
  for (; i < count; i++) out[i] = lut[data[i] - base];
}

function lutUint8(data: Uint8Array, lut: Uint8Array, base: number, out: Uint8Array, count: number, words: Uint32Array | null): void {
  let i = 0;
  if (words) {
    for (let j = 0; j < words.length; j++, i += 4) {
      words[j] = lut[data[i] - base] | (lut[data[i + 1] - base] << 8) | (lut[data[i + 2] - base] << 16) | (lut[data[i + 3] - base] << 24);
    }
  }
  for (; i < count; i++) out[i] = lut[data[i] - base];
}

function lutInt16(data: Int16Array, lut: Uint8Array, base: number, out: Uint8Array, count: number): void {
  for (let i = 0; i < count; i++) out[i] = lut[data[i] - base];
}

function lutAny(data: IntegerData, lut: Uint8Array, base: number, out: Uint8Array, count: number): void {
  for (let i = 0; i < count; i++) out[i] = lut[data[i] - base];
}

/**
 * Maps full-depth pixels to display bytes through a per-value function given as a LUT over
 * `pixels.min..pixels.max` (integer data) or computed per pixel (float data, very wide ranges).
 * Shared by {@link applyWindow} and the VOI LUT path.
 */
export function mapToDisplay(pixels: ImagePixels, toByte: (value: number) => number, options: DisplayOptions): Uint8Array {
  const format = options.format ?? 'grey';
  const length = displayBufferLength(pixels, format);
  const out = options.out ?? new Uint8Array(length);
  if (out.length < length) throw new RangeError(`Display buffer holds ${out.length} bytes; ${length} are needed`);
  const data = pixels.data;
  const count = data.length;
  const isInteger = !(data instanceof Float32Array);
  const base = Math.floor(pixels.min);
  const size = Math.floor(pixels.max) - base + 1;
  const invert = options.invert;
  const rgba = format === 'rgba';
  const grey = pixels.channels === 1;

  if (isInteger && size >= 1 && size <= MAX_LUT_ENTRIES) {
    const lut = fillDisplayLut(sharedLut(size), size, base, toByte, invert);
    if (!rgba) {
      mapThroughLut(data as IntegerData, lut, base, out, count);
    } else if (grey) {
      for (let i = 0, o = 0; i < count; i++, o += 4) {
        const byte = lut[data[i] - base];
        out[o] = byte; out[o + 1] = byte; out[o + 2] = byte; out[o + 3] = 255;
      }
    } else {
      for (let i = 0, o = 0; i < count; i += 3, o += 4) {
        out[o] = lut[data[i] - base]; out[o + 1] = lut[data[i + 1] - base]; out[o + 2] = lut[data[i + 2] - base]; out[o + 3] = 255;
      }
    }
    return out;
  }
  const byteOf = (value: number): number => {
    const byte = toByte(value);
    return invert ? 255 - byte : byte;
  };
  if (!rgba) {
    for (let i = 0; i < count; i++) out[i] = byteOf(data[i]);
  } else if (grey) {
    for (let i = 0, o = 0; i < count; i++, o += 4) {
      const byte = byteOf(data[i]);
      out[o] = byte; out[o + 1] = byte; out[o + 2] = byte; out[o + 3] = 255;
    }
  } else {
    for (let i = 0, o = 0; i < count; i += 3, o += 4) {
      out[o] = byteOf(data[i]); out[o + 1] = byteOf(data[i + 1]); out[o + 2] = byteOf(data[i + 2]); out[o + 3] = 255;
    }
  }
  return out;
}

/**
 * Windows full-depth pixels to 8-bit for display: LUT-based, so a 3000x3000 16-bit image costs one
 * table build (≤ 64 Ki entries) and one pass. With `out` given, no memory is allocated per call,
 * which keeps a window/level drag smooth. `options.invert` flips the output (MONOCHROME1).
 */
export function applyWindow(pixels: ImagePixels, window: DisplayWindow, options: DisplayOptions): Uint8Array {
  return mapToDisplay(pixels, (value) => Math.round(windowFraction(value, window) * 255), options);
}
