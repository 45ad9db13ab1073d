import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { PleuraError } from '../../../../src-shared/api/result';
import { createAppContext } from '../../../../src-main/services/create-context';
import { createImagesHandlers } from '../../../../src-main/services/images/handlers';
import { IMAGE_SOURCE_KEY, type ImageSource } from '../../../../src-main/services/images/source';
import { fixturePath } from '../../../helpers/paths';
import { toGrey8 } from '../../../../src-shared/imaging';
import { thumbnailSize } from '../../../../src-main/services/images/thumbnail';
import { decodeImage } from '../../../../src-main/services/images/decode';
import { downsamplePixels } from '../../../../src-main/services/images/preview';

const files: Record<string, string> = {
  chest: fixturePath('dicom', 'gdcm-CR-MONO1-10-chest.dcm'),
  dx: fixturePath('dicom', '966_fixed.dcm'),
  jpll: fixturePath('dicom', 'RG2_JPLL.dcm'),
  truncated: fixturePath('dicom', 'derived_CR-MONO1-10-chest_truncated.dcm'),
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

  it('serves a DICOM film\'s meta from its header, then its pixels from one decode', async () => {
    const { images, source } = setup();
    const meta = await images.meta('chest');
    expect(source.reads).toBe(1);
    const pixels = await images.pixels('chest', {});
    expect(meta).toMatchObject({ imageId: 'chest', kind: 'dicom', widthPx: 440, heightPx: 440, photometric: 'MONOCHROME1' });
    expect([pixels.widthPx, pixels.heightPx, pixels.invert]).toEqual([440, 440, true]);
    await images.pixels('chest', {});
    expect(await images.meta('chest')).toEqual(meta);
    expect(source.reads).toBe(2);
  });

  it('previews a JPEG 2000 film from a reduced resolution level, the same film as its full decode', async () => {
    const { images } = setup();
    const preview = await images.preview('dx', { maxSidePx: 512 });
    // 2000x2128 with 5 levels: 3 levels dropped bring the longer side to 266 (2 would leave 532)
    expect([preview.widthPx, preview.heightPx]).toEqual([250, 266]);
    const full = await images.pixels('dx', {});
    // each preview pixel is about the mean of its 8x8 block of the film (the wavelet's low band, not a
    // box filter: about 1 % of the range apart on average, and the same picture)
    let difference = 0;
    const pairs: [number, number][] = [];
    for (let y = 0; y < 266; y++) {
      for (let x = 0; x < 250; x++) {
        let sum = 0;
        let count = 0;
        for (let v = 8 * y; v < Math.min(8 * y + 8, 2128); v++) for (let u = 8 * x; u < 8 * x + 8; u++, count++) sum += full.data[v * 2000 + u];
        difference += Math.abs(preview.data[y * 250 + x] - sum / count);
        pairs.push([preview.data[y * 250 + x], sum / count]);
      }
    }
    expect(difference / (250 * 266)).toBeLessThan(0.02 * (full.max - full.min));
    const mean = (i: 0 | 1) => pairs.reduce((t, p) => t + p[i], 0) / pairs.length;
    const [ma, mb] = [mean(0), mean(1)];
    const cov = pairs.reduce((t, [a, b]) => t + (a - ma) * (b - mb), 0);
    const correlation = cov / Math.sqrt(pairs.reduce((t, [a]) => t + (a - ma) ** 2, 0) * pairs.reduce((t, [, b]) => t + (b - mb) ** 2, 0));
    expect(correlation).toBeGreaterThan(0.99);
    expect(preview.invert).toBe(full.invert);
    expect(preview.data).toBeInstanceOf(full.data.constructor);
  });

  it('previews other films area-averaged from their decode, and a small film as it is', async () => {
    const { images } = setup();
    const preview = await images.preview('chest', { maxSidePx: 220 });
    const full = await images.pixels('chest', {});
    expect([preview.widthPx, preview.heightPx]).toEqual([220, 220]);
    const block = (x: number, y: number) => (full.data[2 * y * 440 + 2 * x] + full.data[2 * y * 440 + 2 * x + 1] + full.data[(2 * y + 1) * 440 + 2 * x] + full.data[(2 * y + 1) * 440 + 2 * x + 1]) / 4;
    for (const [x, y] of [[0, 0], [100, 120], [219, 219]]) expect(Math.abs(preview.data[y * 220 + x] - block(x, y))).toBeLessThanOrEqual(0.5);
    expect(await images.preview('chest', { maxSidePx: 1024 })).toBe(full);
  });

  it('previews a JPEG lossless film from the one full decode that then serves its pixels', async () => {
    const { images, source } = setup();
    const preview = await images.preview('jpll', { maxSidePx: 256 });
    expect(source.reads).toBe(1); // no second read, no decode apart for the preview
    const full = await images.pixels('jpll', {});
    expect(source.reads).toBe(1);
    const expected = await decodeImage(readFileSync(files.jpll), { name: 'RG2_JPLL.dcm' });
    expect(Buffer.from(full.data.buffer, full.data.byteOffset, full.data.byteLength).equals(Buffer.from(expected.pixels.data.buffer, expected.pixels.data.byteOffset, expected.pixels.data.byteLength))).toBe(true);
    const wanted = downsamplePixels(expected.pixels, 256);
    expect(preview).toEqual(wanted);
    expect(await images.preview('jpll', { maxSidePx: 256 })).toBe(preview);
    // a film decoded already is previewed at another size from the cached decode (its header read again only)
    expect(await images.preview('jpll', { maxSidePx: 128 })).toEqual(downsamplePixels(expected.pixels, 128));
    expect(source.reads).toBe(2);
  });

  it('fails a damaged film\'s preview with the decode\'s error, and keeps no failure', async () => {
    const { images, source } = setup();
    const expected = await decodeImage(readFileSync(files.truncated), { name: 'derived_CR-MONO1-10-chest_truncated.dcm' }).then(() => null, (error: unknown) => error as PleuraError);
    expect(expected).toBeInstanceOf(PleuraError);
    await expect(images.preview('truncated', { maxSidePx: 256 })).rejects.toMatchObject({ code: expected!.code, message: expected!.message });
    await expect(images.pixels('truncated', {})).rejects.toMatchObject({ code: expected!.code });
    expect(source.reads).toBe(2);
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
