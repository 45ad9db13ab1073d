import type { Api } from '../../../src-shared/api';
import type { ImageMeta } from '../../../src-shared/api/images';
import { PleuraError } from '../../../src-shared/api/result';
import { userSpacing } from '../../../src-shared/imaging/spacing';
import { service, type AppContext } from '../context';
import { PromiseLru } from './cache';
import { decodeImage, type DecodedImage } from './decode';
import { IMAGE_SOURCE_KEY, type ImageSource } from './source';

/** Decoded images kept in memory: a 3k x 3k 16-bit frame is ~18 MB, so a handful is cheap. */
const CACHED_IMAGES = 4;

function imageSource(ctx: AppContext): ImageSource {
  const source = ctx.services.get(IMAGE_SOURCE_KEY) as ImageSource | undefined;
  if (!source) throw new PleuraError('no-project', 'Open a project first');
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
        throw new PleuraError('conflict', `This image's file gives its pixel spacing (${image.meta.spacing.label}); it cannot be overridden.`);
      }
      await source.setUserSpacingMm(imageId, spacingMm);
      return withUserSpacing(source, imageId, image.meta);
    },
  };
}
