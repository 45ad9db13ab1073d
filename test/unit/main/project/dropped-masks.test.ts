// Masks dropped with films (project.importFiles, Electron's path): a mask whose film is not among the
// dropped files, or a second mask for one film, is reported as rejected with its reason by key (en +
// ru in the renderer), never dropped silently.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { join } from 'node:path';
import sharp from 'sharp';
import { ProjectStore } from '../../../../src-main/services/project/store';
import { importFiles } from '../../../../src-main/services/project/import';
import { grayPng, tempDir } from './helpers';

let dir: string;
let cleanup: () => Promise<void>;
let store: ProjectStore;

/** A 0/1/2 label PNG of the given size (left lung 1, right lung 2). */
async function maskPng(widthPx: number, heightPx: number): Promise<Uint8Array> {
  const pixels = Buffer.alloc(widthPx * heightPx);
  for (let i = 0; i < pixels.length; i++) pixels[i] = i % widthPx < widthPx / 2 ? 1 : 2;
  return new Uint8Array(await sharp(pixels, { raw: { width: widthPx, height: heightPx, channels: 1 } }).png().toBuffer());
}

beforeEach(async () => {
  ({ dir, cleanup } = await tempDir());
  store = await ProjectStore.create(join(dir, 'p'), { name: 'Test', userName: 'ana' });
});
afterEach(async () => {
  await store.close();
  await cleanup();
});

describe('masks dropped with films', () => {
  it('a mask without its film is rejected with why; the film beside it is imported as before', async () => {
    const report = await importFiles(store, [
      { name: 'a.png', bytes: await grayPng(6, 4, 1) },
      { name: 'a_mask.png', bytes: await maskPng(6, 4) },
      { name: 'lonely_mask.png', bytes: await maskPng(6, 4) },
      { name: 'masks/gone.png', bytes: await maskPng(6, 4) },
    ]);
    expect(report.imported.map((image) => [image.name, image.status])).toEqual([['a.png', 'in-review']]);
    expect(report.masks?.map((mask) => mask.path)).toEqual(['a_mask.png']);
    expect(report.rejected).toEqual([
      { path: 'lonely_mask.png', reason: 'Mask not imported: no film named lonely came with it (drop or pick the film together with its mask).', text: { key: 'import.maskWithoutFilm', params: { stem: 'lonely' } } },
      { path: 'masks/gone.png', reason: expect.stringMatching(/no film named gone/), text: { key: 'import.maskWithoutFilm', params: { stem: 'gone' } } },
    ]);
    expect(store.listImages()).toHaveLength(1);
  });

  it('a second mask for one film is rejected naming the one the film took', async () => {
    const report = await importFiles(store, [
      { name: 'b_mask.png', bytes: await maskPng(6, 4) },
      { name: 'masks/b.png', bytes: await maskPng(6, 4) },
      { name: 'b.png', bytes: await grayPng(6, 4, 2) },
    ]);
    expect(report.masks?.map((mask) => mask.path)).toEqual(['b_mask.png']);
    expect(report.rejected).toEqual([{ path: 'masks/b.png', reason: 'Mask not imported: the film b already takes the mask b_mask.png, dropped with it.', text: { key: 'import.maskSecond', params: { stem: 'b', other: 'b_mask.png' } } }]);
  });

  it('only masks: nothing imported, every mask said', async () => {
    const report = await importFiles(store, [{ name: 'x_mask.png', bytes: await maskPng(6, 4) }]);
    expect(report.imported).toEqual([]);
    expect(report.rejected.map((item) => item.text?.key)).toEqual(['import.maskWithoutFilm']);
  });
});
