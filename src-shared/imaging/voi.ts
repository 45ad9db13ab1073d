import type { ImageMeta, ImagePixels } from '../api/images';
import { mapToDisplay, type DisplayOptions } from './window';

/** A VOI LUT (0028,3010) as carried in {@link ImageMeta.voiLut}: first input value, output bits, entries. */
export type VoiLut = NonNullable<ImageMeta['voiLut']>;

/**
 * Output of a VOI LUT for one modality value, as a fraction 0..1 of the LUT's output range
 * (2^bits - 1). Inputs below the first mapped value take the first entry, inputs past the end the last
 * one (PS3.3 C.11.2.1.1).
 */
export function voiLutFraction(value: number, lut: VoiLut): number {
  const table = lut.table;
  if (table.length === 0) return 0;
  const index = Math.min(table.length - 1, Math.max(0, Math.round(value) - lut.firstValue));
  const maxOutput = 2 ** lut.bits - 1;
  return Math.min(1, Math.max(0, table[index] / maxOutput));
}

/**
 * Maps full-depth pixels through a VOI LUT to display bytes (same buffer rules as `applyWindow`:
 * no allocation when `options.out` is given; `invert` for MONOCHROME1).
 */
export function applyVoiLut(pixels: ImagePixels, lut: VoiLut, options: DisplayOptions): Uint8Array {
  return mapToDisplay(pixels, (value) => Math.round(voiLutFraction(value, lut) * 255), options);
}

