import { describe, expect, it } from 'vitest';
import { selfAgreement } from '../../../../src-renderer/src/composables/useMeasurements';
import { lungMeasurements } from '../../../../src-shared/metrics/measurements';
import { lungMetrics } from '../../../../src-shared/metrics/overlap';

describe('a mask against itself', () => {
  it('agrees with its prediction as lungMetrics says, from its label counts alone', () => {
    const masks = [
      Uint8Array.from({ length: 64 }, (_, i) => (i % 8 < 3 ? 1 : i % 8 > 5 ? 2 : 0)),
      Uint8Array.from({ length: 64 }, (_, i) => (i < 10 ? 1 : 0)), // one lung only
      new Uint8Array(64), // no lung at all
    ];
    for (const mask of masks) {
      const areas = lungMeasurements(mask, 8, 8, null);
      expect(selfAgreement(areas, mask.length)).toEqual(lungMetrics(mask, mask.slice()));
    }
  });
});
