import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { PleuraError } from '../../../../src-shared/api/result';
import { createAppContext } from '../../../../src-main/services/create-context';
import { createImagesHandlers } from '../../../../src-main/services/images/handlers';
import { IMAGE_SOURCE_KEY, type ImageSource } from '../../../../src-main/services/images/source';
import { fixturePath } from '../../../helpers/paths';
import { toGrey8 } from '../../../../src-shared/imaging';
import { thumbnailSize } from '../../../../src-main/services/images/thumbnail';

const files: Record<string, string> = {
  chest: fixturePath('dicom', 'gdcm-CR-MONO1-10-chest.dcm'),
  dx: fixturePath('dicom', '966_fixed.dcm'),
  png: fixturePath('raster', 'CHNCXR_0001_0.png'),
};

function fakeSource(): ImageSource & { reads: number; spacing: Map<string, number | null> } {
  const spacing = new Map<string, number | null>();
  return {
    reads: 0,
    spacing,
    async readImageBytes(imageId) {
      this.reads++;
      if (!files[imageId]) throw new PleuraError('not-found', `No image ${imageId}`);
      return { bytes: new Uint8Array(readFileSync(files[imageId])), name: files[imageId].split('/').pop()! };
    },
    async getUserSpacingMm(imageId) {
      return spacing.get(imageId) ?? null;
    },
    async setUserSpacingMm(imageId, mm) {
      spacing.set(imageId, mm);
    },
  };
}

function setup() {
  const ctx = createAppContext({ transport: 'cli', dataDir: '/nonexistent-pleura-test' });
  const source = fakeSource();
  ctx.services.set(IMAGE_SOURCE_KEY, source);
  return { ctx, source, images: createImagesHandlers(ctx) };
}

describe('images handlers', () => {
  it('asks for a project when none is open', async () => {
    const images = createImagesHandlers(createAppContext({ transport: 'cli', dataDir: '/nonexistent-pleura-test' }));
    await expect(images.meta('chest')).rejects.toMatchObject({ code: 'no-project', message: 'Open a project first' });
  });

  it('serves meta then pixels from one decode', async () => {
    const { images, source } = setup();
    const meta = await images.meta('chest');
    const pixels = await images.pixels('chest', {});
    expect(meta).toMatchObject({ imageId: 'chest', kind: 'dicom', widthPx: 440, heightPx: 440, photometric: 'MONOCHROME1' });
    expect([pixels.widthPx, pixels.heightPx, pixels.invert]).toEqual([440, 440, true]);
    expect(source.reads).toBe(1);
  });

  it('lets the user set spacing on a raster image, not on a DICOM file that has its own', async () => {
    const { images } = setup();
    expect((await images.meta('png')).spacing).toBeNull();
    const meta = await images.setSpacing('png', 0.2);
    expect(meta.spacing).toMatchObject({ rowMm: 0.2, colMm: 0.2, source: 'user' });
    expect((await images.meta('png')).spacing?.source).toBe('user');
    expect((await images.setSpacing('png', null)).spacing).toBeNull();
    await expect(images.setSpacing('dx', 0.1)).rejects.toMatchObject({ code: 'conflict' });
  });

  it('passes the source errors through and does not cache failures', async () => {
    const { images, source } = setup();
    await expect(images.meta('missing')).rejects.toMatchObject({ code: 'not-found' });
    await expect(images.meta('missing')).rejects.toMatchObject({ code: 'not-found' });
    expect(source.reads).toBe(2);
    await expect(images.pixels('chest', { frame: 3 })).rejects.toMatchObject({ code: 'invalid-argument' });
  });

  it('makes thumbnails of what the viewer shows, aspect kept, without pushing the open film out of the cache', async () => {
    const { images, source } = setup();
    const meta = await images.meta('chest');
    const chest = await images.thumbnail('chest', { maxSidePx: 64 });
    expect([chest.widthPx, chest.heightPx, chest.data.length]).toEqual([64, 64, 64 * 64]);
    // The viewer's display (MONOCHROME1 inverted by the window) averaged over 440/64 x 440/64 blocks.
    const pixels = await images.pixels('chest', {});
    const display = toGrey8(pixels, meta);
    const meanOf = (data: ArrayLike<number>) => Array.from(data).reduce((a, b) => a + b, 0) / data.length;
    expect(Math.abs(meanOf(chest.data) - meanOf(display))).toBeLessThan(1);
    const png = await images.thumbnail('png', { maxSidePx: 96 });
    const pngMeta = await images.meta('png');
    expect(Math.max(png.widthPx, png.heightPx)).toBe(96);
    expect(png).toMatchObject(thumbnailSize(pngMeta.widthPx, pngMeta.heightPx, 96));
    const reads = source.reads;
    await images.thumbnail('png', { maxSidePx: 96 });
    await images.pixels('chest', {});
    expect(source.reads).toBe(reads);
  });

  it('never enlarges a small film and keeps at least a pixel a side', () => {
    expect(thumbnailSize(40, 20, 96)).toEqual({ widthPx: 40, heightPx: 20 });
    expect(thumbnailSize(5000, 10, 64)).toEqual({ widthPx: 64, heightPx: 1 });
  });
});
