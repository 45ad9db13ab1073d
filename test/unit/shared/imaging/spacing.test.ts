import { describe, expect, it } from 'vitest';
import { selectSpacing, spacingLabel, userSpacing, type SpacingAttributes } from '../../../../src-shared/imaging/spacing';

describe('selectSpacing', () => {
  const cases: [string, SpacingAttributes, { rowMm: number; colMm: number; source: string } | null][] = [
    ['nothing', {}, null],
    ['zero pixel spacing (RG1 files store 0.000)', { pixelSpacingMm: [0, 0] }, null],
    ['PixelSpacing alone', { pixelSpacingMm: [0.2, 0.3] }, { rowMm: 0.2, colMm: 0.3, source: 'pixel-spacing' }],
    ['ImagerPixelSpacing alone', { imagerPixelSpacingMm: [0.4, 0.4] }, { rowMm: 0.4, colMm: 0.4, source: 'imager' }],
    ['PS equal to IPS is the detector spacing', { pixelSpacingMm: [0.16, 0.16], imagerPixelSpacingMm: [0.16, 0.16] }, { rowMm: 0.16, colMm: 0.16, source: 'imager' }],
    ['PS different from IPS was calibrated', { pixelSpacingMm: [0.14, 0.14], imagerPixelSpacingMm: [0.16, 0.16] }, { rowMm: 0.14, colMm: 0.14, source: 'pixel-spacing-calibrated' }],
    ['calibration type given', { pixelSpacingMm: [0.16, 0.16], imagerPixelSpacingMm: [0.16, 0.16], calibrationType: 'GEOMETRY' }, { rowMm: 0.16, colMm: 0.16, source: 'pixel-spacing-calibrated' }],
    ['IPS with magnification factor', { imagerPixelSpacingMm: [0.2, 0.22], magnificationFactor: 1.1 }, { rowMm: 0.2 / 1.1, colMm: 0.22 / 1.1, source: 'imager-corrected' }],
    ['PS = IPS with magnification factor', { pixelSpacingMm: [0.2, 0.2], imagerPixelSpacingMm: [0.2, 0.2], magnificationFactor: 1.25 }, { rowMm: 0.16, colMm: 0.16, source: 'imager-corrected' }],
    ['factor 1 changes nothing', { imagerPixelSpacingMm: [0.2, 0.2], magnificationFactor: 1 }, { rowMm: 0.2, colMm: 0.2, source: 'imager' }],
  ];

  it.each(cases)('%s', (_name, attributes, expected) => {
    const spacing = selectSpacing(attributes);
    if (expected === null) {
      expect(spacing).toBeNull();
      return;
    }
    expect(spacing?.source).toBe(expected.source);
    expect(spacing?.rowMm).toBeCloseTo(expected.rowMm, 12);
    expect(spacing?.colMm).toBeCloseTo(expected.colMm, 12);
    expect(spacing?.label).toContain(spacingLabel(spacing!.source));
  });

  it('labels detector-plane spacing as uncalibrated and names the calibration type', () => {
    expect(selectSpacing({ imagerPixelSpacingMm: [0.1, 0.1] })?.label).toBe('detector plane, uncalibrated');
    expect(selectSpacing({ pixelSpacingMm: [0.1, 0.1], calibrationType: 'FIDUCIAL' })?.label).toContain('fiducial');
    expect(userSpacing(0.15)).toEqual({ rowMm: 0.15, colMm: 0.15, source: 'user', label: 'set by the user' });
  });
});
