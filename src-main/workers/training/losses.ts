import * as tf from '@tensorflow/tfjs';
import type { LossName } from '../../../src-shared/api/training';

/**
 * Losses as the paper defines them (Belozerov & Sudakov 2022, doi:10.20948/prepr-2022-37), over the whole batch: with I = Σ y·p and
 * S = Σ y + Σ p, Jaccard loss = 1 - I / (S - I + smooth) and Dice loss = 1 - 2I / (S + smooth);
 * BCE is the mean binary cross-entropy with probabilities clipped away from 0 and 1.
 */
export const paperSmooth = 1e-8;

const epsilon = 1e-7;

/** Mean binary cross-entropy of probabilities `p` against 0/1 targets `y`. */
export function bceLoss(y: tf.Tensor, p: tf.Tensor): tf.Scalar {
  return tf.tidy(() => {
    const clipped = tf.clipByValue(p, epsilon, 1 - epsilon);
    const terms = tf.add(tf.mul(y, tf.log(clipped)), tf.mul(tf.sub(1, y), tf.log(tf.sub(1, clipped))));
    return tf.neg(tf.mean(terms)) as tf.Scalar;
  });
}

/** 1 - 2I / (Σy + Σp + smooth). */
export function diceLoss(y: tf.Tensor, p: tf.Tensor, smooth = paperSmooth): tf.Scalar {
  return tf.tidy(() => {
    const intersection = tf.sum(tf.mul(y, p));
    const total = tf.add(tf.sum(y), tf.sum(p));
    return tf.sub(1, tf.div(tf.mul(2, intersection), tf.add(total, smooth))) as tf.Scalar;
  });
}

/** 1 - I / (U + smooth) with the soft union U = Σy + Σp - I. */
export function jaccardLoss(y: tf.Tensor, p: tf.Tensor, smooth = paperSmooth): tf.Scalar {
  return tf.tidy(() => {
    const intersection = tf.sum(tf.mul(y, p));
    const union = tf.sub(tf.add(tf.sum(y), tf.sum(p)), intersection);
    return tf.sub(1, tf.div(intersection, tf.add(union, smooth))) as tf.Scalar;
  });
}

const terms = { bce: bceLoss, dice: diceLoss, jaccard: jaccardLoss } as const;
type TermName = keyof typeof terms;

/** A loss of targets and predicted probabilities, both [batch, h, w, 1]. */
export type LossFunction = (y: tf.Tensor, p: tf.Tensor) => tf.Scalar;

/**
 * Parses a loss name: terms joined by '+', each optionally weighted as `0.5*dice`, e.g. 'bce+jaccard' or
 * 'bce+0.5*dice'. Throws on an unknown term.
 */
export function parseLoss(name: LossName | string): { term: TermName; weight: number }[] {
  return name.split('+').map((part) => {
    const match = /^\s*(?:([0-9]*\.?[0-9]+)\s*\*\s*)?([a-z]+)\s*$/.exec(part);
    if (!match || !(match[2] in terms)) throw new Error(`unknown loss term '${part}' (use bce, dice, jaccard)`);
    return { term: match[2] as TermName, weight: match[1] ? Number(match[1]) : 1 };
  });
}

/** The weighted sum of the named terms. */
export function lossByName(name: LossName | string): LossFunction {
  const parts = parseLoss(name);
  return (y, p) =>
    tf.tidy(() => parts.map(({ term, weight }) => tf.mul(terms[term](y, p), weight)).reduce((a, b) => tf.add(a, b)) as tf.Scalar);
}

/** Pixel metrics of thresholded predictions (0.5) over a batch, as plain numbers. */
export interface BatchMetrics {
  dice: number;
  iou: number;
  precision: number;
  recall: number;
  accuracy: number;
}

/** Confusion counts of `p > 0.5` against `y` on the batch, reduced on the backend. */
export function batchMetrics(y: tf.Tensor, p: tf.Tensor): BatchMetrics {
  const [tp, predicted, actual, total] = tf.tidy(() => {
    const hard = tf.cast(tf.greater(p, 0.5), 'float32');
    return [tf.sum(tf.mul(hard, y)), tf.sum(hard), tf.sum(y), tf.scalar(y.size)];
  });
  const values = [tp, predicted, actual, total].map((t) => t.dataSync()[0]);
  tf.dispose([tp, predicted, actual, total]);
  return metricsFromCounts({ tp: values[0], fp: values[1] - values[0], fn: values[2] - values[0], total: values[3] });
}

/** Metrics from counts, with the empty-mask convention of src-shared/metrics (both empty: 1). */
export function metricsFromCounts(c: { tp: number; fp: number; fn: number; total: number }): BatchMetrics {
  const ratio = (n: number, d: number) => (d === 0 ? (c.tp + c.fp + c.fn === 0 ? 1 : 0) : n / d);
  return {
    dice: ratio(2 * c.tp, 2 * c.tp + c.fp + c.fn),
    iou: ratio(c.tp, c.tp + c.fp + c.fn),
    precision: ratio(c.tp, c.tp + c.fp),
    recall: ratio(c.tp, c.tp + c.fn),
    accuracy: c.total === 0 ? 1 : (c.total - c.fp - c.fn) / c.total,
  };
}
