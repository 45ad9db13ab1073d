import type { ImageMeta, ImagePixels, WindowPreset } from '../api/images';
import { applyWindow, displayByteLut, windowFraction, type DisplayFormat } from './window';
import { applyVoiLut, voiLutFraction } from './voi';
import { wasmValueCountsU16 } from '../wasm/kernels';

/** Fraction of pixels clipped at each end by the automatic window of wide-range images. */
const ROBUST_CLIP_FRACTION = 0.005;
const HISTOGRAM_BINS = 4096;

/** Integer ranges up to this many values are counted value by value (a table of at most 4 MiB). */
const MAX_VALUE_COUNTS = 1 << 20;

/**
 * How often each integer value `min + k` occurs, for integer pixel arrays (null for floats): one tight
 * increment per pixel, monomorphic for the common 16-bit array. Null too when some value lies outside
 * min..max (the caller then bins pixel by pixel, as before).
 */
function valueCounts(data: ImagePixels['data'], min: number, size: number): Uint32Array | null {
  if (data instanceof Float32Array) return null;
  // the WebAssembly kernel where it loads (same counts), else the JavaScript loops
  let counts = data instanceof Uint16Array ? wasmValueCountsU16(data, min, size) : null;
  if (!counts) {
    counts = new Uint32Array(size);
    if (data instanceof Uint16Array) countUint16(data, min, size, counts);
    else for (let i = 0; i < data.length; i++) counts[data[i] - min]++;
  }
  let total = 0;
  for (let v = 0; v < size; v++) total += counts[v];
  return total === data.length ? counts : null;
}

/**
 * Counts 16-bit values into four interleaved tables (pixel i into table i % 4, the four counters of a
 * value side by side), so that runs of equal neighbours do not wait on one counter; then adds them.
 */
function countUint16(data: Uint16Array, min: number, size: number, counts: Uint32Array): void {
  const four = new Uint32Array(4 * size);
  const n = data.length & ~3;
  for (let i = 0; i < n; i += 4) {
    four[(data[i] - min) << 2]++;
    four[((data[i + 1] - min) << 2) | 1]++;
    four[((data[i + 2] - min) << 2) | 2]++;
    four[((data[i + 3] - min) << 2) | 3]++;
  }
  for (let i = n; i < data.length; i++) four[(data[i] - min) << 2]++;
  for (let v = 0, k = 0; v < size; v++, k += 4) counts[v] = four[k] + four[k + 1] + four[k + 2] + four[k + 3];
}

/** The window covering min..max exactly (LINEAR: min maps to 0, max to 255). */
export function minMaxWindow(pixels: Pick<ImagePixels, 'min' | 'max'>): WindowPreset {
  const width = Math.max(1, pixels.max - pixels.min + 1);
  return { center: pixels.min + width / 2, width, name: 'Full range', fn: 'LINEAR', source: 'full-range' };
}

/**
 * A window from the 0.5th to the 99.5th percentile of the values, from a histogram: it ignores
 * collimator edges, burnt-in labels and padding that would otherwise squash the lungs to a few greys.
 */
export function robustWindow(pixels: ImagePixels): WindowPreset {
  const { data, min, max } = pixels;
  if (!(max > min)) return minMaxWindow(pixels);
  const bins = new Uint32Array(HISTOGRAM_BINS);
  const scale = (HISTOGRAM_BINS - 1) / (max - min);
  const values = Number.isInteger(min) && max - min < MAX_VALUE_COUNTS ? valueCounts(data, min, max - min + 1) : null;
  if (values) {
    // the same bin per value as the per-pixel formula below (same expression on the same integer)
    for (let v = 0; v < values.length; v++) bins[Math.floor(v * scale)] += values[v];
  } else {
    for (let i = 0; i < data.length; i++) bins[Math.floor((data[i] - min) * scale)]++;
  }
  const clip = Math.floor(data.length * ROBUST_CLIP_FRACTION);
  let low = 0;
  for (let seen = 0; low < HISTOGRAM_BINS - 1 && seen + bins[low] <= clip; low++) seen += bins[low];
  let high = HISTOGRAM_BINS - 1;
  for (let seen = 0; high > low && seen + bins[high] <= clip; high--) seen += bins[high];
  const lowValue = min + low / scale;
  const highValue = min + (high + 1) / scale;
  const width = Math.max(1, highValue - lowValue);
  return { center: lowValue + width / 2, width, name: 'Auto (0.5-99.5 %)', fn: 'LINEAR', source: 'auto' };
}

/** A file window whose values the image fills less than this share of is not a window for this image. */
const MIN_WINDOW_COVERAGE = 0.25;
/** A file window this many times wider than the anatomy's own range ({@link contentWindow}) looks washed out. */
export const MAX_WINDOW_WIDTH_RATIO = 1.8;

/**
 * Whether a file's window suits the pixel values actually present: the image's range (by default its
 * 0.5-99.5 % percentiles, see {@link robustWindow}) must fill at least a quarter of the window, and with
 * `maxWidthRatio` the window may be at most that many times wider than the range. A C15000/W30000 preset
 * on a film whose anatomy spans 14 000 values leaves it in a few greys (washed out); a window beside the
 * values shows a blank film; a window narrower than the values (a lung window) is fine.
 */
export function windowFitsPixels(
  preset: Pick<WindowPreset, 'center' | 'width'>,
  pixels: ImagePixels,
  range: Pick<WindowPreset, 'center' | 'width'> = robustWindow(pixels),
  options: { maxWidthRatio?: number } = {},
): boolean {
  if (!(preset.width > 0) || !Number.isFinite(preset.center)) return false;
  const low = Math.max(preset.center - preset.width / 2, range.center - range.width / 2);
  const high = Math.min(preset.center + preset.width / 2, range.center + range.width / 2);
  if ((high - low) / preset.width < MIN_WINDOW_COVERAGE) return false;
  return options.maxWidthRatio === undefined || preset.width <= options.maxWidthRatio * range.width;
}

/**
 * The display window of the anatomy: the 1st to 99th percentile of the central 60 % of the film (every
 * other pixel), so the collimator, the direct-exposure background and burnt-in labels at the edges do
 * not widen it. What the viewer's "Auto" window is; the model's input keeps {@link robustWindow}.
 */
export function contentWindow(pixels: ImagePixels): WindowPreset {
  const { widthPx, heightPx, channels } = pixels;
  if (channels !== 1 || !(pixels.max > pixels.min) || widthPx < 10 || heightPx < 10) return { ...robustWindow(pixels), source: 'auto' };
  const [low, high] = centralPercentiles(pixels, 0.01, 0.99);
  if (!(high > low)) return { ...robustWindow(pixels), source: 'auto' };
  return { center: (low + high) / 2, width: high - low, name: 'Auto (anatomy, 1-99 %)', fn: 'LINEAR', source: 'auto' };
}

/** Integer films whose range is at most this are counted (one pass, no sort) by {@link centralPercentiles}. */
const COUNTED_RANGE = 1 << 20;

/**
 * The `lowFraction` and `highFraction` percentiles (nearest rank below, as sorted[floor(p * (n - 1))])
 * of the central 60 % of the film, every other pixel of every other row. An integer film is counted
 * value by value (the first paint waits for this: a sort of the ~80 000 values of a 1024 px preview
 * took tens of milliseconds); any other, or one with a value outside its min..max, is sorted: the same
 * values either way.
 */
export function centralPercentiles(pixels: ImagePixels, lowFraction: number, highFraction: number): [number, number] {
  const { widthPx, heightPx, data, min, max } = pixels;
  const y0 = Math.floor(heightPx * 0.2);
  const y1 = Math.ceil(heightPx * 0.8);
  const x0 = Math.floor(widthPx * 0.2);
  const x1 = Math.ceil(widthPx * 0.8);
  const range = max - min;
  if (!(data instanceof Float32Array) && Number.isInteger(min) && range >= 0 && range < COUNTED_RANGE) {
    const counts = new Uint32Array(range + 1);
    let n = 0;
    let inRange = true;
    for (let y = y0; y < y1 && inRange; y += 2) {
      for (let x = x0, at = y * widthPx + x0; x < x1; x += 2, at += 2) {
        const k = data[at] - min;
        if (k < 0 || k > range) {
          inRange = false;
          break;
        }
        counts[k]++;
        n++;
      }
    }
    if (inRange && n > 0) {
      const rankLow = Math.floor(lowFraction * (n - 1));
      const rankHigh = Math.floor(highFraction * (n - 1));
      let low = NaN;
      let seen = 0;
      for (let k = 0; k <= range; k++) {
        seen += counts[k];
        if (Number.isNaN(low) && seen > rankLow) low = min + k;
        if (seen > rankHigh) return [low, min + k];
      }
    }
  }
  const values: number[] = [];
  for (let y = y0; y < y1; y += 2) {
    for (let x = x0; x < x1; x += 2) values.push(data[y * widthPx + x]);
  }
  const sorted = Float64Array.from(values).sort();
  return [sorted[Math.floor(lowFraction * (sorted.length - 1))], sorted[Math.floor(highFraction * (sorted.length - 1))]];
}

/**
 * The window the viewer opens a film with: the first file preset that fits the anatomy
 * ({@link windowFitsPixels} against {@link contentWindow}, at most {@link MAX_WINDOW_WIDTH_RATIO} wider),
 * else min/max for 8-bit ranges, else the anatomy's own window. Presets that do not fit stay selectable.
 */
export function displayWindow(meta: Pick<ImageMeta, 'windows'>, pixels: ImagePixels): WindowPreset {
  const content = contentWindow(pixels);
  const fitting = meta.windows.find((preset) => windowFitsPixels(preset, pixels, content, { maxWidthRatio: MAX_WINDOW_WIDTH_RATIO }));
  if (fitting) return fitting;
  if (pixels.max - pixels.min <= 255) return minMaxWindow(pixels);
  return content;
}

/**
 * The window a model and a thumbnail use: the first preset from the file, else min/max for images with
 * at most 256 distinct levels (8-bit images need no stretching), else {@link robustWindow}. The viewer
 * opens films with {@link displayWindow}, which also passes over file windows that do not suit them;
 * the model's input stays as it was trained.
 */
export function defaultWindow(meta: Pick<ImageMeta, 'windows'>, pixels: ImagePixels): WindowPreset {
  if (meta.windows.length > 0) return meta.windows[0];
  if (pixels.max - pixels.min <= 255) return minMaxWindow(pixels);
  return robustWindow(pixels);
}

/**
 * What a model and a thumbnail see: one byte per pixel, `widthPx * heightPx` long, through the file's
 * VOI (first window preset, else its VOI LUT, else the automatic window) with MONOCHROME1 inverted so
 * that air (lungs) is dark as usual. RGB images become luminance (ITU-R BT.601 weights).
 */
export function toGrey8(pixels: ImagePixels, meta: Pick<ImageMeta, 'windows' | 'voiLut'>, options: { out?: Uint8Array } = {}): Uint8Array {
  const format: DisplayFormat = 'grey';
  const length = pixels.widthPx * pixels.heightPx;
  if (pixels.channels === 3) {
    const rgb = applyWindow(pixels, defaultWindow(meta, pixels), { invert: pixels.invert, format });
    const out = options.out ?? new Uint8Array(length);
    for (let i = 0, o = 0; o < length; i += 3, o++) {
      out[o] = Math.round(0.299 * rgb[i] + 0.587 * rgb[i + 1] + 0.114 * rgb[i + 2]);
    }
    return out;
  }
  if (meta.windows.length === 0 && meta.voiLut && meta.voiLut.table.length > 0) {
    return applyVoiLut(pixels, meta.voiLut, { invert: pixels.invert, out: options.out, format });
  }
  return applyWindow(pixels, defaultWindow(meta, pixels), { invert: pixels.invert, out: options.out, format });
}

/**
 * The byte table behind {@link toGrey8} for single-channel integer pixels (same choice of VOI LUT or
 * window, same rounding, MONOCHROME1 inverted): `lut[value - base]` is toGrey8's byte for `value`. `null`
 * for RGB, float or very wide data, where toGrey8 itself must be used. Exact for every VOI function
 * (LINEAR, LINEAR_EXACT, SIGMOID, VOI LUT), since the table is evaluated per modality value.
 */
export function grey8Lut(pixels: ImagePixels, meta: Pick<ImageMeta, 'windows' | 'voiLut'>): { lut: Uint8Array; base: number } | null {
  if (pixels.channels !== 1) return null;
  if (meta.windows.length === 0 && meta.voiLut && meta.voiLut.table.length > 0) {
    const voiLut = meta.voiLut;
    return displayByteLut(pixels, (value) => Math.round(voiLutFraction(value, voiLut) * 255), pixels.invert);
  }
  const window = defaultWindow(meta, pixels);
  return displayByteLut(pixels, (value) => Math.round(windowFraction(value, window) * 255), pixels.invert);
}
