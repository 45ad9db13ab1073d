import { describe, expect, it } from 'vitest';
import { byteCounts, countLabels } from '../../../../src-shared/mask/counts';
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

describe('byteCounts', () => {
  /** Runs of labels (as masks are) with every byte value sprinkled in, so every path of the word loop is taken. */
  function runsWithNoise(length: number, seed: number): Uint8Array {
    const data = new Uint8Array(length);
    let state = seed;
    const next = () => (state = (state * 1103515245 + 12345) >>> 0) / 2 ** 32;
    for (let i = 0; i < length; ) {
      const run = 1 + Math.floor(next() * 40);
      const value = next() < 0.05 ? Math.floor(next() * 256) : Math.floor(next() * 3);
      data.fill(value, i, Math.min(length, i + run));
      i += run;
    }
    return data;
  }

  it.each([0, 1, 2, 3])('equals counting byte by byte, views at byte offset %i of odd lengths', (offset) => {
    for (const length of [0, 1, 3, 4, 5, 1001, 65_539]) {
      const backing = runsWithNoise(length + offset + 3, length + offset);
      const data = backing.subarray(offset, offset + length);
      const expected = new Float64Array(256);
      for (const v of data) expected[v]++;
      expect(byteCounts(data)).toEqual(expected);
    }
  });
});
