import type { ImageMeta, ImagePixels } from '../api/images';
import { defaultWindow, grey8Lut, resampleBilinear, toGrey8, windowFraction, type DisplayWindow, type GreyImage } from '../imaging';
import { areaAverage, areaAverageThroughLut } from './area-average';
import type { ModelManifest, PerImageNormalisation } from './manifest';
import { variantColumn, type TtaVariant } from './tta';

/**
 * Where the image sits inside the network input. With `stretch` the content fills the input; with
 * `letterbox` it keeps its aspect ratio and is centred, the rest being padding. All values in pixels.
 * Invariant: `contentX + contentWidthPx <= inputWidthPx`, likewise vertically.
 */
export interface InputTransform {
  sourceWidthPx: number;
  sourceHeightPx: number;
  inputWidthPx: number;
  inputHeightPx: number;
  contentX: number;
  contentY: number;
  contentWidthPx: number;
  contentHeightPx: number;
}

/** A ready network input: one batch item per TTA variant, in the manifest's layout. */
export interface PreparedInput {
  data: Float32Array;
  /** [N, C, H, W] for NCHW, [N, H, W, C] for NHWC; N = variants.length. */
  dims: [number, number, number, number];
  variants: TtaVariant[];
  transform: InputTransform;
}

/**
 * Where the content goes in the network input (see {@link InputTransform}). Letterbox rounds the content
 * size to whole pixels and centres it (extra pixel of padding to the right / bottom).
 */
export function inputTransform(sourceWidthPx: number, sourceHeightPx: number, input: ModelManifest['input']): InputTransform {
  const { widthPx, heightPx } = input;
  if (input.resize !== 'letterbox') {
    return { sourceWidthPx, sourceHeightPx, inputWidthPx: widthPx, inputHeightPx: heightPx, contentX: 0, contentY: 0, contentWidthPx: widthPx, contentHeightPx: heightPx };
  }
  const scale = Math.min(widthPx / sourceWidthPx, heightPx / sourceHeightPx);
  const contentWidthPx = Math.max(1, Math.min(widthPx, Math.round(sourceWidthPx * scale)));
  const contentHeightPx = Math.max(1, Math.min(heightPx, Math.round(sourceHeightPx * scale)));
  return {
    sourceWidthPx, sourceHeightPx, inputWidthPx: widthPx, inputHeightPx: heightPx,
    contentX: Math.floor((widthPx - contentWidthPx) / 2), contentY: Math.floor((heightPx - contentHeightPx) / 2),
    contentWidthPx, contentHeightPx,
  };
}

/**
 * Resizes to the network's content size as float values: area averaging when shrinking (antialiased,
 * matching how the training PNGs were downscaled), pixel-centre bilinear ({@link resampleBilinear}) when
 * enlarging in either direction.
 */
export function resizeForModel(image: GreyImage, widthPx: number, heightPx: number): GreyImage<Float32Array> {
  if (widthPx <= image.widthPx && heightPx <= image.heightPx) return areaAverage(image, widthPx, heightPx);
  const source: GreyImage<Float32Array> = image.data instanceof Float32Array ? (image as GreyImage<Float32Array>) : { ...image, data: Float32Array.from(image.data) };
  return resampleBilinear(source, { widthPx, heightPx });
}

/** Raw (modality) values as one float channel: RGB becomes luminance (BT.601), like the display path. */
function rawGrey(pixels: ImagePixels): GreyImage<Float32Array> {
  const length = pixels.widthPx * pixels.heightPx;
  const out = new Float32Array(length);
  const data = pixels.data;
  if (pixels.channels === 3) {
    for (let i = 0, o = 0; o < length; i += 3, o++) out[o] = 0.299 * data[i] + 0.587 * data[i + 1] + 0.114 * data[i + 2];
  } else {
    out.set(data);
  }
  return { widthPx: pixels.widthPx, heightPx: pixels.heightPx, data: out };
}

const histogramBins = 4096;

/**
 * Per-image percentile stretch, in place: the `lowPercent` and `highPercent` percentiles of `data`
 * (0..1 intensities, read from a 4096-bin histogram, so exact to 1/4096) become 0 and 1, values beyond
 * are clipped. A flat image (both percentiles equal) is left unchanged. Training and inference both call
 * this, so the network sees the same values in both. Returns `data`.
 */
export function normalisePerImage(data: Float32Array, spec: PerImageNormalisation): Float32Array {
  const n = data.length;
  if (n === 0) return data;
  const counts = new Uint32Array(histogramBins);
  for (let i = 0; i < n; i++) {
    const v = data[i];
    counts[v <= 0 ? 0 : v >= 1 ? histogramBins - 1 : Math.floor(v * histogramBins)]++;
  }
  const binAt = (percent: number): number => {
    const rank = Math.min(n - 1, Math.max(0, Math.floor((percent / 100) * n)));
    let seen = 0;
    for (let b = 0; b < histogramBins; b++) {
      seen += counts[b];
      if (seen > rank) return b;
    }
    return histogramBins - 1;
  };
  // The low end is the lower edge of its bin and the high end the upper edge of its bin.
  const low = binAt(spec.lowPercent) / histogramBins;
  const high = (binAt(spec.highPercent) + 1) / histogramBins;
  if (!(high - low > 1.5 / histogramBins)) return data;
  const scale = 1 / (high - low);
  for (let i = 0; i < n; i++) data[i] = Math.min(1, Math.max(0, (data[i] - low) * scale));
  return data;
}

/**
 * The image at content size with intensities in 0..1, air dark (MONOCHROME1 inverted), as the manifest's
 * `normalisation.from` says:
 * - `display-8bit`: what the viewer shows at the default window ({@link toGrey8}), / 255. Matches models
 *   trained on 8-bit PNG exports, the usual case.
 * - `raw-minmax`: modality values scaled from the image's min..max.
 * - `window`: the default window (file preset, else automatic) at full float precision. For speed the
 *   window is applied after downscaling; it is linear between its clip points, so only pixels next to a
 *   clip edge differ from windowing first.
 * Then, when the manifest has `normalisation.perImage`, the per-image stretch ({@link normalisePerImage}).
 */
export function modelIntensities(pixels: ImagePixels, meta: Pick<ImageMeta, 'windows' | 'voiLut'>, manifest: ModelManifest, transform: InputTransform): GreyImage<Float32Array> {
  const content = baseIntensities(pixels, meta, manifest, transform);
  const perImage = manifest.normalisation.perImage;
  if (perImage) normalisePerImage(content.data, perImage);
  return content;
}

function baseIntensities(pixels: ImagePixels, meta: Pick<ImageMeta, 'windows' | 'voiLut'>, manifest: ModelManifest, transform: InputTransform): GreyImage<Float32Array> {
  const { contentWidthPx: widthPx, contentHeightPx: heightPx } = transform;
  const from = manifest.normalisation.from;
  const shrinking = widthPx <= pixels.widthPx && heightPx <= pixels.heightPx;
  if (from === 'display-8bit') {
    // One pass over the film (window table + area average), bit-identical to the two-pass path below.
    const table = shrinking ? grey8Lut(pixels, meta) : null;
    if (table) return { widthPx, heightPx, data: areaAverageThroughLut(pixels, table.lut, table.base, widthPx, heightPx) };
    const grey = toGrey8(pixels, meta);
    const small = resizeForModel({ widthPx: pixels.widthPx, heightPx: pixels.heightPx, data: grey }, widthPx, heightPx);
    const out = small.data;
    for (let i = 0; i < out.length; i++) out[i] /= 255;
    return { widthPx, heightPx, data: out };
  }
  // Single-channel films are averaged straight from the decoded pixels, without a float copy first.
  const small = shrinking && pixels.channels === 1 ? areaAverage(pixels, widthPx, heightPx) : resizeForModel(rawGrey(pixels), widthPx, heightPx);
  const out = small.data;
  if (from === 'raw-minmax') {
    const range = pixels.max > pixels.min ? pixels.max - pixels.min : 1;
    for (let i = 0; i < out.length; i++) out[i] = Math.min(1, Math.max(0, (out[i] - pixels.min) / range));
  } else {
    const window: DisplayWindow = defaultWindow({ windows: meta.windows }, pixels);
    for (let i = 0; i < out.length; i++) out[i] = windowFraction(out[i], window);
  }
  if (pixels.invert) for (let i = 0; i < out.length; i++) out[i] = 1 - out[i];
  return { widthPx, heightPx, data: out };
}

/**
 * Writes the network input: each TTA variant as one batch item, every channel `(x - mean[c]) / std[c]`
 * of the same grey value (3-channel models get the grey replicated, as ImageNet encoders expect), padding
 * (letterbox) set to `input.padValue` in the 0..1 intensity domain before normalisation.
 * @param content intensities 0..1 at content size (from {@link modelIntensities}).
 * @throws RangeError when `content` does not have the transform's content size.
 */
export function toInputTensor(content: GreyImage<Float32Array>, transform: InputTransform, manifest: ModelManifest, variants: TtaVariant[]): PreparedInput {
  const { inputWidthPx: width, inputHeightPx: height, contentX, contentY, contentWidthPx, contentHeightPx } = transform;
  if (content.widthPx !== contentWidthPx || content.heightPx !== contentHeightPx) {
    throw new RangeError(`content is ${content.widthPx}x${content.heightPx}, transform expects ${contentWidthPx}x${contentHeightPx}`);
  }
  const channels = manifest.input.channels;
  const nchw = manifest.input.layout === 'NCHW';
  const plane = width * height;
  const itemSize = plane * channels;
  const data = new Float32Array(itemSize * variants.length);
  const scales = new Float32Array(channels);
  const offsets = new Float32Array(channels);
  for (let c = 0; c < channels; c++) {
    const mean = manifest.normalisation.mean[c] ?? manifest.normalisation.mean[0] ?? 0;
    const std = manifest.normalisation.std[c] ?? manifest.normalisation.std[0] ?? 1;
    scales[c] = 1 / std;
    offsets[c] = -mean / std;
  }
  const pad = manifest.input.padValue;
  const source = content.data;
  // Which content column each input column shows (-1: padding), per variant; then one tight loop per row.
  const column = new Int32Array(width);
  variants.forEach((variant, item) => {
    const base = item * itemSize;
    for (let x = 0; x < width; x++) {
      // The flip mirrors the whole input, padding included, so un-flipping the output is the same mapping.
      const cx = variantColumn(variant, x, width) - contentX;
      column[x] = cx >= 0 && cx < contentWidthPx ? cx : -1;
    }
    for (let y = 0; y < height; y++) {
      const cy = y - contentY;
      const rowInside = cy >= 0 && cy < contentHeightPx;
      const sourceRow = cy * contentWidthPx;
      for (let c = 0; c < channels; c++) {
        const scale = scales[c];
        const offset = offsets[c];
        const padded = pad * scale + offset;
        // NCHW: a channel plane's row is contiguous; NHWC: pixels `channels` apart
        let at = nchw ? base + c * plane + y * width : base + y * width * channels + c;
        const step = nchw ? 1 : channels;
        for (let x = 0; x < width; x++, at += step) {
          const cx = column[x];
          data[at] = rowInside && cx >= 0 ? source[sourceRow + cx] * scale + offset : padded;
        }
      }
    }
  });
  const dims: [number, number, number, number] = nchw ? [variants.length, channels, height, width] : [variants.length, height, width, channels];
  return { data, dims, variants, transform };
}

/**
 * Full pre-processing from decoded pixels: intensities per the manifest, resize (stretch or letterbox,
 * recorded in `transform`), normalisation, layout, TTA batch. Pure; allocates only per image.
 */
export function preprocess(pixels: ImagePixels, meta: Pick<ImageMeta, 'windows' | 'voiLut'>, manifest: ModelManifest, options: { variants: TtaVariant[] }): PreparedInput {
  const transform = inputTransform(pixels.widthPx, pixels.heightPx, manifest.input);
  const content = modelIntensities(pixels, meta, manifest, transform);
  return toInputTensor(content, transform, manifest, options.variants);
}
