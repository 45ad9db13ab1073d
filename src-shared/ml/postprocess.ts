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
 * Works on the cells of the network grid: a cell whose four corners are background stays 0, one whose
 * corners are all the same lung (at least KEEP_MARGIN above the threshold) is filled, and on an edge cell
 * each output row is cut where the interpolated value crosses the threshold (it is linear along a row of
 * a cell, so the lung pixels are one run, split where the nearest corner changes); only the pixel or two at
 * the crossing are interpolated and tested, so the mask is pixel for pixel that of testing every pixel of
 * the edge cells (`top + (bottom - top) * fy > threshold`, float rounding included). Runs that continue
 * each other along an output row are written with one fill. No per-pixel allocation.
 */
export function upsampleLabels(meanProbability: Float32Array, lowLabels: Uint8Array, transform: InputTransform, options: { threshold: number }): LabelMask {
  const { inputWidthPx: width, contentX, contentY, contentWidthPx, contentHeightPx, sourceWidthPx, sourceHeightPx } = transform;
  const threshold = options.threshold;
  const cleaned = new Float32Array(meanProbability.length);
  // per network row, the first and last column not at or below the threshold (none: first > last)
  const firstActive = new Int32Array(transform.inputHeightPx);
  const lastActive = new Int32Array(transform.inputHeightPx);
  for (let y = 0; y < transform.inputHeightPx; y++) {
    let first = width;
    let last = -1;
    for (let x = 0, i = y * width; x < width; x++, i++) {
      const p = meanProbability[i];
      const value = (cleaned[i] = lowLabels[i] !== 0 ? Math.max(p, threshold + KEEP_MARGIN) : p > threshold ? 0 : p);
      if (!(value <= threshold)) {
        if (first === width) first = x;
        last = x;
      }
    }
    firstActive[y] = first;
    lastActive[y] = last;
  }
  const cols = interpolationGroups(sourceWidthPx, contentWidthPx, contentX);
  const rows = interpolationGroups(sourceHeightPx, contentHeightPx, contentY);
  const fraction = cols.fraction;
  // half[c]: the first output column of group c that is nearer its `high` network pixel (fraction >= 0.5;
  // fractions rise along a group, so the columns nearer `low` are a prefix).
  const half = new Int32Array(cols.count);
  for (let c = 0; c < cols.count; c++) {
    let x = cols.start[c];
    while (x < cols.end[c] && fraction[x] < 0.5) x++;
    half[c] = x;
  }
  const data = new Uint8Array(sourceWidthPx * sourceHeightPx);
  // Work on the cells of the network grid (the output pixels between four network pixels). Each grid row's
  // cells are sorted once into a list of items: runs of cells whose four corners are the same lung, and
  // edge cells; background cells are left out. Then each output row of the grid row goes through the list.
  // A 2000 px film from a 128 px grid is ~16 k cells, ~3 % on edges.
  const itemFrom = new Int32Array(cols.count); // fill run: first output column; edge cell: -1 - cell
  const itemTo = new Int32Array(cols.count);
  const itemLabel = new Uint8Array(cols.count);
  // per edge item: its corners c00 c01 c10 c11 and the margin (NaN when a corner is not finite); the labels
  // left and right of `half` for output rows nearer grid row 0, then for rows nearer grid row 1
  const edgeValues = new Float64Array(5 * cols.count);
  const edgeLabels = new Uint8Array(4 * cols.count);
  const perStep = sourceWidthPx / contentWidthPx; // output columns per unit of fraction
  const run = new Int32Array(3); // a row's pending run of one lung: from, to, label
  for (let r = 0; r < rows.count; r++) {
    const row0 = rows.low[r] * width;
    const row1 = rows.high[r] * width;
    // only cells with a corner in the grid rows' active spans can be other than background
    const spanFirst = Math.min(firstActive[rows.low[r]], firstActive[rows.high[r]]);
    const spanLast = Math.max(lastActive[rows.low[r]], lastActive[rows.high[r]]);
    if (spanFirst > spanLast) continue;
    let c = 0;
    while (c < cols.count && cols.high[c] < spanFirst) c++;
    let items = 0;
    for (; c < cols.count && cols.low[c] <= spanLast; c++) {
      const x0 = cols.low[c];
      const x1 = cols.high[c];
      const c00 = cleaned[row0 + x0];
      const c01 = cleaned[row0 + x1];
      const c10 = cleaned[row1 + x0];
      const c11 = cleaned[row1 + x1];
      if (c00 <= threshold && c01 <= threshold && c10 <= threshold && c11 <= threshold) continue;
      const l00 = lowLabels[row0 + x0];
      const l01 = lowLabels[row0 + x1];
      const l10 = lowLabels[row1 + x0];
      const l11 = lowLabels[row1 + x1];
      if (c00 > threshold && c01 > threshold && c10 > threshold && c11 > threshold && l00 === l01 && l00 === l10 && l00 === l11) {
        if (items > 0 && itemFrom[items - 1] >= 0 && itemLabel[items - 1] === l00 && itemTo[items - 1] === cols.start[c]) {
          itemTo[items - 1] = cols.end[c];
        } else {
          itemFrom[items] = cols.start[c];
          itemTo[items] = cols.end[c];
          itemLabel[items++] = l00;
        }
        continue;
      }
      const magnitude = Math.max(Math.abs(c00), Math.abs(c01), Math.abs(c10), Math.abs(c11), Math.abs(threshold));
      edgeValues[5 * items] = c00;
      edgeValues[5 * items + 1] = c01;
      edgeValues[5 * items + 2] = c10;
      edgeValues[5 * items + 3] = c11;
      edgeValues[5 * items + 4] = magnitude < Infinity ? 1e-9 * magnitude + 1e-300 : Number.NaN;
      edgeLabels[4 * items] = l00 || l01 || l10 || l11;
      edgeLabels[4 * items + 1] = l01 || l00 || l11 || l10;
      edgeLabels[4 * items + 2] = l10 || l11 || l00 || l01;
      edgeLabels[4 * items + 3] = l11 || l10 || l01 || l00;
      itemFrom[items++] = -1 - c;
    }
    if (items === 0) continue;
    for (let y = rows.start[r]; y < rows.end[r]; y++) {
      const line = y * sourceWidthPx;
      const fy = rows.fraction[y];
      const nearer = fy < 0.5 ? 0 : 2;
      run[0] = run[1] = run[2] = 0;
      for (let i = 0; i < items; i++) {
        const from = itemFrom[i];
        if (from >= 0) {
          extendRun(run, data, line, from, itemTo[i], itemLabel[i]);
          continue;
        }
        const c = -1 - from;
        const start = cols.start[c];
        const end = cols.end[c];
        const mid = half[c];
        const c00 = edgeValues[5 * i];
        const c01 = edgeValues[5 * i + 1];
        const c10 = edgeValues[5 * i + 2];
        const c11 = edgeValues[5 * i + 3];
        const margin = edgeValues[5 * i + 4];
        const labelLow = edgeLabels[4 * i + nearer];
        const labelHigh = edgeLabels[4 * i + nearer + 1];
        if (margin !== margin) {
          // a NaN or infinite corner: no line to solve, test every pixel
          testEach(data, line, start, end, mid, labelLow, labelHigh, fraction, c00, c01, c10, c11, fy, threshold);
          continue;
        }
        // Along the row the interpolated value is the line a + b * fx. Where the line is further than
        // `margin` from the threshold the exact test cannot disagree with it (both are within ~1e-15 *
        // magnitude of the exact real value); only the columns in between (usually none or one) are tested
        // one by one. Fractions rise along the group, so the line's two sides are a prefix and a suffix.
        const a = c00 + (c10 - c00) * fy;
        const b = c01 - c00 + (c11 - c10 - (c01 - c00)) * fy;
        if (b >= 0) {
          // rising: [start, k) surely background, [k, h) tested, [h, end) surely lung
          const level = threshold - margin;
          let k = start + Math.ceil(((level - a) / b - fraction[start]) * perStep);
          if (!(k > start)) k = start;
          else if (k > end) k = end;
          while (k > start && a + b * fraction[k - 1] >= level) k--;
          while (k < end && !(a + b * fraction[k] >= level)) k++;
          let h = k;
          while (h < end && !(a + b * fraction[h] >= threshold + margin)) h++;
          if (h > k) testEach(data, line, k, h, mid, labelLow, labelHigh, fraction, c00, c01, c10, c11, fy, threshold);
          extendRun(run, data, line, h, Math.max(h, mid), labelLow);
          extendRun(run, data, line, Math.max(h, mid), end, labelHigh);
        } else {
          // falling: [start, k) surely lung, [k, h) tested, [h, end) surely background
          const level = threshold + margin;
          let k = start + Math.ceil(((level - a) / b - fraction[start]) * perStep);
          if (!(k > start)) k = start;
          else if (k > end) k = end;
          while (k > start && a + b * fraction[k - 1] <= level) k--;
          while (k < end && !(a + b * fraction[k] <= level)) k++;
          let h = k;
          while (h < end && !(a + b * fraction[h] <= threshold - margin)) h++;
          extendRun(run, data, line, start, Math.min(k, mid), labelLow);
          extendRun(run, data, line, Math.min(k, mid), k, labelHigh);
          if (h > k) testEach(data, line, k, h, mid, labelLow, labelHigh, fraction, c00, c01, c10, c11, fy, threshold);
        }
      }
      fillRun(data, line, run);
    }
  }
  return { widthPx: sourceWidthPx, heightPx: sourceHeightPx, data };
}

/**
 * The exact per-pixel test on output columns [from, to) of one row of a cell (interpolate along x on both
 * grid rows, then along y; above the threshold: lung), labelling `low` before column `mid` and `high` from it on.
 */
function testEach(data: Uint8Array, line: number, from: number, to: number, mid: number, low: number, high: number, fraction: Float64Array, c00: number, c01: number, c10: number, c11: number, fy: number, threshold: number): void {
  for (let x = from; x < to; x++) {
    const fx = fraction[x];
    const top = c00 + (c01 - c00) * fx;
    const bottom = c10 + (c11 - c10) * fx;
    if (top + (bottom - top) * fy <= threshold) continue;
    data[line + x] = x < mid ? low : high;
  }
}

/**
 * Adds output columns [from, to) of a row, lung `label`, to the pending run `run` (from, to, label) when
 * they continue it, else writes the pending run and starts a new one. Label 0 (background) is not written.
 */
function extendRun(run: Int32Array, data: Uint8Array, line: number, from: number, to: number, label: number): void {
  if (from >= to || label === 0) return;
  if (from === run[1] && label === run[2]) {
    run[1] = to;
    return;
  }
  fillRun(data, line, run);
  run[0] = from;
  run[1] = to;
  run[2] = label;
}

/** Writes the pending run (from, to, label) of a row: short runs byte by byte, longer ones with one fill. */
function fillRun(data: Uint8Array, line: number, run: Int32Array): void {
  const from = line + run[0];
  const to = line + run[1];
  const label = run[2];
  if (to - from < 16) for (let x = from; x < to; x++) data[x] = label;
  else data.fill(label, from, to);
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
