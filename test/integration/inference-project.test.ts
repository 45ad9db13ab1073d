import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { AppContext } from '../../src-main/services/context';
import { createAppContext } from '../../src-main/services/create-context';
import { getSession } from '../../src-main/services/project/session';
import { importPaths } from '../../src-main/services/project/import';
import { getInferenceService, type InferenceService } from '../../src-main/services/inference/service';
import { createInferenceHandlers } from '../../src-main/services/inference/handlers';
import type { JobEvent } from '../../src-shared/jobs/events';
import { fixturePath } from '../helpers/paths';
import sharp from 'sharp';
import { readFile } from 'node:fs/promises';
import { decodeImage } from '../../src-main/services/images/decode';
import { confusion, dice } from '../../src-shared/metrics/overlap';

const stems = ['CHNCXR_0005_0', 'CHNCXR_0010_0', 'COVIDGB_pneumocystis-pneumonia-1', 'COVIDGB_ARDSSevere'];
const modelDir = fixturePath('models', 'tiny-lungs');

describe('inference on a project', () => {
  let dir: string;
  let ctx: AppContext;
  let inference: InferenceService;
  let imageIds: string[];

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'pleura-predict-'));
    ctx = createAppContext({ transport: 'cli', dataDir: join(dir, 'data'), builtinModelsDir: join(dir, 'no-models') });
    const store = await getSession(ctx).create(join(dir, 'project'), { name: 'predict test', copyImages: true });
    const report = await importPaths(store, stems.map((stem) => fixturePath('xray', `${stem}.png`)), { copy: true });
    imageIds = report.imported.map((image) => image.id);
    expect(imageIds).toHaveLength(stems.length);
    inference = getInferenceService(ctx);
  });
  afterAll(async () => {
    await inference.close();
    await getSession(ctx).close();
    await rm(dir, { recursive: true, force: true });
  });

  it('predicts one image: a model revision, the record updated, the uncertainty map stored', async () => {
    const handlers = createInferenceHandlers(ctx);
    const result = await handlers.predictImage(imageIds[0], { modelId: modelDir });
    expect(result.revision.source).toEqual({ kind: 'model', modelId: 'tiny-lungs', modelVersion: '1.0.0' });
    expect(result.revision.labelCounts[1]).toBeGreaterThan(0);
    expect(result.revision.labelCounts[2]).toBeGreaterThan(0);
    expect(result.areas.totalPx).toBe(result.revision.labelCounts[1] + result.revision.labelCounts[2]);
    expect(result.areas.totalCm2).toBeNull(); // PNG without a spacing
    const record = getSession(ctx).require().getImage(imageIds[0]);
    expect(record).toMatchObject({ status: 'predicted', predictedBy: 'tiny-lungs@1.0.0', latestRevisionId: result.revision.id, uncertainty: result.uncertainty });
    const map = await handlers.uncertaintyMap(imageIds[0]);
    expect(map && map.data.length).toBe(128 * 128);
    expect(await handlers.uncertaintyMap(imageIds[1])).toBeNull();
  });

  it('keeps an approved image approved, its approved mask current, and still stores the new revision', async () => {
    const store = getSession(ctx).require();
    await store.updateImage(imageIds[0], { status: 'approved' });
    const approvedRevision = store.getImage(imageIds[0]).latestRevisionId;
    const result = await inference.predictImage(imageIds[0], { modelId: modelDir, tta: false });
    const record = store.getImage(imageIds[0]);
    expect(record.status).toBe('approved');
    expect(record.latestRevisionId).toBe(approvedRevision);
    expect(store.listRevisions(imageIds[0]).map((r) => r.id)).toContain(result.revision.id);
  });

  it('cancels a batch within one image', async () => {
    const events: JobEvent[] = [];
    const before = new Map(imageIds.map((id) => [id, getSession(ctx).require().getImage(id).latestRevisionId]));
    let jobId = '';
    const off = ctx.events.on('job', (event) => {
      events.push(event);
      if (event.type === 'progress' && event.jobId === jobId && events.filter((e) => e.type === 'progress').length === 1) void ctx.jobs.cancel(jobId);
    });
    const batch = inference.predictBatch({ imageIds: [...imageIds, ...imageIds], modelId: modelDir });
    jobId = batch.jobId;
    await expect(batch.done).rejects.toThrow(/Cancelled/);
    off();
    const changed = imageIds.filter((id) => getSession(ctx).require().getImage(id).latestRevisionId !== before.get(id));
    expect(changed.length).toBeLessThanOrEqual(1);
    expect(events.some((e) => e.type === 'cancelled' && e.jobId === jobId)).toBe(true);
  });

  it('runs a batch to the end with progress up to 1', async () => {
    const fractions: number[] = [];
    const off = ctx.events.on('job', (event) => {
      if (event.type === 'progress') fractions.push(event.fraction);
    });
    const batch = inference.predictBatch({ imageIds: imageIds.slice(1), modelId: modelDir });
    const outcome = await batch.done;
    off();
    expect(outcome).toEqual({ predicted: imageIds.length - 1, failed: [], skipped: [] });
    expect(fractions.at(-1)).toBe(1);
    for (const id of imageIds.slice(1)) expect(getSession(ctx).require().getImage(id).status).toBe('predicted');
  });

  it('a batch never replaces an imported mask or an approved one; "not approved" re-predicts only model masks', async () => {
    const store = getSession(ctx).require();
    const report = await importPaths(store, [fixturePath('project', 'images')], { copy: true, masks: 'import' });
    expect(report.masks).toHaveLength(2);
    const imported = report.imported.map((r) => r.id);
    for (const id of imported) expect(store.getImage(id)).toMatchObject({ status: 'in-review', hasReference: true });
    const keptRevisions = imported.map((id) => store.getImage(id).latestRevisionId);
    const named = await inference.predictBatch({ imageIds: imported, modelId: modelDir, tta: false }).done;
    expect(named).toEqual({ predicted: 0, failed: [], skipped: imported });
    const again = await inference.predictBatch({ scope: 'not-approved', modelId: modelDir, tta: false }).done;
    expect(again.predicted).toBe(imageIds.length - 1);
    expect(imported.map((id) => store.getImage(id).latestRevisionId)).toEqual(keptRevisions);
    expect(store.getImage(imageIds[0]).status).toBe('approved');
    expect((await inference.predictBatch({ modelId: modelDir }).done).predicted).toBe(0);
  });

  it('predicts a film on open once, whoever asks at the same time, and never once it has a mask', async () => {
    const store = getSession(ctx).require();
    // A film of its own (the fixture mirrored, so not a duplicate of one imported already).
    const film = join(dir, 'mirrored.png');
    await sharp(fixturePath('xray', 'CHNCXR_0005_0.png')).flop().png().toFile(film);
    const report = await importPaths(store, [film], { copy: true });
    const id = report.imported[0].id;
    // Two viewers open it and a batch starts while their prediction runs: one revision, one result.
    const [first, second] = [inference.predictImage(id, { modelId: modelDir, tta: false, unpredictedOnly: true }), inference.predictImage(id, { modelId: modelDir, tta: false, unpredictedOnly: true })];
    const batch = inference.predictBatch({ modelId: modelDir, tta: false });
    const [a, b] = await Promise.all([first, second]);
    await batch.done;
    expect(a.revision.id).toBe(b.revision.id);
    expect(store.listRevisions(id).map((r) => r.id)).toEqual([a.revision.id]);
    await expect(inference.predictImage(id, { modelId: modelDir, tta: false, unpredictedOnly: true })).rejects.toMatchObject({ code: 'conflict' });
    expect(store.listRevisions(id)).toHaveLength(1);
  });

  it('a viewer gets the running prediction\'s mask before its revision is on disk, under the id it is then saved as', async () => {
    const store = getSession(ctx).require();
    const film = join(dir, 'early.png');
    await sharp(fixturePath('xray', 'CHNCXR_0010_0.png')).flip().png().toFile(film);
    const id = (await importPaths(store, [film], { copy: true })).imported[0].id;
    const events: { imageIds?: string[]; latestRevisionIds?: Record<string, string | null> }[] = [];
    const off = ctx.events.on('project', (event) => events.push(event));
    try {
      const handlers = createInferenceHandlers(ctx);
      expect(await handlers.predictedMask(id)).toBeNull(); // nothing running
      const predicting = handlers.predictImage(id, { modelId: modelDir, tta: false, unpredictedOnly: true });
      const made = await handlers.predictedMask(id);
      expect(made).not.toBeNull();
      // Not yet durable when the viewer has it: no revision in the store, no change event.
      expect(store.getImage(id).latestRevisionId).toBeNull();
      expect(events.filter((e) => e.imageIds?.includes(id))).toEqual([]);
      const result = await predicting;
      expect(result.revision.id).toBe(made!.revisionId);
      const saved = (await store.loadRevision(id))!;
      expect(saved.revision.id).toBe(made!.revisionId);
      expect(saved.mask.data).toEqual(made!.mask.data);
      // Each change event names the revision current after it: the viewer showing it needs no reload.
      expect(events.find((e) => e.imageIds?.includes(id))?.latestRevisionIds).toEqual({ [id]: made!.revisionId });
      expect(await handlers.predictedMask(id)).toBeNull();
    } finally {
      off();
    }
  });

  it('predicts a JPEG 2000 film from its reduced-resolution preview: the mask at the film\'s size, as from the full decode', async () => {
    const store = getSession(ctx).require();
    const report = await importPaths(store, [fixturePath('dicom', '966_fixed.dcm')], { copy: true });
    const id = report.imported[0].id;
    const result = await inference.predictImage(id, { modelId: modelDir, tta: false });
    const mask = (await store.loadRevision(id))!.mask;
    expect([mask.widthPx, mask.heightPx]).toEqual([2000, 2128]);
    const film = await decodeImage(new Uint8Array(await readFile(fixturePath('dicom', '966_fixed.dcm'))), { name: '966_fixed.dcm' });
    const fromFull = await inference.predictPixels(film.pixels, film.meta, { model: modelDir, tta: false });
    expect(result.areas.totalPx).toBeGreaterThan(0);
    expect(dice(confusion(mask.data, fromFull.mask.data))).toBeGreaterThan(0.97);
  });

  it('predicts a film opened in the viewer from its preview (JPEG lossless, 1760x2140): the mask at the film\'s size, as from the full pixels', async () => {
    const store = getSession(ctx).require();
    const report = await importPaths(store, [fixturePath('dicom', 'RG2_JPLL.dcm')], { copy: true });
    const id = report.imported[0].id;
    // unpredictedOnly: the viewer's prediction on open, which asks for the preview beside it
    const result = await inference.predictImage(id, { modelId: modelDir, tta: false, unpredictedOnly: true });
    const mask = (await store.loadRevision(id))!.mask;
    expect([mask.widthPx, mask.heightPx]).toEqual([1760, 2140]);
    const film = await decodeImage(new Uint8Array(await readFile(fixturePath('dicom', 'RG2_JPLL.dcm'))), { name: 'RG2_JPLL.dcm' });
    const fromFull = await inference.predictPixels(film.pixels, film.meta, { model: modelDir, tta: false });
    expect(result.areas.totalPx).toBeGreaterThan(0);
    expect(dice(confusion(mask.data, fromFull.mask.data))).toBeGreaterThan(0.97);
  });
});
