import { describe, expect, it } from 'vitest';
import { countLabels } from '../../../../src-shared/mask/counts';
import { parseMask } from '../../../helpers/ascii-mask';

describe('countLabels', () => {
  it.each([
    { text: '..12\n.112', labels: 3, expected: [3, 3, 2] },
    { text: '....', labels: 3, expected: [4, 0, 0] },
    { text: '1.5', labels: 2, expected: [1, 1] },
    { text: '1.5', labels: 6, expected: [1, 1, 0, 0, 0, 1] },
  ])('counts $text with $labels labels', ({ text, labels, expected }) => {
    expect(countLabels(parseMask(text).data, labels)).toEqual(expected);
  });
});
