import type { Api } from '../../../src-shared/api';
import type { ImageMeta } from '../../../src-shared/api/images';
import { PleuraError } from '../../../src-shared/api/result';
import { say } from '../../../src-shared/api/text';
import { userSpacing } from '../../../src-shared/imaging/spacing';
import { service, type AppContext } from '../context';
import { PromiseLru } from './cache';
import { readImageMeta, sniffImageKind, type DecodedImage } from './decode';
import { DecodeHost } from './decode-host';
import { mayDecodeReduced } from './dicom/reduced';
import { downsamplePixels } from './preview';
import { IMAGE_SOURCE_KEY, type ImageSource } from './source';
import { makeThumbnail, SerialQueue } from './thumbnail';
import type { ImagePixels, Thumbnail } from '../../../src-shared/api/images';

/**
 * Decoded images kept in memory: a 3k x 3k 16-bit frame is ~18 MB, so a handful is cheap; and at most
 * {@link CACHED_IMAGE_BYTES} of them, so that four of the largest films the decoder accepts cannot hold
 * hundreds of MB between them (the film in use is always kept).
 */
const CACHED_IMAGES = 4;
export const CACHED_IMAGE_BYTES = 128 * 2 ** 20;

function imageSource(ctx: AppContext): ImageSource {
  const source = ctx.services.get(IMAGE_SOURCE_KEY) as ImageSource | undefined;
  if (!source) throw new PleuraError('no-project', say('project.noneOpen'));
  return source;
}

/** One frame cache per image source, so that opening another project never serves stale images. */
function decodedCache(ctx: AppContext, source: ImageSource): PromiseLru<DecodedImage> {
  const caches = service(ctx, 'images.decoded', () => new WeakMap<ImageSource, PromiseLru<DecodedImage>>());
  let cache = caches.get(source);
  if (!cache) {
    cache = new PromiseLru<DecodedImage>(CACHED_IMAGES, { maxBytes: CACHED_IMAGE_BYTES, sizeOf: (image) => image.pixels.data.byteLength });
    caches.set(source, cache);
  }
  return cache;
}

/** The process's decode workers (see DecodeHost): every decode of this domain runs there, off the main thread. */
export function decodeHost(ctx: AppContext): DecodeHost {
  return service(ctx, 'images.decoder', () => new DecodeHost());
}

async function decoded(ctx: AppContext, imageId: string, frame: number): Promise<DecodedImage> {
  const source = imageSource(ctx);
  return decodedCache(ctx, source).get(`${imageId}#${frame}`, async () => {
    const { bytes, name } = await source.readImageBytes(imageId);
    return decodeHost(ctx).decode(bytes, { name, frame });
  });
}

/** First-paint previews (at most a few MB each) of the films opened last. */
const CACHED_PREVIEWS = 8;

/** A film's preview; `reduced` when it came from a reduced-resolution decode (no full decode was needed). */
export interface FilmPreview {
  pixels: ImagePixels;
  reduced: boolean;
}

/**
 * A film's preview, the same for a film whatever was decoded before: a JPEG 2000 film's reduced
 * resolution level, or the full decode area-averaged (see the contract's `images.preview`).
 */
export function filmPreview(ctx: AppContext, imageId: string, maxSidePx: number): Promise<FilmPreview> {
  const source = imageSource(ctx);
  const caches = service(ctx, 'images.previews', () => new WeakMap<ImageSource, PromiseLru<FilmPreview>>());
  let cache = caches.get(source);
  if (!cache) {
    cache = new PromiseLru<FilmPreview>(CACHED_PREVIEWS);
    caches.set(source, cache);
  }
  return cache.get(`${imageId}@${maxSidePx}`, async () => {
    const { bytes, name } = await source.readImageBytes(imageId);
    if (sniffImageKind(bytes, name) === 'dicom' && mayDecodeReduced(bytes, name)) {
      const reduced = await decodeHost(ctx).reduced(bytes, { name, maxSidePx });
      if (reduced) return { pixels: reduced.pixels, reduced: true };
      return { pixels: await previewOfFullDecode(ctx, imageId, maxSidePx, null), reduced: false };
    }
    return { pixels: await previewOfFullDecode(ctx, imageId, maxSidePx, { bytes, name }), reduced: false };
  });
}

/**
 * A preview made from the film's full decode, which the decode cache keeps for the full-resolution
 * request that follows. When the film is not decoded yet, its decode starts at once on the bytes just
 * read (`read`, handed over) and the worker area-averages the preview in the same pass, so the first
 * paint waits for one trip to the worker; a film decoded already is area-averaged here.
 */
async function previewOfFullDecode(ctx: AppContext, imageId: string, maxSidePx: number, read: { bytes: Uint8Array; name: string } | null): Promise<ImagePixels> {
  const source = imageSource(ctx);
  const cache = decodedCache(ctx, source);
  let preview: ImagePixels | undefined;
  const image = await cache.get(`${imageId}#0`, async () => {
    const { bytes, name } = read ?? (await source.readImageBytes(imageId));
    const { meta, pixels, frame, preview: made } = await decodeHost(ctx).decode(bytes, { name, frame: 0, previewMaxSidePx: maxSidePx });
    // the full image is cached without the preview (the preview cache keeps that)
    preview = made ?? pixels;
    return { meta, pixels, frame };
  });
  return preview ?? downsamplePixels(image.pixels, maxSidePx);
}

/**
 * Metadata without waiting for the pixels: a DICOM film's header is parsed apart (the same attributes
 * the decode reports), so the viewer can lay out a film while it decodes; a raster image is decoded.
 */
async function metaOf(ctx: AppContext, imageId: string): Promise<Omit<ImageMeta, 'imageId'>> {
  const source = imageSource(ctx);
  if (!decodedCache(ctx, source).has(`${imageId}#0`)) {
    const { bytes, name } = await source.readImageBytes(imageId);
    if (sniffImageKind(bytes, name) === 'dicom') return readImageMeta(bytes, { name });
  }
  return (await decoded(ctx, imageId, 0)).meta;
}

/** Thumbnails are small (a 96 px one is 9 KB), so a whole queue's worth is kept. */
const CACHED_THUMBNAILS = 2000;

/**
 * A thumbnail, decoded apart from the viewer's cache (a list of films must not push the open film out of
 * it), one film at a time, and kept per image source.
 */
function thumbnail(ctx: AppContext, imageId: string, maxSidePx: number): Promise<Thumbnail> {
  const source = imageSource(ctx);
  const caches = service(ctx, 'images.thumbnails', () => new WeakMap<ImageSource, PromiseLru<Thumbnail>>());
  let cache = caches.get(source);
  if (!cache) {
    cache = new PromiseLru<Thumbnail>(CACHED_THUMBNAILS);
    caches.set(source, cache);
  }
  const queue = service(ctx, 'images.thumbnailQueue', () => new SerialQueue());
  return cache.get(`${imageId}@${maxSidePx}`, () => queue.run(async () => {
    const { bytes, name } = await source.readImageBytes(imageId);
    const image = await decodeHost(ctx).decode(bytes, { name, frame: 0 });
    return makeThumbnail(image.pixels, image.meta, maxSidePx);
  }));
}

async function withUserSpacing(source: ImageSource, imageId: string, meta: Omit<ImageMeta, 'imageId'>): Promise<ImageMeta> {
  if (meta.spacing) return { ...meta, imageId };
  const spacingMm = await source.getUserSpacingMm(imageId);
  return { ...meta, imageId, spacing: spacingMm === null ? null : userSpacing(spacingMm) };
}

/**
 * Handlers of the `images` domain: metadata, full-depth pixels of a frame, and a user spacing for
 * images whose file has none. Images come from the open project's {@link ImageSource}.
 */
export function createImagesHandlers(ctx: AppContext): Api['images'] {
  return {
    async meta(imageId) {
      return withUserSpacing(imageSource(ctx), imageId, await metaOf(ctx, imageId));
    },
    async pixels(imageId, options) {
      return (await decoded(ctx, imageId, options.frame ?? 0)).pixels;
    },
    async preview(imageId, options) {
      return (await filmPreview(ctx, imageId, options.maxSidePx)).pixels;
    },
    async setSpacing(imageId, spacingMm) {
      const source = imageSource(ctx);
      const image = await decoded(ctx, imageId, 0);
      if (image.meta.spacing) {
        throw new PleuraError('conflict', say('image.spacingFromFile', { spacing: image.meta.spacing.label }));
      }
      await source.setUserSpacingMm(imageId, spacingMm);
      return withUserSpacing(source, imageId, image.meta);
    },
    thumbnail(imageId, options) {
      return thumbnail(ctx, imageId, options.maxSidePx);
    },
  };
}
