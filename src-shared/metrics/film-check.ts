/**
 * Is this a frontal chest film, and does the mask look like two lungs? The model only knows frontal
 * chest X-rays; on a hip film it still draws "lungs". These checks flag such films for the user (they
 * are never refused): DICOM Body Part Examined / View Position when present, and the mask's shape
 * (share of the film, both lungs present, each on its own side, in the chest's height band) and the
 * model's own uncertainty when not.
 */

/** One reason a film looks out of place; `value` is what was measured or read. */
export type FilmFlag =
  | { code: 'body-part'; value: string }
  | { code: 'view'; value: string }
  | { code: 'area'; value: number }
  | { code: 'one-lung'; value: number }
  | { code: 'sides'; value: number }
  | { code: 'position'; value: number }
  | { code: 'uncertainty'; value: number };

/** Body parts a chest model is for (DICOM Body Part Examined, CS, upper case). */
const chestBodyParts = new Set(['CHEST', 'THORAX', 'LUNG', 'LUNGS', 'BREAST_CHEST', 'TSPINE_CHEST']);
/** View Position values of lateral and decubitus films (the model is for PA/AP). */
const nonFrontalViews = new Set(['LL', 'RL', 'LAT', 'LATERAL', 'LLD', 'RLD', 'LLO', 'RLO', 'OBLIQUE']);
/** Both lungs together cover about 15-45 % of a frontal chest film; outside this band is suspicious. */
export const lungShareBand = { min: 0.08, max: 0.6 } as const;
/** Per-image uncertainty (0..1, see src-shared/ml/uncertainty.ts) above which the model is guessing. */
export const uncertaintyFlagAt = 0.5;

/** What the checks read; everything is optional (a raster film has no DICOM attributes). */
export interface FilmCheckInput {
  bodyPart?: string | null;
  viewPosition?: string | null;
  /** Labels (1 patient's right lung, 2 left), row-major. */
  mask?: { widthPx: number; heightPx: number; data: Uint8Array } | null;
  uncertainty?: number | null;
}

interface LabelStats {
  count: number;
  sumX: number;
  sumY: number;
}

function labelStats(mask: NonNullable<FilmCheckInput['mask']>): [LabelStats, LabelStats] {
  const stats: [LabelStats, LabelStats] = [{ count: 0, sumX: 0, sumY: 0 }, { count: 0, sumX: 0, sumY: 0 }];
  const { data, widthPx, heightPx } = mask;
  for (let y = 0; y < heightPx; y++) {
    const row = y * widthPx;
    for (let x = 0; x < widthPx; x++) {
      const label = data[row + x];
      if (label !== 1 && label !== 2) continue;
      const s = stats[label - 1];
      s.count++;
      s.sumX += x;
      s.sumY += y;
    }
  }
  return stats;
}

/**
 * The flags of one film; an empty list means nothing looks wrong. Shape checks run only on a mask
 * with some lung in it (an empty mask is "not predicted yet", not a finding).
 */
export function checkFilm(input: FilmCheckInput): FilmFlag[] {
  const flags: FilmFlag[] = [];
  const bodyPart = input.bodyPart?.trim().toUpperCase();
  if (bodyPart && !chestBodyParts.has(bodyPart)) flags.push({ code: 'body-part', value: bodyPart });
  const view = input.viewPosition?.trim().toUpperCase();
  if (view && nonFrontalViews.has(view)) flags.push({ code: 'view', value: view });
  const mask = input.mask;
  if (mask && mask.widthPx > 0 && mask.heightPx > 0) {
    const [right, left] = labelStats(mask);
    const total = right.count + left.count;
    if (total > 0) {
      const share = total / (mask.widthPx * mask.heightPx);
      if (share < lungShareBand.min || share > lungShareBand.max) flags.push({ code: 'area', value: share });
      const smaller = Math.min(right.count, left.count) / total;
      if (smaller < 0.15) flags.push({ code: 'one-lung', value: smaller });
      else {
        // Displayed as usual (patient facing the viewer), the patient's right lung is on the image's left.
        const rightX = right.sumX / right.count / mask.widthPx;
        const leftX = left.sumX / left.count / mask.widthPx;
        if (rightX >= leftX) flags.push({ code: 'sides', value: rightX - leftX });
      }
      const centreY = (right.sumY + left.sumY) / total / mask.heightPx;
      if (centreY < 0.2 || centreY > 0.8) flags.push({ code: 'position', value: centreY });
    }
  }
  if (input.uncertainty !== null && input.uncertainty !== undefined && input.uncertainty >= uncertaintyFlagAt) flags.push({ code: 'uncertainty', value: input.uncertainty });
  return flags;
}
