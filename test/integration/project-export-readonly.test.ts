import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { appendFile, cp, readFile, readdir } from 'node:fs/promises';
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { ProjectStore } from '../../src-main/services/project/store';
import { SnapshotView } from '../../src-main/services/project/snapshot-view';
import { importPaths } from '../../src-main/services/project/import';
import { exportProject } from '../../src-main/services/export/export';
import { PleuraError } from '../../src-shared/api/result';
import { fixturePath, repoRoot } from '../helpers/paths';
import { tempDir } from '../unit/main/project/helpers';

/** Runs `pleura ARGS` in a child process (another pid: it sees this process's lock as held). */
function pleura(args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [join(repoRoot, 'bin', 'pleura.mjs'), ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

describe('export while the project is open in another process', () => {
  let dir: string;
  let cleanup: () => Promise<void>;
  let store: ProjectStore;
  let project: string;

  beforeAll(async () => {
    ({ dir, cleanup } = await tempDir('pleura-export-ro-'));
    project = join(dir, 'project');
    store = await ProjectStore.create(project);
    await importPaths(store, [fixturePath('project', 'images')], { masks: 'import' });
    const [first] = store.listImages();
    await store.setStatus(first.id, 'approved');
  }, 60_000);
  afterAll(async () => {
    await store?.close();
    await cleanup();
  });

  it('`pleura export` reads a read-only view while this process holds the project open', async () => {
    const logBefore = await readFile(join(project, 'log.jsonl'), 'utf8');
    const out = join(dir, 'cli-csv');
    const run = await pleura(['export', project, '--format', 'png', '--out', out]);
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/read-only view/);
    expect(await readdir(out)).toHaveLength(1); // approved only, by default
    expect(await readFile(join(project, 'log.jsonl'), 'utf8')).toBe(logBefore); // nothing appended by the child
    // The owner is undisturbed: it still writes, and a new view sees that.
    const [, second] = store.listImages();
    await store.setStatus(second.id, 'approved');
    expect((await SnapshotView.open(project)).stored(second.id).status).toBe('approved');
    const again = await pleura(['export', project, '--format', 'png', '--out', join(dir, 'cli-csv-2'), '--json']);
    expect(again.code).toBe(0);
    expect(JSON.parse(again.stdout.trim().split('\n').at(-1)!)).toMatchObject({ exported: 2, audited: false });
  }, 120_000);

  it('stops at the last whole record: a record being appended is not in the view', async () => {
    const copy = join(dir, 'copy');
    await cp(project, copy, { recursive: true });
    const records = (await readFile(join(copy, 'log.jsonl'), 'utf8')).trim().split('\n').length;
    await appendFile(join(copy, 'log.jsonl'), '{"seq":999,"action":"status","detail":{},"chan');
    const view = await SnapshotView.open(copy);
    expect(view.seq).toBe(records);
    expect(view.listImages()).toEqual(store.listImages());
  });

  it('refuses a damaged log (good records after a bad one), as the store does', async () => {
    const copy = join(dir, 'damaged');
    await cp(project, copy, { recursive: true });
    const lines = (await readFile(join(copy, 'log.jsonl'), 'utf8')).split('\n');
    lines[1] = lines[1].replace('"import"', '"imporT"');
    await appendFile(join(copy, 'log.jsonl.new'), lines.join('\n'));
    await cp(join(copy, 'log.jsonl.new'), join(copy, 'log.jsonl'));
    await expect(SnapshotView.open(copy)).rejects.toThrow(/damaged/);
  });

  it('uses the snapshot and the log after it, and gives the same case ids as the store', async () => {
    const deid = { format: 'csv' as const, deidentify: true, approvedOnly: false };
    await expect(exportProject(await SnapshotView.open(project), { ...deid, outDir: join(dir, 'no-key') })).rejects.toThrow(PleuraError);
    await exportProject(store, { ...deid, outDir: join(dir, 'store-csv') });
    await store.close();
    store = await ProjectStore.open(project); // close wrote state.json; the view reads it
    await store.updateImage(store.listImages()[0].id, { userSpacingMm: 0.5 });
    const view = await SnapshotView.open(project);
    expect(view.listImages()).toEqual(store.listImages());
    const report = await exportProject(view, { ...deid, outDir: join(dir, 'view-csv') });
    expect(report.audited).toBe(false);
    const cases = async (name: string) => (await readFile(join(dir, name, 'measurements.csv'), 'utf8')).split('\n').slice(1).filter(Boolean).map((l) => l.split(',')[0]).sort();
    expect(await cases('view-csv')).toEqual(await cases('store-csv'));
  });

  it('exits 1 and names the flag when films are refused (burned-in), 0 once they are confirmed', async () => {
    const args = ['export', project, '--format', 'coco', '--all', '--deidentify'];
    const refused = await pleura([...args, '--out', join(dir, 'cli-coco-refused')]);
    expect(refused.code).toBe(1);
    expect(refused.stdout).toMatch(/refused .*raster film/);
    expect(refused.stdout).toMatch(/--confirm-burned-in/);
    const confirmed = await pleura([...args, '--confirm-burned-in', '--out', join(dir, 'cli-coco-confirmed')]);
    expect(confirmed.code).toBe(0);
    expect((await readdir(join(dir, 'cli-coco-confirmed', 'images'))).length).toBe(2);
  }, 120_000);
});
