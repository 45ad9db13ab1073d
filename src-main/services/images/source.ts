/**
 * Where the images service gets image bytes and user spacing from. The project store registers one
 * under {@link IMAGE_SOURCE_KEY} in `ctx.services` when a project is open.
 */
export interface ImageSource {
  /** The stored bytes of an image and its original file name (for messages and format hints). */
  readImageBytes(imageId: string): Promise<{ bytes: Uint8Array; name: string }>;
  /** The spacing (mm per pixel, square) the user set for an image without one, or null. */
  getUserSpacingMm(imageId: string): Promise<number | null>;
  setUserSpacingMm(imageId: string, spacingMm: number | null): Promise<void>;
}

/** Key of the open project's {@link ImageSource} in `AppContext.services`. */
export const IMAGE_SOURCE_KEY = 'project.imageSource';

/**
 * Reads of one image close together share one read of the file: opening a film asks for its bytes three
 * or four times within a few milliseconds (metadata, preview, prediction, pixels), and each read of a
 * 5 MB film was ~10 calls back to the main thread and 5 MB more for the garbage collector. A read is
 * kept for `keepMs` after it finished (the last `keep` images); every caller gets its own copy, since
 * callers hand their bytes on (a decode worker takes them). A failed read is not kept.
 */
export function sharedImageReads(read: (imageId: string) => Promise<Uint8Array>, options: { keepMs?: number; keep?: number } = {}): (imageId: string) => Promise<Uint8Array> {
  const keepMs = options.keepMs ?? 2000;
  const keep = options.keep ?? 2;
  const reads = new Map<string, { bytes: Promise<Uint8Array>; doneAt: number | null }>();
  return async (imageId) => {
    const now = Date.now();
    for (const [id, entry] of reads) if (entry.doneAt !== null && now - entry.doneAt > keepMs) reads.delete(id);
    let entry = reads.get(imageId);
    if (!entry) {
      const made: { bytes: Promise<Uint8Array>; doneAt: number | null } = { bytes: read(imageId), doneAt: null };
      entry = made;
      reads.set(imageId, made);
      made.bytes.then(() => (made.doneAt = Date.now()), () => reads.get(imageId) === made && reads.delete(imageId));
      while (reads.size > keep) reads.delete(reads.keys().next().value as string);
    }
    return (await entry.bytes).slice();
  };
}
