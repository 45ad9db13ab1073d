import type { PixelSpacing } from '../../../src-shared/api';

/** The brush a film opens with: 10 mm across, about a rib's height, where the spacing is known. */
export const defaultBrushDiameterMm = 10;
/** Without a spacing: this share of the film's shorter side (10 mm of a 35 cm film is ~3 %). */
export const defaultBrushShareOfFilm = 0.03;
export const maxBrushRadiusPx = 500;

/**
 * The brush radius in image pixels a film opens with until the user picks a size: the same physical
 * size on every film (a 0.14 mm detector and a 0.7 mm scan get the same 10 mm brush), else a share of
 * the film, so a 3000-pixel film does not get a brush that is a dot at "fit" zoom.
 */
export function defaultBrushRadiusPx(size: { widthPx: number; heightPx: number }, spacing: Pick<PixelSpacing, 'rowMm' | 'colMm'> | null): number {
  const diameterPx = spacing && spacing.colMm > 0 && spacing.rowMm > 0
    ? defaultBrushDiameterMm / ((spacing.colMm + spacing.rowMm) / 2)
    : defaultBrushShareOfFilm * Math.min(size.widthPx, size.heightPx);
  return Math.min(maxBrushRadiusPx, Math.max(2, Math.round(diameterPx / 2)));
}
