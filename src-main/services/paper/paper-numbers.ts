/**
 * The paper's Table 1 (Belozerov & Sudakov, KIAM preprint 37, 2022, doi:10.20948/prepr-2022-37, CC BY 4.0),
 * copied here so `pleura paper` can print it without the research notes at run time. Percentages are
 * stored as fractions (97.51 % -> 0.9751); `undefined` means the paper does not report that figure.
 */

/** Metrics as the paper reports them for one subset (train or validation). */
export interface PaperMetrics {
  accuracy?: number;
  iou?: number;
  dice?: number;
  f1?: number;
}

/** One row of the paper's Table 1. */
export interface PaperRow {
  /** The row's label in the paper. */
  model: string;
  framework: string;
  train: PaperMetrics;
  val: PaperMetrics;
  /** The loss the paper names for the validation loss figure. */
  lossName: string;
  valLoss: number;
  /** Wall-clock training time the paper reports, in seconds. */
  trainingS: number;
  epochs: number;
}

const hour = 3600;
const minute = 60;

/** Table 1 of the paper, in its order. */
export const paperTable1: readonly PaperRow[] = [
  {
    model: 'U-Net 1 (dropout)',
    framework: 'TensorFlow',
    train: { accuracy: 0.9751 },
    val: { accuracy: 0.977 },
    lossName: 'BCE',
    valLoss: 0.0635,
    trainingS: 1 * hour + 11 * minute,
    epochs: 10,
  },
  {
    model: 'U-Net 2 (batch norm)',
    framework: 'PyTorch',
    train: { accuracy: 0.9827, iou: 0.9272, dice: 0.9621 },
    val: { accuracy: 0.9804, iou: 0.9215, dice: 0.9589 },
    lossName: 'BCE+Jaccard+Dice',
    valLoss: 0.1925,
    trainingS: 7 * hour,
    epochs: 10,
  },
  {
    model: 'U-Net 3 (EfficientNet-B3)',
    framework: 'TensorFlow',
    train: { iou: 0.904, f1: 0.9478 },
    val: { iou: 0.8502, f1: 0.9177 },
    lossName: 'BCE+Jaccard+Dice',
    valLoss: 0.3927,
    trainingS: 3 * hour + 38 * minute,
    epochs: 40,
  },
  {
    model: 'LinkNet (EfficientNet-B3)',
    framework: 'TensorFlow',
    train: { iou: 0.913, f1: 0.9527 },
    val: { iou: 0.8704, f1: 0.9305 },
    lossName: 'BCE+Jaccard+Dice',
    valLoss: 0.3528,
    trainingS: 3 * hour + 38 * minute,
    epochs: 40,
  },
  {
    model: 'U-Net 4 (BCE+Jaccard, best)',
    framework: 'TensorFlow',
    train: { iou: 0.9101, f1: 0.9529 },
    val: { iou: 0.8894, f1: 0.9414 },
    lossName: 'BCE+Jaccard',
    valLoss: 0.1792,
    trainingS: 55 * minute,
    epochs: 100,
  },
];

/** Finds a paper row by its label; throws if the table has no such row (a programming error). */
export function paperRow(model: string): PaperRow {
  const row = paperTable1.find((r) => r.model === model);
  if (!row) throw new Error(`the paper's Table 1 has no row '${model}'`);
  return row;
}
