import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { PleuraError } from '../../../../src-shared/api/result';
import { createAppContext } from '../../../../src-main/services/create-context';
import { createImagesHandlers } from '../../../../src-main/services/images/handlers';
import { IMAGE_SOURCE_KEY, type ImageSource } from '../../../../src-main/services/images/source';
import { fixturePath } from '../../../helpers/paths';

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
});
