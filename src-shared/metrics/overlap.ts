/**
 * Overlap metrics of a predicted mask against a reference mask of the same size.
 * Convention for empty masks: when a metric's denominator is zero, it is 1 if prediction and reference are
 * both empty (nothing to find and nothing found is a perfect answer) and 0 otherwise. So Dice and IoU of
 * two empty masks are 1, and recall against an empty reference with a non-empty prediction is 0.
 */

/** Pixel counts of true/false positives/negatives. */
export interface Confusion {
  tp: number;
  fp: number;
  fn: number;
  tn: number;
}

/** Options of {@link confusion}. */
export interface ConfusionOptions {
  /** Compare only this label (pixels equal to it are foreground); default: any nonzero value is foreground. */
  label?: number;
}

/** Overlap metrics, each in 0..1. */
export interface SegmentationMetrics {
  dice: number;
  iou: number;
  precision: number;
  recall: number;
  accuracy: number;
  f1: number;
}

/**
 * Counts agreement between `pred` and `ref` pixel by pixel.
 * @throws RangeError when the masks differ in length.
 */
export function confusion(pred: Uint8Array, ref: Uint8Array, options: ConfusionOptions = {}): Confusion {
  if (pred.length !== ref.length) throw new RangeError(`masks differ in size: ${pred.length} and ${ref.length} pixels`);
  let tp = 0;
  let fp = 0;
  let fn = 0;
  const label = options.label;
  for (let i = 0; i < pred.length; i++) {
    const p = label === undefined ? pred[i] !== 0 : pred[i] === label;
    const r = label === undefined ? ref[i] !== 0 : ref[i] === label;
    if (p) {
      if (r) tp++;
      else fp++;
    } else if (r) fn++;
  }
  return { tp, fp, fn, tn: pred.length - tp - fp - fn };
}

function bothEmpty(c: Confusion): boolean {
  return c.tp === 0 && c.fp === 0 && c.fn === 0;
}

function ratio(numerator: number, denominator: number, c: Confusion): number {
  if (denominator === 0) return bothEmpty(c) ? 1 : 0;
  return numerator / denominator;
}

/** Dice = 2·TP / (2·TP + FP + FN). Both empty: 1. */
export function dice(c: Confusion): number {
  return ratio(2 * c.tp, 2 * c.tp + c.fp + c.fn, c);
}

/** Intersection over union (Jaccard) = TP / (TP + FP + FN). Both empty: 1. */
export function iou(c: Confusion): number {
  return ratio(c.tp, c.tp + c.fp + c.fn, c);
}

/** Precision = TP / (TP + FP). No predicted foreground: 1 if the reference is empty too, else 0. */
export function precision(c: Confusion): number {
  return ratio(c.tp, c.tp + c.fp, c);
}

/** Recall (sensitivity) = TP / (TP + FN). Empty reference: 1 if the prediction is empty too, else 0. */
export function recall(c: Confusion): number {
  return ratio(c.tp, c.tp + c.fn, c);
}

/** Pixel accuracy = (TP + TN) / all pixels. No pixels at all: 1. */
export function accuracy(c: Confusion): number {
  const all = c.tp + c.fp + c.fn + c.tn;
  return all === 0 ? 1 : (c.tp + c.tn) / all;
}

/** F1 = harmonic mean of precision and recall; for pixel masks it equals Dice (same empty convention). */
export function f1(c: Confusion): number {
  return dice(c);
}

/** All overlap metrics of `pred` against `ref` (see {@link confusion} for `options.label`). */
export function segmentationMetrics(pred: Uint8Array, ref: Uint8Array, options: ConfusionOptions = {}): SegmentationMetrics {
  const c = confusion(pred, ref, options);
  return { dice: dice(c), iou: iou(c), precision: precision(c), recall: recall(c), accuracy: accuracy(c), f1: f1(c) };
}

/** Metrics per lung and for both lungs together (any nonzero label as foreground). */
export interface LungMetrics {
  right: SegmentationMetrics;
  left: SegmentationMetrics;
  lungs: SegmentationMetrics;
}

/** Overlap per lung (label 1 right, 2 left) and of the union of both lungs. */
export function lungMetrics(pred: Uint8Array, ref: Uint8Array): LungMetrics {
  return {
    right: segmentationMetrics(pred, ref, { label: 1 }),
    left: segmentationMetrics(pred, ref, { label: 2 }),
    lungs: segmentationMetrics(pred, ref),
  };
}

/** Field-by-field mean of a list of metrics (e.g. over a validation set). An empty list gives NaN fields. */
export function meanMetrics(list: readonly SegmentationMetrics[]): SegmentationMetrics {
  const sum: SegmentationMetrics = { dice: 0, iou: 0, precision: 0, recall: 0, accuracy: 0, f1: 0 };
  const keys = Object.keys(sum) as (keyof SegmentationMetrics)[];
  for (const item of list) for (const key of keys) sum[key] += item[key];
  for (const key of keys) sum[key] /= list.length;
  return sum;
}

/**
 * The convention metric: the share (0..1) of the nonzero pixels of `mask` that fall where `labels` equals
 * `label`, e.g. how much of a predicted lung lies inside a reference heart outline (an adult-convention
 * model should leave the heart out). 0 for an empty mask. Both arrays row-major, same length.
 * @throws RangeError when the lengths differ.
 */
export function shareInsideLabel(mask: Uint8Array, labels: Uint8Array, label: number): number {
  if (mask.length !== labels.length) throw new RangeError(`mask has ${mask.length} pixels, labels ${labels.length}`);
  let inMask = 0;
  let inside = 0;
  for (let i = 0; i < mask.length; i++) {
    if (mask[i] === 0) continue;
    inMask++;
    if (labels[i] === label) inside++;
  }
  return inMask === 0 ? 0 : inside / inMask;
}
