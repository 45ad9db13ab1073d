import type { PixelSpacing, SpacingSource } from '../api/images';

/** The spacing attributes of a projection image, as read from the file (all optional). */
export interface SpacingAttributes {
  /** Pixel Spacing (0028,0030): [row spacing, column spacing] in mm. */
  pixelSpacingMm?: [number, number];
  /** Imager Pixel Spacing (0018,1164): spacing at the detector front plane, [row, column] in mm. */
  imagerPixelSpacingMm?: [number, number];
  /** Estimated Radiographic Magnification Factor (0018,1114). */
  magnificationFactor?: number;
  /** Pixel Spacing Calibration Type (0028,0A02), e.g. GEOMETRY or FIDUCIAL. */
  calibrationType?: string;
  /** Pixel Spacing Calibration Description (0028,0A04). */
  calibrationDescription?: string;
}

/**
 * The user-facing label of each spacing source. Measurements are shown with it, because a distance
 * measured at the detector plane is larger than the same distance in the patient (magnification).
 */
export function spacingLabel(source: SpacingSource, detail?: string): string {
  const base: Record<SpacingSource, string> = {
    'pixel-spacing': 'pixel spacing, calibration not stated',
    'pixel-spacing-calibrated': 'calibrated to the patient',
    'imager-corrected': 'detector plane, corrected for magnification',
    imager: 'detector plane, uncalibrated',
    user: 'set by the user',
    none: 'no spacing: measurements in pixels',
  };
  return detail ? `${base[source]} (${detail})` : base[source];
}

function valid(pair: [number, number] | undefined): pair is [number, number] {
  return !!pair && pair.length === 2 && pair.every((v) => Number.isFinite(v) && v > 0);
}

function samePair(a: [number, number], b: [number, number]): boolean {
  return Math.abs(a[0] - b[0]) <= 1e-6 * Math.max(1, a[0]) && Math.abs(a[1] - b[1]) <= 1e-6 * Math.max(1, a[1]);
}

function format(value: number): string {
  return String(Math.round(value * 10000) / 10000);
}

/**
 * Chooses the physical pixel size of a projection X-ray, following PS3.3 C.8.11.7 and CP-586:
 * 1. Pixel Spacing with a Calibration Type, or Pixel Spacing that differs from Imager Pixel Spacing,
 *    has been calibrated to the patient: use it.
 * 2. Otherwise Imager Pixel Spacing (detector plane), divided by the Estimated Radiographic
 *    Magnification Factor when one is given (and not 1).
 * 3. Otherwise Pixel Spacing alone (its calibration is not stated).
 * Returns null when the file gives no usable spacing (values missing, zero or negative).
 */
export function selectSpacing(attributes: SpacingAttributes): PixelSpacing | null {
  const { pixelSpacingMm, imagerPixelSpacingMm, magnificationFactor, calibrationType } = attributes;
  const hasPixel = valid(pixelSpacingMm);
  const hasImager = valid(imagerPixelSpacingMm);
  if (hasPixel && (calibrationType || (hasImager && !samePair(pixelSpacingMm, imagerPixelSpacingMm)))) {
    const detail = calibrationType ? calibrationType.toLowerCase() : 'differs from the detector spacing';
    return { rowMm: pixelSpacingMm[0], colMm: pixelSpacingMm[1], source: 'pixel-spacing-calibrated', label: spacingLabel('pixel-spacing-calibrated', detail) };
  }
  if (hasImager) {
    const factor = magnificationFactor;
    if (factor !== undefined && Number.isFinite(factor) && factor > 0 && Math.abs(factor - 1) > 1e-9) {
      return {
        rowMm: imagerPixelSpacingMm[0] / factor,
        colMm: imagerPixelSpacingMm[1] / factor,
        source: 'imager-corrected',
        label: spacingLabel('imager-corrected', `factor ${format(factor)}`),
      };
    }
    return { rowMm: imagerPixelSpacingMm[0], colMm: imagerPixelSpacingMm[1], source: 'imager', label: spacingLabel('imager') };
  }
  if (hasPixel) {
    return { rowMm: pixelSpacingMm[0], colMm: pixelSpacingMm[1], source: 'pixel-spacing', label: spacingLabel('pixel-spacing') };
  }
  return null;
}

/** The spacing a user typed for an image without one (square pixels, mm per pixel). */
export function userSpacing(spacingMm: number): PixelSpacing {
  return { rowMm: spacingMm, colMm: spacingMm, source: 'user', label: spacingLabel('user') };
}
