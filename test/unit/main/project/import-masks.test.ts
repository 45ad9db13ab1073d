import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import sharp from 'sharp';
import { ProjectStore } from '../../../../src-main/services/project/store';
import { importPaths } from '../../../../src-main/services/project/import';
import { scanImport } from '../../../../src-main/services/project/import-scan';
import { batchMayPredict } from '../../../../src-main/services/inference/batch-policy';
import { grayPng, tempDir } from './helpers';

/** A binary lung-ish mask PNG: two blocks, 0/255. */
async function maskPng(widthPx: number, heightPx: number): Promise<Uint8Array> {
  const pixels = Buffer.alloc(widthPx * heightPx);
  for (let y = 2; y < heightPx - 2; y++) for (let x = 1; x < widthPx - 1; x++) if (x < widthPx / 2 - 1 || x > widthPx / 2) pixels[y * widthPx + x] = 255;
  return new Uint8Array(await sharp(pixels, { raw: { width: widthPx, height: heightPx, channels: 1 } }).png().toBuffer());
}

describe('import by path: masks beside the films', () => {
  let dir: string;
  let cleanup: () => Promise<void>;
  let store: ProjectStore;
  let data: string;

  beforeEach(async () => {
    ({ dir, cleanup } = await tempDir('pleura-import-masks-'));
    data = join(dir, 'data');
    await mkdir(join(data, 'images'), { recursive: true });
    await mkdir(join(data, 'masks'), { recursive: true });
    for (const seed of [1, 2, 3]) await writeFile(join(data, 'images', `film${seed}.png`), await grayPng(16, 12, seed));
    for (const seed of [1, 2]) await writeFile(join(data, 'masks', `film${seed}.png`), await maskPng(16, 12));
    store = await ProjectStore.create(join(dir, 'project'));
  });
  afterEach(async () => {
    await store.close();
    await cleanup();
  });

  it('the scan lists each film with the mask beside it and writes nothing', async () => {
    const scan = await scanImport(store, [join(data, 'images')], {});
    expect(scan.images.map((i) => [i.path.split('/').pop(), i.mask?.split('/').slice(-2).join('/') ?? null])).toEqual([
      ['film1.png', 'masks/film1.png'], ['film2.png', 'masks/film2.png'], ['film3.png', null],
    ]);
    expect(scan.duplicates).toEqual([]);
    expect(store.listImages()).toEqual([]);
  });

  it('by default the masks are left alone and counted; the films stay new with no revision', async () => {
    const report = await importPaths(store, [join(data, 'images')], {});
    expect(report.imported).toHaveLength(3);
    expect(report.masksIgnored).toBe(2);
    expect(report.masks).toBeUndefined();
    for (const record of store.listImages()) expect(record).toMatchObject({ status: 'new', latestRevisionId: null, hasReference: false });
  });

  it('asked to, it imports them as reference masks, lists them, and puts those films in review', async () => {
    const report = await importPaths(store, [join(data, 'images')], { masks: 'import' });
    expect(report.masks).toHaveLength(2);
    const byName = new Map(store.listImages().map((r) => [r.name, r]));
    expect(byName.get('film1.png')).toMatchObject({ status: 'in-review', hasReference: true });
    expect(byName.get('film3.png')).toMatchObject({ status: 'new', latestRevisionId: null });
    expect(store.listRevisions(byName.get('film1.png')!.id)[0].source.kind).toBe('reference');
    const rescan = await scanImport(store, [join(data, 'images')], {});
    expect(rescan.images).toEqual([]);
    expect(rescan.duplicates).toHaveLength(3);
  });
});

describe('what a batch prediction may replace', () => {
  it.each([
    [{ status: 'new', latestRevisionId: null }, null, true],
    [{ status: 'predicted', latestRevisionId: 'r' }, { source: { kind: 'model', modelId: 'm', modelVersion: '1' } }, true],
    [{ status: 'in-review', latestRevisionId: 'r' }, { source: { kind: 'reference', file: 'masks/a.png' } }, false],
    [{ status: 'corrected', latestRevisionId: 'r' }, { source: { kind: 'user', user: 'dr' } }, false],
    [{ status: 'approved', latestRevisionId: 'r' }, { source: { kind: 'model', modelId: 'm', modelVersion: '1' } }, false],
  ] as const)('%o over %o: %s', (record, latest, expected) => {
    expect(batchMayPredict(record, latest as never)).toBe(expected);
  });
});
