import { paperRow, type PaperMetrics } from './paper-numbers';
import { lossLabel, type PaperVariant } from './variants';

/** What Pleura measured for one variant (fractions 0..1, seconds). */
export interface VariantResult {
  variant: PaperVariant;
  train: Required<PaperMetrics>;
  val: Required<PaperMetrics>;
  /** Validation loss with the variant's own loss (same definition as the paper's). */
  valLoss: number;
  trainingS: number;
  epochs: number;
}

/** How the run was set up, printed above the table so the numbers can be read in context. */
export interface PaperRunSetup {
  dataName: string;
  trainImages: number;
  valImages: number;
  inputPx: number;
  baseFilters: number;
  epochsScale: number;
  backend: string;
}

const metricLabels: Record<keyof PaperMetrics, string> = { accuracy: 'acc', iou: 'IoU', dice: 'Dice', f1: 'F1' };

/** "acc 97.51%, IoU 92.72%" for the metrics a row reports (paper style: percent, two decimals). */
export function formatMetrics(metrics: PaperMetrics, keys: readonly (keyof PaperMetrics)[]): string {
  const parts: string[] = [];
  for (const key of keys) {
    const value = metrics[key];
    if (value !== undefined) parts.push(`${metricLabels[key]} ${(value * 100).toFixed(2)}%`);
  }
  return parts.length > 0 ? parts.join(', ') : 'n/a';
}

/** "1 h 11 min", "55 min", "42 s": the paper's way of writing training time. */
export function formatDuration(seconds: number): string {
  if (!Number.isFinite(seconds) || seconds < 0) return 'n/a';
  if (seconds < 60) return `${Math.round(seconds)} s`;
  const totalMinutes = Math.round(seconds / 60);
  const hours = Math.floor(totalMinutes / 60);
  const minutes = totalMinutes % 60;
  if (hours === 0) return `${minutes} min`;
  return minutes === 0 ? `${hours} h` : `${hours} h ${minutes} min`;
}

function markdownRow(cells: string[]): string {
  return `| ${cells.map((c) => c.replace(/\|/g, '\\|')).join(' | ')} |`;
}

/**
 * The paper's Table 1 layout (model | train metrics | val metrics | val loss | time, epochs) with, for
 * each variant, the paper's row and Pleura's row one under the other. Ours shows every metric the paper
 * shows for that row, plus IoU and Dice everywhere, so all rows can be compared with each other.
 */
export function formatPaperTable(results: readonly VariantResult[]): string {
  const lines = [
    markdownRow(['model', 'source', 'train metrics', 'val metrics', 'val loss', 'time, epochs']),
    markdownRow(['---', '---', '---', '---', '---', '---']),
  ];
  for (const result of results) {
    const paper = paperRow(result.variant.paperModel);
    const keys = result.variant.reported;
    lines.push(
      markdownRow([
        paper.model,
        `paper (${paper.framework})`,
        formatMetrics(paper.train, keys),
        formatMetrics(paper.val, keys),
        `${paper.lossName} ${paper.valLoss.toFixed(4)}`,
        `${formatDuration(paper.trainingS)}, ${paper.epochs}`,
      ]),
    );
    const ours = Array.from(new Set<keyof PaperMetrics>([...keys, 'iou', 'dice']));
    const name = result.variant.note ? `${result.variant.id} (${result.variant.note})` : result.variant.id;
    lines.push(
      markdownRow([
        name,
        'Pleura (TF.js)',
        formatMetrics(result.train, ours),
        formatMetrics(result.val, ours),
        `${lossLabel(result.variant.loss)} ${result.valLoss.toFixed(4)}`,
        `${formatDuration(result.trainingS)}, ${result.epochs}`,
      ]),
    );
  }
  return lines.join('\n');
}

/** The words printed around the table: different data, same procedure, and what was scaled down. */
export function formatPaperPreamble(setup: PaperRunSetup): string {
  return [
    `Different data, same procedure: the paper trained on Montgomery + Shenzhen (704 pairs, 256-512 px);`,
    `this run used ${setup.dataName} (${setup.trainImages} train / ${setup.valImages} val images) at ${setup.inputPx} px,`,
    `base filters ${setup.baseFilters} (paper: 64), the paper's epochs x ${setup.epochsScale}, on ${setup.backend}.`,
    `Metrics at the network's input size, from the last epoch as the paper reports it: train = mean over the`,
    `epoch's augmented batches (pixels pooled per batch, as Keras does), val = mean per image.`,
    `Times are not comparable across machines; the paper does not name its hardware.`,
  ].join('\n');
}
