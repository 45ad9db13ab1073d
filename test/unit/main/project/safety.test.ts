import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { readdir, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { ProjectStore } from '../../../../src-main/services/project/store';
import { importFiles, importPaths } from '../../../../src-main/services/project/import';
import { diskIo, safeJoin, sanitizeName } from '../../../../src-main/services/project/durable';
import { exportProject } from '../../../../src-main/services/export/export';
import { grayPng, patternMask, tempDir } from './helpers';

let dir: string;
let cleanup: () => Promise<void>;
const realWrite = diskIo.write;

beforeEach(async () => ({ dir, cleanup } = await tempDir()));
afterEach(async () => {
  diskIo.write = realWrite;
  await cleanup();
});

/** Makes writes that match `when` write half their bytes, then fail with ENOSPC, as a full disk does. */
function failWrites(when: (bytes: Uint8Array) => boolean): void {
  diskIo.write = async (handle, bytes, position) => {
    if (!when(bytes)) return realWrite(handle, bytes, position);
    await realWrite(handle, bytes.subarray(0, Math.floor(bytes.length / 2)), position);
    throw Object.assign(new Error('ENOSPC: no space left on device, write'), { code: 'ENOSPC' });
  };
}

const isLogLine = (bytes: Uint8Array) => Buffer.from(bytes.subarray(0, 7)).toString() === '{"seq":';

/** Every file under `root`, relative, sorted. */
async function files(root: string): Promise<string[]> {
  const entries = await readdir(root, { recursive: true, withFileTypes: true });
  return entries.filter((e) => e.isFile()).map((e) => join(e.parentPath, e.name).slice(root.length + 1)).sort();
}

async function project(): Promise<{ store: ProjectStore; imageId: string; path: string }> {
  const path = join(dir, 'p');
  const store = await ProjectStore.create(path);
  const { imported } = await importFiles(store, [{ name: 'a.png', bytes: await grayPng(8, 6, 1) }]);
  return { store, imageId: imported[0].id, path };
}

describe('disk full', () => {
  it.each([
    { what: 'the revision file', when: (bytes: Uint8Array) => !isLogLine(bytes) },
    { what: 'the log record', when: isLogLine },
  ])('a save that fails writing $what reports disk-full and leaves nothing behind', async ({ when }) => {
    const { store, imageId, path } = await project();
    await store.saveRevision(imageId, patternMask(8, 6, 1));
    const before = await files(path);
    const logSize = (await stat(join(path, 'log.jsonl'))).size;
    failWrites(when);
    await expect(store.saveRevision(imageId, patternMask(8, 6, 2))).rejects.toMatchObject({ code: 'disk-full', message: expect.stringMatching(/disk is full/) });
    diskIo.write = realWrite;
    expect(await files(path)).toEqual(before);
    expect((await stat(join(path, 'log.jsonl'))).size).toBe(logSize);
    // The store keeps working once there is space again, and the project reopens whole.
    const saved = await store.saveRevision(imageId, patternMask(8, 6, 3));
    await store.close();
    const reopened = await ProjectStore.open(path);
    expect(reopened.recoveredBytes).toBe(0);
    expect(reopened.listRevisions(imageId)).toHaveLength(2);
    expect((await reopened.loadRevision(imageId, saved.id))!.mask.data).toEqual(patternMask(8, 6, 3).data);
    await reopened.close();
  });

  it('an import that runs out of space reports disk-full and leaves no partial image', async () => {
    const { store, path } = await project();
    const before = await files(path);
    failWrites((bytes) => !isLogLine(bytes));
    await expect(importFiles(store, [{ name: 'b.png', bytes: await grayPng(8, 6, 2) }])).rejects.toMatchObject({ code: 'disk-full' });
    diskIo.write = realWrite;
    expect(await files(path)).toEqual(before);
    expect(store.listImages()).toHaveLength(1);
    await store.close();
  });
});

describe('paths from imported data stay inside the project', () => {
  it.each(['../x', '../../etc/passwd', '/abs/path', 'a/../../b', 'nul\0', 'C:\\win', 'a\\..\\b', '.', ''])('safeJoin refuses %j', (name) => {
    expect(() => safeJoin(dir, name)).toThrow(/Unsafe path|escapes/);
  });

  it.each([
    ['../../evil.png', 'evil.png'],
    ['..', 'file'],
    ['/etc/passwd', 'passwd'],
    ['a\0b.png', 'a_b.png'],
    ['C:\\Users\\x\\..\\y.dcm', 'y.dcm'],
  ])('sanitizeName(%j) is %j', (name, expected) => {
    expect(sanitizeName(name)).toBe(expected);
  });

  it('dropped files with hostile names are stored content-addressed and exported inside outDir', async () => {
    const { store, path } = await project();
    const names = ['../../evil.png', '/etc/evil2.png', '..\\..\\evil3.png', 'x/../../../evil4.png'];
    const report = await importFiles(store, await Promise.all(names.map(async (name, i) => ({ name, bytes: await grayPng(8, 6, 10 + i) }))));
    expect(report.rejected).toEqual([]);
    for (const record of report.imported) await store.saveRevision(record.id, patternMask(8, 6, 1));
    expect((await files(path)).every((f) => !f.includes('evil') && !f.startsWith('..'))).toBe(true);
    expect(await readdir(dir)).toEqual(['p']);
    const out = join(dir, 'out');
    const exported = await exportProject(store, { format: 'png', outDir: out, approvedOnly: false });
    expect(exported.files.every((f) => f.startsWith(out + '/'))).toBe(true);
    expect((await readdir(out)).sort()).toEqual(['evil.png', 'evil2.png', 'evil3.png', 'evil4.png']);
    expect((await readdir(dir)).sort()).toEqual(['out', 'p']);
    await store.close();
  });

  it('imports a folder with reference masks and reports what it refused', async () => {
    const { store } = await project();
    const report = await importPaths(store, [join(dir, 'missing'), join(dir, 'p', 'pleura-project.json')], {});
    expect(report.rejected.map((r) => r.reason)).toEqual([expect.stringMatching(/not found/), expect.stringMatching(/Not an image/)]);
    await store.close();
  });
});
