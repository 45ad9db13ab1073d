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
