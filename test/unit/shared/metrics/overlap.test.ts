import { describe, expect, it } from 'vitest';
import { accuracy, confusion, dice, f1, iou, lungMetrics, meanMetrics, precision, recall, segmentationMetrics, shareInsideLabel } from '../../../../src-shared/metrics/overlap';
import { parseMask } from '../../../helpers/ascii-mask';

describe('confusion and overlap metrics', () => {
  // pred has 4 foreground pixels, ref 3; they share 2.
  const pred = parseMask('##..\n##..').data;
  const ref = parseMask('.#..\n.##.').data;

  it('counts a hand-computed case', () => {
    expect(confusion(pred, ref)).toEqual({ tp: 2, fp: 2, fn: 1, tn: 3 });
  });

  it('derives each metric from the counts', () => {
    const c = confusion(pred, ref);
    expect(dice(c)).toBeCloseTo(4 / 7, 12);
    expect(iou(c)).toBeCloseTo(2 / 5, 12);
    expect(precision(c)).toBeCloseTo(2 / 4, 12);
    expect(recall(c)).toBeCloseTo(2 / 3, 12);
    expect(accuracy(c)).toBeCloseTo(5 / 8, 12);
    expect(f1(c)).toBeCloseTo((2 * 0.5 * (2 / 3)) / (0.5 + 2 / 3), 12);
  });

  it('compares one label when asked', () => {
    const p = parseMask('1122\n1122').data;
    const r = parseMask('1222\n1112').data;
    expect(confusion(p, r, { label: 1 })).toEqual({ tp: 3, fp: 1, fn: 1, tn: 3 });
    expect(confusion(p, r, { label: 2 })).toEqual({ tp: 3, fp: 1, fn: 1, tn: 3 });
    expect(confusion(p, r)).toEqual({ tp: 8, fp: 0, fn: 0, tn: 0 });
    const perLung = lungMetrics(p, r);
    expect(perLung.right.dice).toBeCloseTo(6 / 8, 12);
    expect(perLung.left.dice).toBeCloseTo(6 / 8, 12);
    expect(perLung.lungs.dice).toBe(1);
  });

  it.each([
    { name: 'both empty', pred: '....', ref: '....', expected: { dice: 1, iou: 1, precision: 1, recall: 1, accuracy: 1, f1: 1 } },
    { name: 'prediction empty', pred: '....', ref: '.#..', expected: { dice: 0, iou: 0, precision: 0, recall: 0, accuracy: 0.75, f1: 0 } },
    { name: 'reference empty', pred: '.#..', ref: '....', expected: { dice: 0, iou: 0, precision: 0, recall: 0, accuracy: 0.75, f1: 0 } },
    { name: 'identical', pred: '.##.', ref: '.##.', expected: { dice: 1, iou: 1, precision: 1, recall: 1, accuracy: 1, f1: 1 } },
  ])('empty-mask convention: $name', ({ pred: p, ref: r, expected }) => {
    expect(segmentationMetrics(parseMask(p).data, parseMask(r).data)).toEqual(expected);
  });

  it('averages field by field', () => {
    const a = { dice: 1, iou: 1, precision: 1, recall: 0.5, accuracy: 1, f1: 1 };
    const b = { dice: 0, iou: 0.5, precision: 0, recall: 0.5, accuracy: 0, f1: 0 };
    expect(meanMetrics([a, b])).toEqual({ dice: 0.5, iou: 0.75, precision: 0.5, recall: 0.5, accuracy: 0.5, f1: 0.5 });
    expect(Number.isNaN(meanMetrics([]).dice)).toBe(true);
  });

  it('rejects masks of different sizes', () => {
    expect(() => confusion(new Uint8Array(3), new Uint8Array(4))).toThrow(RangeError);
  });
});

describe('shareInsideLabel', () => {
  it('is the share of mask pixels on the given label, 0 for an empty mask', () => {
    const labels = Uint8Array.from([0, 3, 3, 1, 2, 3]);
    expect(shareInsideLabel(Uint8Array.from([1, 1, 0, 1, 0, 0]), labels, 3)).toBeCloseTo(1 / 3, 12);
    expect(shareInsideLabel(new Uint8Array(6), labels, 3)).toBe(0);
    expect(() => shareInsideLabel(new Uint8Array(5), labels, 3)).toThrow(RangeError);
  });
});
