import type { Api } from '../../../src-shared/api';
import type { ImageMeta } from '../../../src-shared/api/images';
import { PleuraError } from '../../../src-shared/api/result';
import { say } from '../../../src-shared/api/text';
import { userSpacing } from '../../../src-shared/imaging/spacing';
import { service, type AppContext } from '../context';
import { PromiseLru } from './cache';
import { decodeImage, type DecodedImage } from './decode';
import { IMAGE_SOURCE_KEY, type ImageSource } from './source';
import { makeThumbnail, SerialQueue } from './thumbnail';
import type { Thumbnail } from '../../../src-shared/api/images';

/** Decoded images kept in memory: a 3k x 3k 16-bit frame is ~18 MB, so a handful is cheap. */
const CACHED_IMAGES = 4;

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
    cache = new PromiseLru<DecodedImage>(CACHED_IMAGES);
    caches.set(source, cache);
  }
  return cache;
}

async function decoded(ctx: AppContext, imageId: string, frame: number): Promise<DecodedImage> {
  const source = imageSource(ctx);
  return decodedCache(ctx, source).get(`${imageId}#${frame}`, async () => {
    const { bytes, name } = await source.readImageBytes(imageId);
    return decodeImage(bytes, { name, frame });
  });
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
    const image = await decodeImage(bytes, { name, frame: 0 });
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
      const image = await decoded(ctx, imageId, 0);
      return withUserSpacing(imageSource(ctx), imageId, image.meta);
    },
    async pixels(imageId, options) {
      return (await decoded(ctx, imageId, options.frame ?? 0)).pixels;
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
