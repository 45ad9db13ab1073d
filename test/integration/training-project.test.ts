import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cp, mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { AppContext } from '../../src-main/services/context';
import { createAppContext } from '../../src-main/services/create-context';
import { getModelRegistry } from '../../src-main/services/models/registry';
import { importPaths } from '../../src-main/services/project/import';
import { getSession } from '../../src-main/services/project/session';
import { createTrainingHandlers } from '../../src-main/services/training/handlers';
import { getFineTuneService } from '../../src-main/services/training/finetune';
import { getTrainingHost } from '../../src-main/services/training/host';
import { decodeGrey8 } from '../../src-main/workers/training/data';
import { fixturePath, repoRoot } from '../helpers/paths';

const lungs = fixturePath('lungs');
let root: string;
let ctx: AppContext;

describe('fine-tuning on a project\'s approved masks', () => {
  beforeAll(async () => {
    root = await mkdtemp(join(tmpdir(), 'pleura-finetune-'));
    ctx = createAppContext({ transport: 'cli', dataDir: join(root, 'data'), builtinModelsDir: join(root, 'builtin') });
    const store = await getSession(ctx).create(join(root, 'project'), { name: 'fine-tune test', copyImages: true });
    const names = (await readdir(join(lungs, 'images'))).sort();
    const report = await importPaths(store, names.map((n) => join(lungs, 'images', n)), { copy: true });
    expect(report.imported.length).toBe(names.length);
    // Approve the first two only for now; the rest stay new.
    for (const [index, record] of report.imported.entries()) {
      const mask = await decodeGrey8(join(lungs, 'masks', record.name));
      await store.saveRevision(record.id, { widthPx: mask.widthPx, heightPx: mask.heightPx, data: Uint8Array.from(mask.data, (v) => (v ? 1 : 0)) }, { source: { kind: 'reference', file: record.name } });
      if (index < 1) await store.setStatus(record.id, 'approved');
    }
    // A small base model with TF.js weights, active in the project's store.
    const registry = getModelRegistry(ctx);
    await getTrainingHost(ctx).run({
      model: { kind: 'new', architecture: 'unet-bn', inputPx: 64, baseFilters: 4, depth: 3 },
      train: [{ kind: 'dataset', dir: lungs, subset: 'train' }],
      val: [],
      options: { epochs: 2, batchSize: 5, augment: false },
      outDir: join(registry.versionsDir(), 'project-lungs@base'),
      manifest: { id: 'project-lungs', version: 'base', name: 'Project lungs' },
    }, { inProcess: true });
    await registry.add(join(registry.versionsDir(), 'project-lungs@base'));
    // The base ships a fixed reference set, as the shipped model does: versions trained from it are judged on it too.
    await cp(join(repoRoot, 'models', 'pleura-lungs-unet-2.0.0', 'reference'), join((await registry.resolve('project-lungs@base')).dir, 'reference'), { recursive: true });
    await registry.activate('project-lungs@base');
    expect((await registry.active())?.key).toBe('project-lungs@base');
  });

  afterAll(async () => {
    await getSession(ctx).close();
    await rm(root, { recursive: true, force: true });
  });

  it('refuses with fewer than two approved masks', async () => {
    const { done, runId } = getFineTuneService(ctx).start({ epochs: 1 });
    await expect(done).rejects.toThrow(/at least 2 approved/);
    expect(getFineTuneService(ctx).runs.get(runId)!.stop).toMatchObject({ kind: 'error', epochsRun: 0, epochs: 1, code: 'invalid-argument' });
  });

  it('trains a new version from the active model, validates it on held-out approved images, records the run', async () => {
    const store = getSession(ctx).require();
    for (const record of store.listImages()) await store.setStatus(record.id, 'approved');
    const handlers = createTrainingHandlers(ctx);
    const jobEvents: string[] = [];
    ctx.events.on('job', (e) => jobEvents.push(e.type));
    const { runId } = await handlers.fineTune({ epochs: 2, batchSize: 4, mode: 'decoder' });
    const run = await getFineTuneService(ctx).runs.get(runId)!;
    await new Promise<void>((resolve, reject) => {
      const off = ctx.events.on('job', (e) => {
        if (e.type === 'result') { off(); resolve(); }
        if (e.type === 'error' || e.type === 'cancelled') { off(); reject(new Error(JSON.stringify(e))); }
      });
    });
    expect(run.state).toBe('done');
    expect(run.resultModel).toMatch(/^project-lungs@/);
    expect(run.history.length).toBe(2);
    expect(run.stop).toMatchObject({ kind: 'completed', epochsRun: 2, epochs: 2 });
    expect(run.validation!.dice).toBeGreaterThanOrEqual(0);
    expect(run.reference!.dice).toBeGreaterThanOrEqual(0);
    expect(run.activeReference!.dice).toBeGreaterThanOrEqual(0);
    expect(run.promoted).toBe(run.validation!.dice >= run.activeValidation!.dice && run.reference!.dice >= run.activeReference!.dice);
    const listed = await getModelRegistry(ctx).list();
    expect(listed.find((v) => v.key === run.resultModel)?.reference?.set).toBe('reference:project-lungs@base');
    expect(jobEvents).toEqual(expect.arrayContaining(['progress', 'metrics', 'log', 'result']));
    const version = await getModelRegistry(ctx).resolve(run.resultModel!);
    expect(version.manifest.training.parent).toBe('project-lungs@base');
    expect(version.manifest.training.data.join(' ')).toMatch(/fine-tune test/);
    expect((await handlers.runs()).map((r) => r.runId)).toContain(runId);
    const audit = await store.audit({});
    expect(audit.some((entry) => entry.action === 'train')).toBe(true);
  });
});
