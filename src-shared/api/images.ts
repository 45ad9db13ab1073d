import { z } from 'zod';

/** Where a mm/pixel figure comes from; shown to the user next to every measurement. */
export type SpacingSource =
  | 'pixel-spacing'            // PixelSpacing (0028,0030): calibrated to the patient, or unspecified
  | 'pixel-spacing-calibrated' // PixelSpacing with PixelSpacingCalibrationType (0028,0A02) given
  | 'imager-corrected'         // ImagerPixelSpacing divided by Estimated Radiographic Magnification Factor
  | 'imager'                   // ImagerPixelSpacing (0018,1164): detector plane, uncalibrated
  | 'user'                     // set by the user for a raster image
  | 'none';

/** Physical pixel size. `rowMm` is the distance between rows (vertical), `colMm` between columns. */
export interface PixelSpacing {
  rowMm: number;
  colMm: number;
  source: SpacingSource;
  /** Human label, e.g. "detector plane, uncalibrated". */
  label: string;
}

/** A window (VOI) preset in modality-LUT units. */
export interface WindowPreset {
  center: number;
  width: number;
  name: string;
  /** DICOM VOI LUT Function: LINEAR, LINEAR_EXACT or SIGMOID. */
  fn?: 'LINEAR' | 'LINEAR_EXACT' | 'SIGMOID';
  /** Computed from the pixels (automatic percentile window, full range) rather than read from the file. */
  source?: 'auto' | 'full-range';
}

/** Everything the viewer and the metadata panel need about an image. */
export interface ImageMeta {
  imageId: string;
  kind: 'dicom' | 'raster';
  widthPx: number;
  heightPx: number;
  frames: number;
  /** MONOCHROME1, MONOCHROME2, RGB, ... ; raster images report MONOCHROME2 or RGB. */
  photometric: string;
  bitsStored: number;
  transferSyntax?: string;
  modality?: string;
  viewPosition?: string;
  patient?: { name?: string; id?: string; sex?: string; birthDate?: string; age?: string };
  study?: { date?: string; description?: string; institution?: string; accession?: string };
  series?: { description?: string; bodyPart?: string };
  spacing: PixelSpacing | null;
  /** Patient Orientation (0020,0020) and Image Orientation (Patient) (0020,0037), when the file has them. */
  orientation?: { patientOrientation?: [string, string]; imageOrientation?: number[] };
  windows: WindowPreset[];
  /** Display LUT from a VOI LUT Sequence, if the file has one (input first value, bits, table). */
  voiLut?: { firstValue: number; bits: number; table: number[] } | null;
}

/**
 * Pixel values after the modality LUT (rescale or Modality LUT Sequence), row-major.
 * Grey images have one channel; RGB has three, interleaved. Values are kept at full depth for
 * windowing and for the model; `invert` is true for MONOCHROME1 (displayed inverted).
 */
export interface ImagePixels {
  widthPx: number;
  heightPx: number;
  channels: 1 | 3;
  data: Float32Array | Int32Array | Uint16Array | Int16Array | Uint8Array;
  min: number;
  max: number;
  invert: boolean;
}

/**
 * A small rendering of a film for lists: the viewer's default display (window, VOI LUT, MONOCHROME1
 * inverted) as 8-bit grey, area-averaged so that its longer side is at most the size asked for. Row-major.
 */
export interface Thumbnail {
  widthPx: number;
  heightPx: number;
  data: Uint8Array;
}

/**
 * The preview size the viewer asks for (`images.preview`); the inference service predicts from the same one.
 * The first paint, shown until the full film arrives (a few hundred ms): a 2048x2500 16-bit film's preview
 * at 640 px is 0.67 MB on the wire (at 1024 px it was 1.7 MB, ~35 ms more in Chromium's WebSocket receive
 * alone), and a JPEG 2000 film of that size gives its 512x625 level either way.
 */
export const PREVIEW_MAX_SIDE_PX = 640;

/** Image decoding and metadata. */
export interface ImagesApi {
  meta(imageId: string): Promise<ImageMeta>;
  pixels(imageId: string, options: { frame?: number }): Promise<ImagePixels>;
  /**
   * The first frame at a reduced size, for the viewer's first paint: longer side at most `maxSidePx`. A
   * JPEG 2000 film is decoded at a lower resolution level (a fraction of its full decode's time, and
   * before it), any other film area-averaged from its full decode; a film small enough is given as it is.
   * Modality values like `pixels`' (min and max those of the preview); the film's own size is in `meta`.
   */
  preview(imageId: string, options: { maxSidePx: number }): Promise<ImagePixels>;
  /** Sets a user spacing (mm/pixel) for an image that has none (raster images). */
  setSpacing(imageId: string, spacingMm: number | null): Promise<ImageMeta>;
  /** A thumbnail of the first frame, longer side at most `maxSidePx` (16..256); never larger than the film. */
  thumbnail(imageId: string, options: { maxSidePx: number }): Promise<Thumbnail>;
}

export const imagesSchemas = {
  meta: z.tuple([z.string().min(1)]),
  pixels: z.tuple([z.string().min(1), z.object({ frame: z.number().int().nonnegative().optional() })]),
  preview: z.tuple([z.string().min(1), z.object({ maxSidePx: z.number().int().min(64).max(4096) })]),
  setSpacing: z.tuple([z.string().min(1), z.number().positive().max(10).nullable()]),
  thumbnail: z.tuple([z.string().min(1), z.object({ maxSidePx: z.number().int().min(16).max(256) })]),
};
