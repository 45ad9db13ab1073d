import type { PaperMetrics } from './paper-numbers';

/** The loss terms the paper combines (summed with weight 1 each, as in the paper). */
export type PaperLossTerm = 'bce' | 'jaccard' | 'dice';

/** One of the paper's networks as Pleura re-trains it. */
export interface PaperVariant {
  /** Short id for the command line (`--only`). */
  id: string;
  /** The Table 1 row it reproduces (see paper-numbers.ts). */
  paperModel: string;
  architecture: 'unet' | 'unet-bn' | 'linknet';
  /** Dropout inside the plain U-Net's blocks (the paper's model 1 and 4). */
  dropout: number;
  loss: PaperLossTerm[];
  /** Epochs the paper trained for; `pleura paper` runs round(epochs x scale), at least 1. */
  paperEpochs: number;
  /** Which metrics the paper reports for the row, so ours are shown the same way. */
  reported: (keyof PaperMetrics)[];
  /** What differs from the paper's network beyond data and size, said in the output. */
  note?: string;
}

/**
 * The four variants the issue asks for, in the paper's order. The paper's U-Net 3 (ImageNet-pretrained
 * EfficientNet-B3 encoder) is left out: Pleura has no pretrained encoders, and LinkNet stands for the
 * encoder-decoder family. Filter counts are scaled down (see `pleura paper --base-filters`).
 */
export const paperVariants: readonly PaperVariant[] = [
  {
    id: 'unet-dropout-bce',
    paperModel: 'U-Net 1 (dropout)',
    architecture: 'unet',
    dropout: 0.1,
    loss: ['bce'],
    paperEpochs: 10,
    reported: ['accuracy'],
  },
  {
    id: 'unet-bn-bce-jaccard-dice',
    paperModel: 'U-Net 2 (batch norm)',
    architecture: 'unet-bn',
    dropout: 0,
    loss: ['bce', 'jaccard', 'dice'],
    paperEpochs: 10,
    reported: ['accuracy', 'iou', 'dice'],
  },
  {
    id: 'linknet',
    paperModel: 'LinkNet (EfficientNet-B3)',
    architecture: 'linknet',
    dropout: 0,
    loss: ['bce', 'jaccard', 'dice'],
    paperEpochs: 40,
    reported: ['iou', 'f1'],
    note: 'ResNet-style encoder trained from scratch, not an ImageNet EfficientNet-B3',
  },
  {
    id: 'unet-bce-jaccard',
    paperModel: 'U-Net 4 (BCE+Jaccard, best)',
    architecture: 'unet',
    dropout: 0.1,
    loss: ['bce', 'jaccard'],
    paperEpochs: 100,
    reported: ['iou', 'f1'],
  },
];

/** Epochs a variant runs at `scale` (the paper's epochs x scale, rounded, at least one). */
export function scaledEpochs(variant: PaperVariant, scale: number): number {
  return Math.max(1, Math.round(variant.paperEpochs * scale));
}

/** The loss name as the paper writes it ("BCE+Jaccard+Dice"). */
export function lossLabel(terms: readonly PaperLossTerm[]): string {
  const names: Record<PaperLossTerm, string> = { bce: 'BCE', jaccard: 'Jaccard', dice: 'Dice' };
  return terms.map((t) => names[t]).join('+');
}
