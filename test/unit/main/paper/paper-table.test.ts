import { describe, expect, it } from 'vitest';
import { paperRow, paperTable1 } from '../../../../src-main/services/paper/paper-numbers';
import { formatDuration, formatMetrics, formatPaperTable, type VariantResult } from '../../../../src-main/services/paper/paper-table';
import { lossLabel, paperVariants, scaledEpochs } from '../../../../src-main/services/paper/variants';

describe("the paper's Table 1 as copied", () => {
  it.each([
    ['U-Net 1 (dropout)', 'BCE', 0.0635, 10, 4260],
    ['U-Net 2 (batch norm)', 'BCE+Jaccard+Dice', 0.1925, 10, 25200],
    ['LinkNet (EfficientNet-B3)', 'BCE+Jaccard+Dice', 0.3528, 40, 13080],
    ['U-Net 4 (BCE+Jaccard, best)', 'BCE+Jaccard', 0.1792, 100, 3300],
  ])('%s: loss %s %f, %i epochs, %i s', (model, lossName, valLoss, epochs, seconds) => {
    const row = paperRow(model);
    expect(row).toMatchObject({ lossName, valLoss, epochs, trainingS: seconds });
  });

  it('keeps the best model best: U-Net 4 has the highest val IoU among rows reporting IoU', () => {
    const withIou = paperTable1.filter((r) => r.val.iou !== undefined && r.framework === 'TensorFlow');
    const best = withIou.reduce((a, b) => ((a.val.iou ?? 0) >= (b.val.iou ?? 0) ? a : b));
    expect(best.model).toBe('U-Net 4 (BCE+Jaccard, best)');
  });

  it('every variant points at a row of the table', () => {
    for (const variant of paperVariants) expect(() => paperRow(variant.paperModel)).not.toThrow();
    expect(() => paperRow('no such model')).toThrow(/no row/);
  });
});

describe('formatting', () => {
  it.each([
    [42, '42 s'],
    [55 * 60, '55 min'],
    [3600, '1 h'],
    [4260, '1 h 11 min'],
    [-1, 'n/a'],
  ])('duration %f s -> %s', (seconds, text) => expect(formatDuration(seconds)).toBe(text));

  it('writes percentages with two decimals, only for the metrics asked and present', () => {
    expect(formatMetrics({ accuracy: 0.9751, iou: 0.5 }, ['accuracy'])).toBe('acc 97.51%');
    expect(formatMetrics({ iou: 0.9101, f1: 0.95294 }, ['iou', 'f1'])).toBe('IoU 91.01%, F1 95.29%');
    expect(formatMetrics({}, ['iou'])).toBe('n/a');
  });

  it.each([
    [['bce'], 'BCE'],
    [['bce', 'jaccard', 'dice'], 'BCE+Jaccard+Dice'],
  ] as const)('loss label %j -> %s', (terms, label) => expect(lossLabel(terms)).toBe(label));

  it.each([
    [10, 0.05, 1],
    [100, 0.05, 5],
    [40, 1, 40],
  ])('%i paper epochs x %f -> %i', (paperEpochs, scale, epochs) => {
    expect(scaledEpochs({ ...paperVariants[0], paperEpochs }, scale)).toBe(epochs);
  });

  it("puts the paper's row and ours one under the other for each variant", () => {
    const variant = paperVariants[3];
    const metrics = { accuracy: 0.98, iou: 0.9, dice: 0.947, f1: 0.947 };
    const result: VariantResult = { variant, train: metrics, val: { ...metrics, iou: 0.88 }, valLoss: 0.2, trainingS: 125, epochs: 5 };
    const lines = formatPaperTable([result]).split('\n');
    expect(lines).toHaveLength(4);
    expect(lines[0]).toBe('| model | source | train metrics | val metrics | val loss | time, epochs |');
    expect(lines[2]).toBe('| U-Net 4 (BCE+Jaccard, best) | paper (TensorFlow) | IoU 91.01%, F1 95.29% | IoU 88.94%, F1 94.14% | BCE+Jaccard 0.1792 | 55 min, 100 |');
    expect(lines[3]).toBe('| unet-bce-jaccard | Pleura (TF.js) | IoU 90.00%, F1 94.70%, Dice 94.70% | IoU 88.00%, F1 94.70%, Dice 94.70% | BCE+Jaccard 0.2000 | 2 min, 5 |');
  });
});

describe('choosing variants', () => {
  it('runs all four in the paper order by default and a named subset on request', async () => {
    const { selectVariants } = await import('../../../../src-main/services/paper/run-paper');
    expect(selectVariants().map((v) => v.paperModel)).toEqual([
      'U-Net 1 (dropout)', 'U-Net 2 (batch norm)', 'LinkNet (EfficientNet-B3)', 'U-Net 4 (BCE+Jaccard, best)',
    ]);
    expect(selectVariants(['linknet', 'unet-bce-jaccard']).map((v) => v.id)).toEqual(['linknet', 'unet-bce-jaccard']);
    expect(() => selectVariants(['resnet'])).toThrow(/Unknown variant resnet/);
  });
});
