import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { spawn } from 'node:child_process';
import { cp, mkdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { createAppContext } from '../../src-main/services/create-context';
import { createHandlers } from '../../src-main/transport/handlers';
import { getSession } from '../../src-main/services/project/session';
import { ProjectStore } from '../../src-main/services/project/store';
import { importFiles } from '../../src-main/services/project/import';
import { readSnapshot } from '../../src-main/services/project/files';
import type { TrainingRun } from '../../src-shared/api/training';
import { fixturePath, repoRoot } from '../helpers/paths';
import { grayPng, patternMask, tempDir } from '../unit/main/project/helpers';

/** Issue #11: the lock and snapshot on shutdown, the runs list after a restart, rollback in the audit log. */
let dir: string;
let cleanup: () => Promise<void>;
beforeEach(async () => ({ dir, cleanup } = await tempDir('pleura-lifecycle-')));
afterEach(() => cleanup());

/** Starts `pleura serve` on a project (a stand-in page as the renderer) and resolves once it serves. */
function serve(projectPath: string, user: string): Promise<{ stop(signal: NodeJS.Signals): Promise<number | null>; stderr: () => string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [join(repoRoot, 'bin', 'pleura.mjs'), 'serve', '--json', '--no-build', '--project', projectPath, '--user', user], {
      cwd: repoRoot,
      env: { ...process.env, PLEURA_DATA_DIR: join(dir, 'data'), PLEURA_RENDERER_DIR: join(dir, 'renderer') },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stderr = '';
    let stdout = '';
    child.stderr.on('data', (chunk) => (stderr += String(chunk)));
    const timer = setTimeout(() => reject(new Error(`serve did not start: ${stderr}`)), 60_000);
    child.stdout.on('data', (chunk) => {
      stdout += String(chunk);
      if (!stdout.includes('"url"')) return;
      clearTimeout(timer);
      resolve({
        stderr: () => stderr,
        stop: (signal) => new Promise((done) => {
          child.once('exit', (code) => done(code));
          child.kill(signal);
        }),
      });
    });
    child.once('exit', (code) => reject(new Error(`serve exited with ${code}: ${stderr}`)));
  });
}

describe('shutdown releases the project', () => {
  for (const signal of ['SIGTERM', 'SIGINT'] as const) {
    it(`${signal} on serve writes the snapshot and releases the lock`, async () => {
      await mkdir(join(dir, 'renderer'));
      await writeFile(join(dir, 'renderer', 'index.html'), '<!doctype html><title>stand-in</title>');
      const path = join(dir, 'p');
      const store = await ProjectStore.create(path, { name: 'serve' });
      const imageId = (await importFiles(store, [{ name: 'a.png', bytes: await grayPng(6, 4, 1) }])).imported[0].id;
      await store.saveRevision(imageId, patternMask(6, 4, 1));
      await store.close();
      await rm(join(path, 'state.json'));
      const server = await serve(path, 'dr-serve');
      const lock = JSON.parse(await readFile(join(path, '.lock'), 'utf8')) as { user: string };
      expect(lock.user).toBe('dr-serve');
      expect(await server.stop(signal)).toBe(0);
      await expect(stat(join(path, '.lock'))).rejects.toMatchObject({ code: 'ENOENT' });
      const snapshot = await readSnapshot(path);
      expect(snapshot.kind === 'ok' && snapshot.snapshot.seq).toBe(3); // create, import, edit
    });
  }
});

describe('what the log remembers after a restart', () => {
  it('lists the training runs of the project from its log', async () => {
    const path = join(dir, 'p');
    const first = createAppContext({ transport: 'cli', dataDir: join(dir, 'data'), builtinModelsDir: join(dir, 'none') });
    const store = await getSession(first).create(path, { name: 'runs' });
    const run: TrainingRun = {
      runId: 'run-1', jobId: 'job-9', state: 'done', startedAt: '2026-12-01T10:00:00.000Z', options: { epochs: 3, mode: 'decoder' },
      resultModel: 'unet@ft-1', validation: { dice: 0.91, iou: 0.84 }, activeValidation: { dice: 0.9, iou: 0.82 }, promoted: true,
      history: [{ epoch: 0, loss: 0.5, dice: 0.8, valDice: 0.85 }], stop: { kind: 'completed', epochsRun: 1, epochs: 3, bestEpoch: 1 },
    };
    // What the fine-tune service writes when a run ends.
    await store.appendAudit('train', { runId: run.runId, result: run.resultModel, promoted: true, run: { ...run, jobId: null } });
    await store.appendAudit('train', { runId: 'run-0', base: 'unet@1', result: 'unet@ft-0', valDice: 0.8, activeValDice: null, promoted: false, mode: 'full' });
    await getSession(first).close();

    const second = createAppContext({ transport: 'cli', dataDir: join(dir, 'data'), builtinModelsDir: join(dir, 'none') });
    const api = createHandlers(second);
    expect(await api.training.runs()).toEqual([]);
    await api.project.open(path);
    const runs = await api.training.runs();
    expect(runs.map((r) => r.runId)).toEqual(['run-1', 'run-0']);
    expect(runs[0]).toEqual({ ...run, jobId: null });
    expect(runs[1]).toMatchObject({ state: 'done', resultModel: 'unet@ft-0', promoted: false, options: { baseModelId: 'unet@1', mode: 'full' } });
    await getSession(second).close();
  });

  it('writes promotion and rollback of the active model to the audit log', async () => {
    const versions = join(dir, 'versions');
    for (const version of ['1.0.0', '2.0.0']) {
      const target = join(versions, version);
      await cp(fixturePath('models', 'tiny-lungs'), target, { recursive: true });
      const manifest = JSON.parse(await readFile(join(target, 'model.json'), 'utf8')) as { version: string };
      await writeFile(join(target, 'model.json'), JSON.stringify({ ...manifest, version }));
    }
    const ctx = createAppContext({ transport: 'cli', dataDir: join(dir, 'data'), builtinModelsDir: join(dir, 'none') });
    const api = createHandlers(ctx);
    await api.project.create(join(dir, 'p'), { name: 'models' });
    for (const version of ['1.0.0', '2.0.0']) {
      const added = await api.models.importModel(join(versions, version, 'model.onnx'), join(versions, version, 'model.json'));
      await api.models.activate(added.key);
    }
    const back = await api.models.rollback();
    expect(back.key).toBe('tiny-lungs@1.0.0');
    const audit = await api.project.audit({});
    expect(audit[0]).toMatchObject({ action: 'rollback', detail: { from: 'tiny-lungs@2.0.0', to: 'tiny-lungs@1.0.0' } });
    expect(audit[1]).toMatchObject({ action: 'promote', detail: { key: 'tiny-lungs@2.0.0', from: 'tiny-lungs@1.0.0', by: 'user' } });
    await getSession(ctx).close();
  });
});
