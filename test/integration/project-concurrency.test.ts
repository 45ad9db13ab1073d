import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { AppContext } from '../../src-main/services/context';
import { createAppContext } from '../../src-main/services/create-context';
import { createHandlers } from '../../src-main/transport/handlers';
import { dispatch } from '../../src-main/transport/dispatch';
import { getSession } from '../../src-main/services/project/session';
import { getInferenceService } from '../../src-main/services/inference/service';
import type { Api, LabelMask, MaskRevision, Result } from '../../src-shared/api';
import { fixturePath } from '../helpers/paths';
import { grayPng, patternMask } from '../unit/main/project/helpers';

/**
 * Issue #11, "never lose work", through the contract as a client sees it (argument schemas included):
 * two clients on one project, provenance decided by the server, predictions that never replace a
 * person's work unless confirmed.
 */
const widthPx = 8;
const heightPx = 6;

describe('writes name what they replace; provenance is the server\'s', () => {
  let dir: string;
  let ctx: AppContext;
  let api: Api;
  let imageId: string;
  const call = <T>(domain: string, method: string, ...args: unknown[]) => dispatch(api, domain, method, args) as Promise<Result<T>>;
  const mask = (seed: number): LabelMask => patternMask(widthPx, heightPx, seed);

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'pleura-concurrency-'));
    ctx = createAppContext({ transport: 'serve', user: 'dr-serve', dataDir: join(dir, 'data'), builtinModelsDir: join(dir, 'no-models') });
    api = createHandlers(ctx);
    await api.project.create(join(dir, 'p'), { name: 'two clients', userName: 'someone-else' });
    const report = await api.project.importFiles([{ name: 'a.png', bytes: await grayPng(widthPx, heightPx, 1) }, { name: 'b.png', bytes: await grayPng(widthPx, heightPx, 2) }]);
    imageId = report.imported[0].id;
  });
  afterAll(async () => {
    await getSession(ctx).close();
    await rm(dir, { recursive: true, force: true });
  });

  it('two clients saving on the same parent: one is accepted, the other gets a conflict with the current revision, 50 of 50 times', async () => {
    let parent: string | null = null;
    let conflicts = 0;
    for (let round = 0; round < 50; round++) {
      const first: Result<MaskRevision> = await call<MaskRevision>('masks', 'save', imageId, mask(round), { parentId: parent });
      const second = await call<MaskRevision>('masks', 'save', imageId, mask(round + 100), { parentId: parent });
      expect(first.ok).toBe(true);
      expect(second.ok).toBe(false);
      if (!first.ok || second.ok) return;
      if (second.code === 'conflict') conflicts++;
      expect((second.details?.currentRevision as MaskRevision).id).toBe(first.value.id);
      // "Keep mine on top of it": a new revision whose parent is the one it conflicted with.
      const onTop: Result<MaskRevision> = await call<MaskRevision>('masks', 'save', imageId, mask(round + 100), { parentId: first.value.id });
      expect(onTop.ok && onTop.value.parentId).toBe(first.value.id);
      parent = onTop.ok ? onTop.value.id : null;
    }
    expect(conflicts).toBe(50);
    // Nothing was overwritten: every accepted save is a revision, pixel for pixel.
    const revisions = await api.masks.revisions(imageId);
    expect(revisions).toHaveLength(100);
    const loaded = await api.masks.load(imageId, { revisionId: revisions[98].id });
    expect(loaded?.mask.data).toEqual(mask(49).data);
  });

  it('records user edits as the app\'s user; a client cannot claim a model or another person', async () => {
    const revisions = await api.masks.revisions(imageId);
    expect(new Set(revisions.map((r) => JSON.stringify(r.source)))).toEqual(new Set([JSON.stringify({ kind: 'user', user: 'dr-serve' })]));
    const claimed = await call('masks', 'save', imageId, mask(1), { parentId: revisions.at(-1)!.id, source: { kind: 'model', modelId: 'unet', modelVersion: '9' } });
    expect(claimed).toMatchObject({ ok: false, code: 'invalid-argument' });
    const audit = await api.project.audit({ imageId, limit: 5 });
    expect(audit.every((entry) => entry.user === 'dr-serve')).toBe(true);
    expect((await api.project.current())?.user).toBe('dr-serve');
  });

  it('refuses unknown parents and labels outside 0..2', async () => {
    const latest = (await api.masks.revisions(imageId)).at(-1)!;
    expect(await call('masks', 'save', imageId, mask(1), { parentId: 'no-such-revision' })).toMatchObject({ ok: false, code: 'invalid-argument' });
    const bad = mask(1);
    bad.data[5] = 3;
    expect(await call('masks', 'save', imageId, bad, { parentId: latest.id })).toMatchObject({ ok: false, code: 'invalid-argument' });
    expect(await call('masks', 'save', imageId, mask(1))).toMatchObject({ ok: false, code: 'invalid-argument' }); // parentId is required
    expect((await api.masks.revisions(imageId)).at(-1)!.id).toBe(latest.id);
  });

  it('a status change or approval names the revision it applies to; a stale or unseen one is a conflict', async () => {
    const revisions = await api.masks.revisions(imageId);
    const latest = revisions.at(-1)!;
    const stale = revisions.at(-2)!;
    expect(await call('project', 'setStatus', imageId, 'approved', { revisionId: stale.id })).toMatchObject({ ok: false, code: 'conflict', details: { currentRevisionId: latest.id } });
    expect(await call('project', 'setStatus', imageId, 'approved', { revisionId: null })).toMatchObject({ ok: false, code: 'conflict' });
    expect(await call('project', 'setStatus', imageId, 'approved')).toMatchObject({ ok: false, code: 'invalid-argument' });
    const other = (await api.project.listImages()).find((image) => image.id !== imageId)!;
    expect(await call('project', 'setStatus', other.id, 'approved', { revisionId: null })).toMatchObject({ ok: false, code: 'invalid-argument' });
    const approved = await call('project', 'setStatus', imageId, 'approved', { revisionId: latest.id });
    expect(approved).toMatchObject({ ok: true, value: { status: 'approved', latestRevisionId: latest.id } });
    const entry = (await api.project.audit({ imageId, limit: 1 }))[0];
    expect(entry).toMatchObject({ action: 'approve', user: 'dr-serve', detail: { revisionId: latest.id } });
  });

  it('tells every client which image changed and its current revision now (the event a stale view refreshes on)', async () => {
    const events: unknown[] = [];
    const off = ctx.events.on('project', (event) => events.push(event));
    const latest = (await api.masks.revisions(imageId)).at(-1)!;
    const saved = await api.masks.save(imageId, mask(7), { parentId: latest.id });
    off();
    expect(events).toContainEqual({ kind: 'changed', imageIds: [imageId], latestRevisionIds: { [imageId]: saved.id } });
  });
});

describe('a prediction never replaces a person\'s work unless confirmed', () => {
  let dir: string;
  let ctx: AppContext;
  let api: Api;
  const modelDir = fixturePath('models', 'tiny-lungs');

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'pleura-predict-confirm-'));
    ctx = createAppContext({ transport: 'serve', user: 'dr-serve', dataDir: join(dir, 'data'), builtinModelsDir: join(dir, 'no-models') });
    api = createHandlers(ctx);
    await api.project.create(join(dir, 'p'), { name: 'predict over' });
    await api.project.importPaths([fixturePath('xray', 'CHNCXR_0005_0.png'), fixturePath('xray', 'CHNCXR_0010_0.png')], { copy: true });
  });
  afterAll(async () => {
    await getInferenceService(ctx).close();
    await getSession(ctx).close();
    await rm(dir, { recursive: true, force: true });
  });

  it('stores the prediction beside a user revision; replaces it only with replace and the revision the user saw', async () => {
    const [image] = await api.project.listImages();
    const first = await api.inference.predictImage(image.id, { modelId: modelDir, tta: false });
    expect(first.current).toBe(true);
    const edited = new Uint8Array(image.widthPx * image.heightPx);
    edited.fill(1, 0, 500);
    const mine = await api.masks.save(image.id, { widthPx: image.widthPx, heightPx: image.heightPx, data: edited }, { parentId: first.revision.id });

    const beside = await api.inference.predictImage(image.id, { modelId: modelDir, tta: false });
    expect(beside.current).toBe(false);
    let record = (await api.project.listImages()).find((r) => r.id === image.id)!;
    expect(record).toMatchObject({ latestRevisionId: mine.id, status: 'corrected', predictedBy: 'tiny-lungs@1.0.0' });
    expect(record.areas?.totalPx).toBe(500);
    expect((await api.masks.load(image.id, {}))?.mask.data).toEqual(edited);
    expect((await api.masks.revisions(image.id)).map((r) => r.id)).toContain(beside.revision.id);

    await expect(api.inference.predictImage(image.id, { modelId: modelDir, tta: false, replace: true, parentId: first.revision.id })).rejects.toMatchObject({ code: 'conflict' });
    const replaced = await api.inference.predictImage(image.id, { modelId: modelDir, tta: false, replace: true, parentId: mine.id });
    expect(replaced.current).toBe(true);
    record = (await api.project.listImages()).find((r) => r.id === image.id)!;
    expect(record).toMatchObject({ latestRevisionId: replaced.revision.id, status: 'predicted' });
    // The user's revision is still there to restore.
    expect((await api.masks.load(image.id, { revisionId: mine.id }))?.mask.data).toEqual(edited);
  });

  it('a batch over corrected and approved images leaves their masks current', async () => {
    const [a, b] = await api.project.listImages();
    const data = new Uint8Array(b.widthPx * b.heightPx).fill(2, 100, 900);
    const saved = await api.masks.save(b.id, { widthPx: b.widthPx, heightPx: b.heightPx, data }, { parentId: b.latestRevisionId });
    const aCurrent = (await api.masks.save(a.id, { widthPx: a.widthPx, heightPx: a.heightPx, data: new Uint8Array(a.widthPx * a.heightPx).fill(1, 0, 50) }, { parentId: (await api.project.listImages())[0].latestRevisionId })).id;
    await api.project.setStatus(a.id, 'approved', { revisionId: aCurrent });
    const { done } = getInferenceService(ctx).predictBatch({ imageIds: [a.id, b.id], modelId: modelDir, tta: false });
    // Named films holding a person's work are skipped; one corrected while the batch runs would be kept
    // beside by the store (the first test of this block).
    expect(await done).toMatchObject({ predicted: 0, failed: [], skipped: [a.id, b.id] });
    const after = await api.project.listImages();
    expect(after.find((r) => r.id === a.id)).toMatchObject({ latestRevisionId: aCurrent, status: 'approved' });
    expect(after.find((r) => r.id === b.id)).toMatchObject({ latestRevisionId: saved.id, status: 'corrected' });
  });
});
