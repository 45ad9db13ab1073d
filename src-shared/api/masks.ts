import { z } from 'zod';

/**
 * A label mask at the image's full size, row-major, one byte a pixel.
 * Label 0 is background, 1 the patient's right lung, 2 the patient's left lung.
 */
export interface LabelMask {
  widthPx: number;
  heightPx: number;
  data: Uint8Array;
}

/** Where a mask revision came from. */
export type RevisionSource =
  | { kind: 'model'; modelId: string; modelVersion: string }
  | { kind: 'user'; user: string }
  | { kind: 'reference'; file: string };

/** One immutable saved mask. Revisions are never overwritten; a save makes a new one. */
export interface MaskRevision {
  id: string;
  imageId: string;
  createdAt: string;
  source: RevisionSource;
  parentId: string | null;
  /** Pixels per label (index = label). */
  labelCounts: number[];
}

/** Mask revisions of project images. */
export interface MasksApi {
  revisions(imageId: string): Promise<MaskRevision[]>;
  /** The given revision, or the latest when `revisionId` is omitted; null when the image has none. */
  load(imageId: string, options: { revisionId?: string }): Promise<{ revision: MaskRevision; mask: LabelMask } | null>;
  /**
   * Saves a user edit as a new revision. `parentId` is the revision the client shows (null: none); when it
   * is no longer current the save is refused as `conflict` with details.currentRevision, and the client
   * may save again on top of it. Who made it is decided by the server (the app's user). Labels 0..2 only.
   */
  save(imageId: string, mask: LabelMask, options: { parentId: string | null }): Promise<MaskRevision>;
}

const labelMask = z.object({ widthPx: z.number().int().positive(), heightPx: z.number().int().positive(), data: z.instanceof(Uint8Array) })
  .refine((m) => m.data.length === m.widthPx * m.heightPx, { message: 'mask data length must be widthPx * heightPx' });

export const masksSchemas = {
  revisions: z.tuple([z.string().min(1)]),
  load: z.tuple([z.string().min(1), z.object({ revisionId: z.string().optional() })]),
  save: z.tuple([z.string().min(1), labelMask, z.object({ parentId: z.string().nullable() }).strict()]),
};
