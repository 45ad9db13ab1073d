import type { UncertaintyMap } from '../api/inference';
import type { LabelMask } from '../api/masks';
import { fillHoles, keepLargestComponents, splitLeftRight } from '../mask';
import type { ModelManifest } from './manifest';
import type { InputTransform } from './preprocess';
import { variantColumn, type TtaVariant } from './tta';
import { uncertaintyFromProbability } from './uncertainty';

/** A model output tensor as ONNX Runtime returns it. */
export interface OutputTensor {
  data: Float32Array;
  /** Rank 4 ([N, C, H, W] or [N, H, W, C] per `output.layout`) or rank 3 ([N, H, W], one class). */
  dims: readonly number[];
}

/** What post-processing gives back. */
export interface PostprocessResult {
  /** Full-resolution labels: 0 background, 1 patient's right lung, 2 patient's left lung. */
  mask: LabelMask;
  /** Entropy of the TTA-mean probability, 0..255, at content size (see uncertaintyFromProbability). */
  uncertainty: UncertaintyMap;
  /** Image score in 0..1 used to rank the review queue (higher: review first). */
  uncertaintyScore: number;
}

function outputGeometry(output: OutputTensor, manifest: ModelManifest): { items: number; channels: number; height: number; width: number; channelsLast: boolean } {
  const dims = output.dims;
  if (dims.length === 3) return { items: dims[0], channels: 1, height: dims[1], width: dims[2], channelsLast: false };
  if (dims.length !== 4) throw new RangeError(`model output has rank ${dims.length}; expected 3 or 4`);
  return manifest.output.layout === 'NHWC'
    ? { items: dims[0], channels: dims[3], height: dims[1], width: dims[2], channelsLast: true }
    : { items: dims[0], channels: dims[1], height: dims[2], width: dims[3], channelsLast: false };
}

/**
 * The lung probability at input size, averaged over the TTA variants (each mirrored back first).
 * One class: sigmoid of a logit, or the probability as given. Several classes: softmax of logits across
 * channels (probabilities as given); lung = 1 - p(class named "background") when there is one, else the
 * largest class probability (e.g. separate right / left lung channels).
 * @throws RangeError when the output's batch or size does not match the variants and the input size.
 */
export function meanLungProbability(output: OutputTensor, manifest: ModelManifest, variants: TtaVariant[]): Float32Array {
  const { items, channels, height, width, channelsLast } = outputGeometry(output, manifest);
  if (items !== variants.length) throw new RangeError(`model output has batch ${items}; ${variants.length} variants were run`);
  if (width !== manifest.input.widthPx || height !== manifest.input.heightPx) {
    throw new RangeError(`model output is ${width}x${height}; the manifest's input is ${manifest.input.widthPx}x${manifest.input.heightPx}`);
  }
  const logits = manifest.output.kind === 'logit';
  const background = manifest.output.classes.findIndex((name) => name.toLowerCase() === 'background');
  const plane = width * height;
  const itemSize = plane * channels;
  const channelStep = channelsLast ? 1 : plane;
  const pixelStep = channelsLast ? channels : 1;
  const mean = new Float32Array(plane);
  const weight = 1 / variants.length;
  const data = output.data;
  variants.forEach((variant, item) => {
    const base = item * itemSize;
    for (let y = 0; y < height; y++) {
      for (let x = 0; x < width; x++) {
        const at = base + (y * width + x) * pixelStep;
        let p: number;
        if (channels === 1) {
          p = logits ? 1 / (1 + Math.exp(-data[at])) : data[at];
        } else {
          let max = -Infinity;
          for (let c = 0; c < channels; c++) max = Math.max(max, data[at + c * channelStep]);
          let total = 0;
          if (logits) for (let c = 0; c < channels; c++) total += Math.exp(data[at + c * channelStep] - max);
          const probabilityOf = (c: number): number => (logits ? Math.exp(data[at + c * channelStep] - max) / total : data[at + c * channelStep]);
          p = background >= 0 ? 1 - probabilityOf(background) : probabilityOf(argMax(data, at, channelStep, channels));
        }
        mean[y * width + variantColumn(variant, x, width)] += p * weight;
      }
    }
  });
  return mean;
}

function argMax(data: Float32Array, at: number, step: number, channels: number): number {
  let best = 0;
  for (let c = 1; c < channels; c++) if (data[at + c * step] > data[at + best * step]) best = c;
  return best;
}

/**
 * The cleaned lung labels at input size: threshold inside the content area, keep the largest components,
 * fill holes, split into right (1) and left (2) lungs, as the manifest's `postprocess` says. Deciding the
 * topology here, on the network's own grid, costs a few hundred microseconds instead of tens of
 * milliseconds on a 3000x3000 film, and the full-resolution boundary still comes from the probabilities
 * (see {@link upsampleLabels}).
 */
export function lowResolutionLabels(meanProbability: Float32Array, transform: InputTransform, manifest: ModelManifest): Uint8Array {
  const { inputWidthPx: width, inputHeightPx: height, contentX, contentY, contentWidthPx, contentHeightPx } = transform;
  const threshold = manifest.output.threshold;
  let binary: Uint8Array = new Uint8Array(width * height);
  for (let y = contentY; y < contentY + contentHeightPx; y++) {
    for (let x = contentX; x < contentX + contentWidthPx; x++) if (meanProbability[y * width + x] > threshold) binary[y * width + x] = 1;
  }
  const steps = manifest.postprocess;
  if (steps.keepLargestComponents > 0) binary = keepLargestComponents(binary, width, height, steps.keepLargestComponents);
  if (steps.fillHoles) binary = fillHoles(binary, width, height);
  return steps.splitLeftRight ? splitLeftRight(binary, width, height) : binary;
}

/** How far past the threshold kept (or filled) low-resolution pixels are pushed so they survive interpolation. */
const KEEP_MARGIN = 0.02;

/**
 * The full-resolution label mask: the probability map is resized bilinearly to the source size (through
 * the inverse of the letterbox) and thresholded there, so edges are smooth at full resolution rather than
 * blocky; before that, pixels removed by {@link lowResolutionLabels} (small blobs) are set to 0 and kept
 * pixels (holes filled) to at least the threshold, so the full-resolution mask follows the cleaned topology.
 * Each foreground pixel takes the label of the nearest labelled of its four interpolation neighbours.
 * No per-pixel allocation; interior and background cells cost one test each.
 */
export function upsampleLabels(meanProbability: Float32Array, lowLabels: Uint8Array, transform: InputTransform, options: { threshold: number }): LabelMask {
  const { inputWidthPx: width, contentX, contentY, contentWidthPx, contentHeightPx, sourceWidthPx, sourceHeightPx } = transform;
  const threshold = options.threshold;
  const cleaned = new Float32Array(meanProbability.length);
  for (let i = 0; i < cleaned.length; i++) {
    const p = meanProbability[i];
    cleaned[i] = lowLabels[i] !== 0 ? Math.max(p, threshold + KEEP_MARGIN) : p > threshold ? 0 : p;
  }
  const cols = interpolationGroups(sourceWidthPx, contentWidthPx, contentX);
  const rows = interpolationGroups(sourceHeightPx, contentHeightPx, contentY);
  const data = new Uint8Array(sourceWidthPx * sourceHeightPx);
  // Work on the cells of the network grid (the output pixels between four network pixels): a cell whose
  // four corners are all background is skipped, one whose corners are all the same lung is filled, and
  // only cells on an edge are interpolated pixel by pixel. The cells of a grid row are sorted once; then
  // each output row fills its runs of same-lung cells with one TypedArray.fill each, and interpolates
  // only its edge cells. A 2000 px film from a 128 px grid is ~16 k cells, a few % on edges.
  const cellKind = new Uint8Array(cols.count); // 0 background, 1 filled with cellLabel, 2 edge
  const cellLabel = new Uint8Array(cols.count);
  for (let r = 0; r < rows.count; r++) {
    const row0 = rows.low[r] * width;
    const row1 = rows.high[r] * width;
    let edges = 0;
    let filled = 0;
    for (let c = 0; c < cols.count; c++) {
      const x0 = cols.low[c];
      const x1 = cols.high[c];
      const c00 = cleaned[row0 + x0];
      const c01 = cleaned[row0 + x1];
      const c10 = cleaned[row1 + x0];
      const c11 = cleaned[row1 + x1];
      const l00 = lowLabels[row0 + x0];
      if (c00 <= threshold && c01 <= threshold && c10 <= threshold && c11 <= threshold) cellKind[c] = 0;
      else if (c00 > threshold && c01 > threshold && c10 > threshold && c11 > threshold && l00 === lowLabels[row0 + x1] && l00 === lowLabels[row1 + x0] && l00 === lowLabels[row1 + x1]) {
        cellKind[c] = 1;
        cellLabel[c] = l00;
        filled++;
      } else {
        cellKind[c] = 2;
        edges++;
      }
    }
    if (edges === 0 && filled === 0) continue;
    for (let y = rows.start[r]; y < rows.end[r]; y++) {
      const line = y * sourceWidthPx;
      const fy = rows.fraction[y];
      const near = fy < 0.5 ? row0 : row1;
      const far = fy < 0.5 ? row1 : row0;
      for (let c = 0; c < cols.count; c++) {
        const kind = cellKind[c];
        if (kind === 0) continue;
        if (kind === 1) {
          // a run of filled cells of the same lung: one fill
          const label = cellLabel[c];
          const from = cols.start[c];
          while (c + 1 < cols.count && cellKind[c + 1] === 1 && cellLabel[c + 1] === label) c++;
          data.fill(label, line + from, line + cols.end[c]);
          continue;
        }
        const x0 = cols.low[c];
        const x1 = cols.high[c];
        const c00 = cleaned[row0 + x0];
        const c01 = cleaned[row0 + x1];
        const c10 = cleaned[row1 + x0];
        const c11 = cleaned[row1 + x1];
        for (let x = cols.start[c]; x < cols.end[c]; x++) {
          const fx = cols.fraction[x];
          const top = c00 + (c01 - c00) * fx;
          const bottom = c10 + (c11 - c10) * fx;
          if (top + (bottom - top) * fy <= threshold) continue;
          const nearX = fx < 0.5 ? x0 : x1;
          const farX = fx < 0.5 ? x1 : x0;
          data[line + x] = lowLabels[near + nearX] || lowLabels[near + farX] || lowLabels[far + nearX] || lowLabels[far + farX];
        }
      }
    }
  }
  return { widthPx: sourceWidthPx, heightPx: sourceHeightPx, data };
}

/**
 * Output pixels along one axis grouped by the two network pixels they interpolate between (pixel-centre
 * alignment, clamped at the edges): group k covers outputs start[k]..end[k]-1 between network indices
 * low[k] and high[k] (offset by the letterbox); fraction[i] is output i's weight of `high`.
 */
function interpolationGroups(outputPx: number, contentPx: number, offset: number): { count: number; start: Int32Array; end: Int32Array; low: Int32Array; high: Int32Array; fraction: Float64Array } {
  const start = new Int32Array(contentPx + 1);
  const end = new Int32Array(contentPx + 1);
  const low = new Int32Array(contentPx + 1);
  const high = new Int32Array(contentPx + 1);
  const fraction = new Float64Array(outputPx);
  const scale = contentPx / outputPx;
  let count = 0;
  for (let i = 0; i < outputPx; i++) {
    const position = Math.min(contentPx - 1, Math.max(0, (i + 0.5) * scale - 0.5));
    const floor = Math.floor(position);
    const a = offset + floor;
    const b = offset + Math.min(contentPx - 1, floor + 1);
    fraction[i] = position - floor;
    if (count > 0 && low[count - 1] === a && high[count - 1] === b) {
      end[count - 1] = i + 1;
      continue;
    }
    start[count] = i;
    end[count] = i + 1;
    low[count] = a;
    high[count] = b;
    count++;
  }
  return { count, start, end, low, high, fraction };
}

/**
 * Full post-processing of one image's network output: TTA mean (unflipped), uncertainty map and score,
 * threshold and clean-up on the network grid, bilinear resize of the probabilities to full resolution and
 * threshold there, labels 1 (patient's right) / 2 (patient's left). Pure.
 * @throws RangeError when the output does not fit the manifest (see {@link meanLungProbability}).
 */
export function postprocess(output: OutputTensor, manifest: ModelManifest, prepared: { variants: TtaVariant[]; transform: InputTransform }): PostprocessResult {
  const mean = meanLungProbability(output, manifest, prepared.variants);
  const lowLabels = lowResolutionLabels(mean, prepared.transform, manifest);
  const { map, score } = uncertaintyFromProbability(mean, prepared.transform, lowLabels);
  const mask = upsampleLabels(mean, lowLabels, prepared.transform, { threshold: manifest.output.threshold });
  return { mask, uncertainty: map, uncertaintyScore: score };
}
