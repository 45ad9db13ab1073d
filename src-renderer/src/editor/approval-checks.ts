import type { LabelMask } from '../../../src-shared/api';

/** Below this Dice with the model's prediction, approving asks first (the mask differs sharply). */
export const approvalDiceWarning = 0.8;

/** One reason to look again before approving: an i18n key under `editor.` and its params. */
export interface ApprovalWarning {
  key: 'warnEmptyRight' | 'warnEmptyLeft' | 'warnDiffers';
  params: Record<string, string | number>;
}

/** Dice of the lung (any label > 0) of two masks of one size; 1 when both are empty. */
export function lungDice(a: Uint8Array, b: Uint8Array): number {
  let both = 0;
  let sum = 0;
  for (let i = 0; i < a.length; i++) {
    const inA = a[i] > 0 ? 1 : 0;
    const inB = b[i] > 0 ? 1 : 0;
    both += inA & inB;
    sum += inA + inB;
  }
  return sum === 0 ? 1 : (2 * both) / sum;
}

/**
 * What to warn about before approving (never a block): a lung with no pixels, or a mask whose Dice with
 * the model's prediction is below {@link approvalDiceWarning}.
 */
export function approvalWarnings(mask: LabelMask, prediction: LabelMask | null): ApprovalWarning[] {
  const counts = [0, 0, 0];
  for (let i = 0; i < mask.data.length; i++) counts[mask.data[i]]++;
  const warnings: ApprovalWarning[] = [];
  if (counts[1] === 0) warnings.push({ key: 'warnEmptyRight', params: {} });
  if (counts[2] === 0) warnings.push({ key: 'warnEmptyLeft', params: {} });
  if (prediction && prediction.data.length === mask.data.length) {
    const dice = lungDice(mask.data, prediction.data);
    if (dice < approvalDiceWarning) warnings.push({ key: 'warnDiffers', params: { dice: dice.toFixed(2) } });
  }
  return warnings;
}
