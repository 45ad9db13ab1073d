/**
 * DICOM PS3.3 C.11.2.1.2 linear VOI function, to 8 bits: values below the window are black, above
 * white, and in between a straight ramp.
 */
export function windowToByte(value: number, center: number, width: number): number {
  if (width <= 1) return value < center - 0.5 ? 0 : 255;
  const low = center - 0.5 - (width - 1) / 2;
  const high = center - 0.5 + (width - 1) / 2;
  if (value <= low) return 0;
  if (value > high) return 255;
  return Math.round(((value - (center - 0.5)) / (width - 1) + 0.5) * 255);
}
