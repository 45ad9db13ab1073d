import sharp from 'sharp';

/** A grey picture with its size (8-bit, row-major). */
export interface GreyPicture {
  widthPx: number;
  heightPx: number;
  data: Uint8Array;
}

/** Options of {@link writeSideBySide}. */
export interface SideBySideOptions {
  /** Panels are scaled so that their height is at most this (keeps the report small). Default 256. */
  maxPanelHeightPx?: number;
  /** White gap between panels in pixels. Default 4. */
  gapPx?: number;
}

// Overlay colours (RGB). Difference panel: missed lung blue, extra lung red, agreement kept grey.
const lungColour = [64, 200, 64] as const;
const missedColour = [40, 110, 255] as const;
const extraColour = [255, 50, 50] as const;

function blend(out: Uint8Array, offset: number, grey: number, colour: readonly number[], alpha: number): void {
  for (let c = 0; c < 3; c++) out[offset + c] = Math.round(grey * (1 - alpha) + colour[c] * alpha);
}

/**
 * Renders four panels at the image's size, left to right: the image, the reference mask over it, the
 * prediction over it, and their difference (blue: reference lung the prediction missed, red: predicted
 * lung outside the reference). Masks: nonzero = lung, same size as the image. Returns RGB bytes.
 */
export function renderSideBySide(image: GreyPicture, reference: Uint8Array, prediction: Uint8Array, gapPx = 4): { widthPx: number; heightPx: number; rgb: Uint8Array } {
  const { widthPx, heightPx, data } = image;
  const pixels = widthPx * heightPx;
  if (reference.length !== pixels || prediction.length !== pixels) {
    throw new RangeError(`masks must have ${pixels} pixels (got ${reference.length} and ${prediction.length})`);
  }
  const totalWidthPx = 4 * widthPx + 3 * gapPx;
  const rgb = new Uint8Array(totalWidthPx * heightPx * 3).fill(255);
  for (let y = 0; y < heightPx; y++) {
    for (let x = 0; x < widthPx; x++) {
      const i = y * widthPx + x;
      const grey = data[i];
      const ref = reference[i] !== 0;
      const pred = prediction[i] !== 0;
      const panel = (k: number) => (y * totalWidthPx + k * (widthPx + gapPx) + x) * 3;
      blend(rgb, panel(0), grey, [0, 0, 0], 0);
      blend(rgb, panel(1), grey, lungColour, ref ? 0.45 : 0);
      blend(rgb, panel(2), grey, lungColour, pred ? 0.45 : 0);
      if (ref && !pred) blend(rgb, panel(3), grey, missedColour, 0.7);
      else if (pred && !ref) blend(rgb, panel(3), grey, extraColour, 0.7);
      else blend(rgb, panel(3), grey, [0, 0, 0], 0);
    }
  }
  return { widthPx: totalWidthPx, heightPx, rgb };
}

/** Writes {@link renderSideBySide}'s picture as a PNG file (scaled down to `maxPanelHeightPx`). */
export async function writeSideBySide(
  path: string,
  image: GreyPicture,
  reference: Uint8Array,
  prediction: Uint8Array,
  options: SideBySideOptions = {},
): Promise<void> {
  const maxHeightPx = options.maxPanelHeightPx ?? 256;
  const scale = Math.min(1, maxHeightPx / image.heightPx);
  const picture = renderSideBySide(image, reference, prediction, Math.round((options.gapPx ?? 4) / scale));
  let pipeline = sharp(picture.rgb, { raw: { width: picture.widthPx, height: picture.heightPx, channels: 3 } });
  if (scale < 1) pipeline = pipeline.resize(Math.round(picture.widthPx * scale), Math.round(picture.heightPx * scale), { kernel: 'lanczos3' });
  // A 256-colour palette keeps a report of ten pictures to about 1 MB; overlays need no more colours.
  await pipeline.png({ compressionLevel: 9, palette: true, quality: 90 }).toFile(path);
}
