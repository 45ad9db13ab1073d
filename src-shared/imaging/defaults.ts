import type { ImageMeta, ImagePixels, WindowPreset } from '../api/images';
import { applyWindow, type DisplayFormat } from './window';
import { applyVoiLut } from './voi';

/** Fraction of pixels clipped at each end by the automatic window of wide-range images. */
const ROBUST_CLIP_FRACTION = 0.005;
const HISTOGRAM_BINS = 4096;

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
  for (let i = 0; i < data.length; i++) bins[Math.floor((data[i] - min) * scale)]++;
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

/**
 * Whether a file's window suits the pixel values actually present: the image's own range (0.5-99.5 %
 * percentiles, see {@link robustWindow}) must fill at least a quarter of the window. A C15000/W30000
 * preset on a 12-bit film leaves the whole image in the bottom 14 % of the greys (washed out), and a
 * window beside the values shows a blank film; a window narrower than the values (a lung window) is fine.
 */
export function windowFitsPixels(preset: Pick<WindowPreset, 'center' | 'width'>, pixels: ImagePixels, range: Pick<WindowPreset, 'center' | 'width'> = robustWindow(pixels)): boolean {
  if (!(preset.width > 0) || !Number.isFinite(preset.center)) return false;
  const low = Math.max(preset.center - preset.width / 2, range.center - range.width / 2);
  const high = Math.min(preset.center + preset.width / 2, range.center + range.width / 2);
  return (high - low) / preset.width >= MIN_WINDOW_COVERAGE;
}

/**
 * The window an image opens with: the first preset from the file that fits its pixel values
 * ({@link windowFitsPixels}), else min/max for images with at most 256 distinct levels (8-bit images
 * need no stretching), else {@link robustWindow}. Presets that do not fit stay selectable in the viewer.
 */
export function defaultWindow(meta: Pick<ImageMeta, 'windows'>, pixels: ImagePixels): WindowPreset {
  if (meta.windows.length > 0) {
    const range = robustWindow(pixels);
    const fitting = meta.windows.find((preset) => windowFitsPixels(preset, pixels, range));
    if (fitting) return fitting;
  }
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
