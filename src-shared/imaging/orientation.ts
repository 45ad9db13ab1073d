/**
 * Orientation markers from DICOM: which patient direction each edge of the displayed image faces.
 * Letters are DICOM's: L/R (patient's left/right), A/P (anterior/posterior), H/F (head/feet).
 */

/** What the file says about orientation (all optional; raster images have none). */
export interface OrientationSource {
  /** Patient Orientation (0020,0020): the direction of the rows (left to right) and of the columns (top to bottom), e.g. ['L', 'F']. */
  patientOrientation?: [string, string];
  /** Image Orientation (Patient) (0020,0037): row and column direction cosines in the patient's LPS frame. */
  imageOrientation?: number[];
}

/** The patient direction at each edge of the image, or null when the file does not say. */
export interface OrientationMarkers {
  left: string;
  right: string;
  top: string;
  bottom: string;
}

const opposites: Record<string, string> = { L: 'R', R: 'L', A: 'P', P: 'A', H: 'F', F: 'H' };

/** The opposite direction of a (possibly oblique, e.g. "LF") direction; null for unknown letters. */
export function oppositeDirection(direction: string): string | null {
  const letters = [...direction.toUpperCase()];
  if (letters.length === 0 || !letters.every((letter) => letter in opposites)) return null;
  return letters.map((letter) => opposites[letter]).join('');
}

/** Letters for a direction cosine vector in LPS: the components above 0.25 in size, largest first. */
export function directionLetters(vector: readonly number[]): string | null {
  if (vector.length !== 3 || !vector.every(Number.isFinite)) return null;
  const axes = [['L', 'R'], ['P', 'A'], ['H', 'F']] as const;
  const parts = vector
    .map((value, axis) => ({ size: Math.abs(value), letter: value > 0 ? axes[axis][0] : axes[axis][1] }))
    .filter((part) => part.size > 0.25)
    .sort((a, b) => b.size - a.size);
  return parts.length > 0 ? parts.map((part) => part.letter).join('') : null;
}

/**
 * The markers for the four edges: from Patient Orientation when present, else from Image Orientation
 * (Patient). Null when neither is usable: the viewer then says "orientation unknown" instead of guessing
 * R/L from a convention, because a film flipped at the modality would be labelled wrongly.
 */
export function orientationMarkers(source: OrientationSource | undefined): OrientationMarkers | null {
  if (!source) return null;
  let right: string | null = null;
  let bottom: string | null = null;
  if (source.patientOrientation) {
    right = source.patientOrientation[0]?.trim().toUpperCase() || null;
    bottom = source.patientOrientation[1]?.trim().toUpperCase() || null;
  }
  if ((!right || !bottom) && source.imageOrientation && source.imageOrientation.length === 6) {
    right = directionLetters(source.imageOrientation.slice(0, 3));
    bottom = directionLetters(source.imageOrientation.slice(3, 6));
  }
  const left = right ? oppositeDirection(right) : null;
  const top = bottom ? oppositeDirection(bottom) : null;
  if (!right || !bottom || !left || !top) return null;
  return { left, right, top, bottom };
}

/**
 * A scale bar for the view: the longest "round" length (1, 2, 5 x 10^k mm) whose on-screen length is at
 * most `maxScreenPx`, with that length in screen pixels. Null without a spacing.
 */
export function scaleBar(colMm: number | null | undefined, screenPxPerImagePx: number, maxScreenPx = 160): { lengthMm: number; screenPx: number } | null {
  if (!colMm || !(colMm > 0) || !(screenPxPerImagePx > 0)) return null;
  const mmPerScreenPx = colMm / screenPxPerImagePx;
  const maxMm = maxScreenPx * mmPerScreenPx;
  const power = 10 ** Math.floor(Math.log10(maxMm));
  const lengthMm = [5, 2, 1].map((step) => step * power).find((mm) => mm <= maxMm) ?? power;
  return { lengthMm, screenPx: lengthMm / mmPerScreenPx };
}
