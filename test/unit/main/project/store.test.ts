import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { appendFile, readFile, readdir, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { hostname } from 'node:os';
import { ProjectStore } from '../../../../src-main/services/project/store';
import { importFiles } from '../../../../src-main/services/project/import';
import { PleuraError } from '../../../../src-shared/api/result';
import { grayPng, patternMask, tempDir } from './helpers';

let dir: string;
let cleanup: () => Promise<void>;

beforeEach(async () => {
  ({ dir, cleanup } = await tempDir());
});
afterEach(() => cleanup());

async function projectWithImage(): Promise<{ store: ProjectStore; imageId: string; path: string }> {
  const path = join(dir, 'p');
  const store = await ProjectStore.create(path, { name: 'Test', userName: 'ana' });
  const report = await importFiles(store, [{ name: 'a.png', bytes: await grayPng(6, 4, 1) }]);
  return { store, imageId: report.imported[0].id, path };
}

describe('ProjectStore', () => {
  it('creates the folder layout and lists imported images after reopening', async () => {
    const { store, imageId, path } = await projectWithImage();
    expect((await readdir(path)).sort()).toEqual(expect.arrayContaining(['images', 'masks', 'artifacts', 'models', 'log.jsonl', 'pleura-project.json']));
    expect(store.modelsDir).toBe(join(path, 'models'));
    await store.close();
    const reopened = await ProjectStore.open(path);
    expect(reopened.summary()).toMatchObject({ name: 'Test', imageCount: 1, settings: { userName: 'ana', copyImages: true } });
    expect(reopened.getImage(imageId)).toMatchObject({ name: 'a.png', kind: 'raster', widthPx: 6, heightPx: 4, status: 'new' });
    await reopened.close();
  });

  it('keeps every revision immutable and returns them pixel for pixel', async () => {
    const { store, imageId, path } = await projectWithImage();
    const first = await store.saveRevision(imageId, patternMask(6, 4, 1), { source: { kind: 'model', modelId: 'unet', modelVersion: '1' } });
    const second = await store.saveRevision(imageId, patternMask(6, 4, 2));
    expect(second.parentId).toBe(first.id);
    expect(store.getImage(imageId)).toMatchObject({ status: 'corrected', predictedBy: 'unet@1', latestRevisionId: second.id });
    await store.close();
    const reopened = await ProjectStore.open(path);
    expect(reopened.listRevisions(imageId).map((r) => r.id)).toEqual([first.id, second.id]);
    expect((await reopened.loadRevision(imageId, first.id))?.mask.data).toEqual(patternMask(6, 4, 1).data);
    expect((await reopened.loadRevision(imageId))?.mask.data).toEqual(patternMask(6, 4, 2).data);
    await reopened.close();
  });

  it('refuses a mask of the wrong size', async () => {
    const { store, imageId } = await projectWithImage();
    await expect(store.saveRevision(imageId, patternMask(5, 4, 1))).rejects.toMatchObject({ code: 'invalid-argument' });
    await store.close();
  });

  it('detects a damaged revision file', async () => {
    const { store, imageId, path } = await projectWithImage();
    const revision = await store.saveRevision(imageId, patternMask(6, 4, 1));
    const file = join(path, 'masks', imageId, `${revision.id}.bin`);
    const bytes = await readFile(file);
    bytes[bytes.length - 2] ^= 0xff;
    await writeFile(file, bytes);
    await expect(store.loadRevision(imageId)).rejects.toMatchObject({ code: 'corrupt' });
    await store.close();
  });

  it('records the audit trail and status changes', async () => {
    const { store, imageId } = await projectWithImage();
    await store.setStatus(imageId, 'approved');
    await store.appendAudit('train', { epochs: 3 });
    const entries = await store.audit({});
    expect(entries.map((e) => e.action)).toEqual(['train', 'approve', 'import', 'create']);
    expect(entries[1]).toMatchObject({ imageId, user: 'ana', detail: { status: 'approved' } });
    expect((await store.audit({ imageId })).map((e) => e.action)).toEqual(['approve', 'import']);
    expect(await store.audit({ limit: 1 })).toHaveLength(1);
    await store.close();
  });

  it('an automatic status change (fromStatus) never undoes an approval that landed first', async () => {
    const { store, imageId } = await projectWithImage();
    const revision = await store.saveRevision(imageId, patternMask(6, 4, 1), { source: { kind: 'model', modelId: 'unet', modelVersion: '1' } });
    expect(store.getImage(imageId).status).toBe('predicted');
    // The user approves while the film is still loading; the opener's "now in review" arrives after it.
    const [approved, late] = await Promise.all([
      store.setStatus(imageId, 'approved', { revisionId: revision.id }),
      store.setStatus(imageId, 'in-review', { revisionId: revision.id, fromStatus: 'predicted' }),
    ]);
    expect(approved.status).toBe('approved');
    expect(late.status).toBe('approved');
    expect(store.getImage(imageId).status).toBe('approved');
    expect((await store.audit({ imageId })).map((e) => e.action)).toEqual(['approve', 'predict', 'import']);
    // Still 'predicted': the automatic change applies.
    const otherId = (await importFiles(store, [{ name: 'b.png', bytes: await grayPng(6, 4, 2) }])).imported[0].id;
    const otherRevision = await store.saveRevision(otherId, patternMask(6, 4, 1), { source: { kind: 'model', modelId: 'unet', modelVersion: '1' } });
    expect((await store.setStatus(otherId, 'in-review', { revisionId: otherRevision.id, fromStatus: 'predicted' })).status).toBe('in-review');
    await store.close();
  });

  it('recovers a torn last record without losing earlier ones', async () => {
    const { store, imageId, path } = await projectWithImage();
    await store.setStatus(imageId, 'in-review');
    await store.close();
    const log = join(path, 'log.jsonl');
    const goodSize = (await stat(log)).size;
    // A crash mid-append leaves a prefix of the next line.
    await appendFile(log, '{"seq":99,"at":"2024-01-01T00:00:00Z","user":"x","action":"status","imageId":"');
    const reopened = await ProjectStore.open(path);
    expect(reopened.recoveredBytes).toBeGreaterThan(0);
    expect((await stat(log)).size).toBe(goodSize);
    expect(reopened.getImage(imageId).status).toBe('in-review');
    await reopened.setStatus(imageId, 'approved');
    await reopened.close();
    const again = await ProjectStore.open(path);
    expect(again.getImage(imageId).status).toBe('approved');
    await again.close();
  });

  it('replays the log when the snapshot is missing or stale', async () => {
    const { store, imageId, path } = await projectWithImage();
    await store.close();
    const snapshot = await readFile(join(path, 'state.json'));
    const reopened = await ProjectStore.open(path);
    await reopened.setStatus(imageId, 'approved');
    await reopened.close();
    await writeFile(join(path, 'state.json'), snapshot); // stale: misses the approval
    const fromStale = await ProjectStore.open(path);
    expect(fromStale.getImage(imageId).status).toBe('approved');
    await fromStale.close();
    await writeFile(join(path, 'state.json'), 'not json');
    const fromLog = await ProjectStore.open(path);
    expect(fromLog.getImage(imageId).status).toBe('approved');
    await fromLog.close();
  });

  it('refuses a log whose damage is not at the tail', async () => {
    const { store, path } = await projectWithImage();
    await store.close();
    const log = join(path, 'log.jsonl');
    const lines = (await readFile(log, 'utf8')).split('\n');
    lines[0] = lines[0].replace('"create"', '"crEate"');
    await writeFile(log, lines.join('\n'));
    await writeFile(join(path, 'state.json'), '{}');
    await expect(ProjectStore.open(path)).rejects.toMatchObject({ code: 'corrupt' });
  });

  it('refuses a project written by a newer format version, with a message', async () => {
    const { store, path } = await projectWithImage();
    await store.close();
    const manifestPath = join(path, 'pleura-project.json');
    const manifest = JSON.parse(await readFile(manifestPath, 'utf8'));
    await writeFile(manifestPath, JSON.stringify({ ...manifest, formatVersion: 99 }));
    const error = await ProjectStore.open(path).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(PleuraError);
    expect(error).toMatchObject({ code: 'unsupported', message: expect.stringMatching(/newer version of Pleura/) });
  });

  it('refuses to create a project in a non-empty folder and to open a non-project', async () => {
    await writeFile(join(dir, 'x.txt'), 'x');
    await expect(ProjectStore.create(dir)).rejects.toMatchObject({ code: 'conflict' });
    await expect(ProjectStore.open(dir)).rejects.toMatchObject({ code: 'not-found' });
  });

  it('writes and reads artifacts, and keeps their names inside the project', async () => {
    const { store, imageId, path } = await projectWithImage();
    await store.writeArtifact(imageId, 'uncertainty/tta.bin', new Uint8Array([1, 2, 3]));
    expect(await store.readArtifact(imageId, 'uncertainty/tta.bin')).toEqual(new Uint8Array([1, 2, 3]));
    expect(await store.readArtifact(imageId, 'missing.bin')).toBeNull();
    for (const name of ['../escape.bin', '../../x', '/etc/passwd', 'a/../../b', 'nul\0byte', 'C:evil', 'back\\slash', '']) {
      await expect(store.writeArtifact(imageId, name, new Uint8Array(1)), name).rejects.toMatchObject({ code: 'invalid-argument' });
    }
    await expect(store.writeArtifact('../..', 'x.bin', new Uint8Array(1))).rejects.toMatchObject({ code: 'not-found' });
    expect(await readdir(join(path, 'artifacts', imageId))).toEqual(['uncertainty']);
    await store.close();
  });

  it('refuses to open a project held by another live process', async () => {
    const { store, path } = await projectWithImage();
    await store.close();
    // The parent of this test process is alive and is not us.
    await writeFile(join(path, '.lock'), JSON.stringify({ pid: process.ppid, host: hostname() }));
    await expect(ProjectStore.open(path)).rejects.toMatchObject({ code: 'conflict' });
    await writeFile(join(path, '.lock'), JSON.stringify({ pid: 2 ** 22 + 12345, host: hostname() }));
    const taken = await ProjectStore.open(path); // a dead holder's lock is taken over
    await taken.close();
  });
});
