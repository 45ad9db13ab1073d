import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { appendFile, readFile, readdir, stat, truncate, writeFile } from 'node:fs/promises';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { ProjectStore } from '../../src-main/services/project/store';
import { importFiles } from '../../src-main/services/project/import';
import { verifyProject } from '../../src-main/services/project/verify';
import { diskIo } from '../../src-main/services/project/durable';
import { repoRoot } from '../helpers/paths';
import { createAppContext } from '../../src-main/services/create-context';
import { createHandlers } from '../../src-main/transport/handlers';
import { getSession } from '../../src-main/services/project/session';
import { grayPng, patternMask, tempDir } from '../unit/main/project/helpers';

/**
 * Issue #11's damage table: every kind of damage is either repaired with a warning that says what was
 * kept and where the rest went, or refused with how to recover. Never opened silently.
 */
let dir: string;
let cleanup: () => Promise<void>;
beforeEach(async () => ({ dir, cleanup } = await tempDir('pleura-damage-')));
afterEach(() => cleanup());

/** A closed project with one image and `saves` user revisions; returns the revision ids. */
async function project(saves: number): Promise<{ path: string; imageId: string; revisionIds: string[] }> {
  const path = join(dir, 'p');
  const store = await ProjectStore.create(path, { name: 'damage', user: 'ana' });
  const imageId = (await importFiles(store, [{ name: 'a.png', bytes: await grayPng(6, 4, 1) }])).imported[0].id;
  const revisionIds: string[] = [];
  for (let i = 0; i < saves; i++) revisionIds.push((await store.saveRevision(imageId, patternMask(6, 4, i))).id);
  await store.close();
  return { path, imageId, revisionIds };
}

function verifyCli(path: string): { status: number | null; stdout: string } {
  const result = spawnSync(process.execPath, [join(repoRoot, 'bin', 'pleura.mjs'), 'project', 'verify', path], { cwd: repoRoot, encoding: 'utf8' });
  return { status: result.status, stdout: result.stdout };
}

describe('damage is never silent', () => {
  it('a damaged last record is moved to a side file, with a warning; earlier saves stay', async () => {
    const { path, imageId, revisionIds } = await project(10);
    await writeFile(join(path, 'state.json'), ''); // make the log the only source (no snapshot past the damage)
    const log = join(path, 'log.jsonl');
    const text = await readFile(log, 'utf8');
    const lines = text.split('\n');
    const last = lines[lines.length - 2];
    lines[lines.length - 2] = last.replace('"edit"', '"edlt"');
    await writeFile(log, lines.join('\n'));
    const store = await ProjectStore.open(path);
    expect(store.warnings.join(' ')).toMatch(/last record.*damaged.*moved to damaged\/log-tail-/);
    expect(store.getImage(imageId).latestRevisionId).toBe(revisionIds[8]);
    expect(store.listRevisions(imageId)).toHaveLength(9);
    await store.close();
    const side = await readdir(join(path, 'damaged'));
    expect(side).toHaveLength(1);
    expect(await readFile(join(path, 'damaged', side[0]), 'utf8')).toBe(`${lines[lines.length - 2]}\n`);
  });

  it('a torn (unfinished) last write is kept aside and reported, not silently cut', async () => {
    const { path } = await project(2);
    await appendFile(join(path, 'log.jsonl'), '{"seq":99,"at":"2026');
    const store = await ProjectStore.open(path);
    expect(store.warnings.join(' ')).toMatch(/interrupted write.*moved to damaged\//);
    await store.close();
  });

  it('a log shorter than its snapshot is refused as corrupt with how to restore, and nothing is cut', async () => {
    const { path } = await project(10);
    const log = join(path, 'log.jsonl');
    const lines = (await readFile(log, 'utf8')).split('\n');
    const kept = `${lines.slice(0, 5).join('\n')}\n`;
    await writeFile(log, kept); // 8 of the 10 saves gone: an older copy of the log
    await expect(ProjectStore.open(path)).rejects.toMatchObject({ code: 'corrupt', message: expect.stringMatching(/includes 12 changes but log.jsonl holds only 5.*backup.*state\.json/) });
    expect(await readFile(log, 'utf8')).toBe(kept);
    await expect(readFile(join(path, '.lock'))).rejects.toMatchObject({ code: 'ENOENT' });
    const cli = verifyCli(path);
    expect(cli.status).toBe(1);
    expect(cli.stdout).toMatch(/holds only 5/);
  });

  it('a damaged last record that the snapshot includes is refused, not cut', async () => {
    const { path } = await project(3);
    const log = join(path, 'log.jsonl');
    const text = await readFile(log, 'utf8');
    const damaged = text.slice(0, -10) + (text.at(-10) === 'x' ? 'y' : 'x') + text.slice(-9);
    await writeFile(log, damaged);
    await expect(ProjectStore.open(path)).rejects.toMatchObject({ code: 'corrupt' });
    expect(await readFile(log, 'utf8')).toBe(damaged);
  });

  it('every single-bit flip in state.json is caught: a warning, and the state rebuilt from the log', async () => {
    const { path, imageId, revisionIds } = await project(3);
    const snapshotPath = join(path, 'state.json');
    const original = await readFile(snapshotPath);
    const expected = { latestRevisionId: revisionIds[2], status: 'corrected' };
    let warned = 0;
    for (let i = 0; i < 60; i++) {
      const flipped = Buffer.from(original);
      const byte = Math.floor(((i + 0.5) / 60) * flipped.length);
      flipped[byte] ^= 1 << (i % 8);
      await writeFile(snapshotPath, flipped);
      const store = await ProjectStore.open(path);
      expect(store.getImage(imageId)).toMatchObject(expected);
      expect(store.listRevisions(imageId).map((r) => r.id)).toEqual(revisionIds);
      if (store.warnings.some((w) => /state\.json was damaged/.test(w))) warned++;
      await store.close();
    }
    expect(warned).toBe(60);
  });

  it('mid-log damage behind a snapshot is found by verify (CLI exit 1) though the project opens', async () => {
    const { path } = await project(3);
    const log = join(path, 'log.jsonl');
    const lines = (await readFile(log, 'utf8')).split('\n');
    lines[1] = lines[1].replace('"import"', '"imp0rt"');
    await writeFile(log, lines.join('\n'));
    const store = await ProjectStore.open(path);
    await store.close();
    const report = await verifyProject(path);
    expect(report.ok).toBe(false);
    expect(report.problems.join(' ')).toMatch(/damaged at byte \d+ .*after change 1/);
    const cli = verifyCli(path);
    expect(cli.status).toBe(1);
    expect(cli.stdout).toMatch(/damaged/);
  });

  it('the app runs the check in the background after opening and reports what it found', async () => {
    const { path } = await project(3);
    const log = join(path, 'log.jsonl');
    const lines = (await readFile(log, 'utf8')).split('\n');
    lines[1] = lines[1].replace('"import"', '"imp0rt"');
    await writeFile(log, lines.join('\n'));
    const ctx = createAppContext({ transport: 'serve', user: 'dr-x', dataDir: join(dir, 'data'), builtinModelsDir: join(dir, 'none') });
    const events: { kind: string; warnings?: string[] }[] = [];
    ctx.events.on('project', (event) => events.push(event));
    const api = createHandlers(ctx);
    const opened = await api.project.open(path);
    expect(opened.warnings).toEqual([]); // the snapshot hides it from the open itself
    await getSession(ctx).verified();
    expect(events.find((e) => e.kind === 'warnings')?.warnings?.join(' ')).toMatch(/log.jsonl is damaged at byte/);
    expect((await api.project.current())?.warnings.join(' ')).toMatch(/log.jsonl is damaged at byte/);
    expect((await api.project.verify()).ok).toBe(false);
    await getSession(ctx).close();
  });

  it('verify finds a damaged revision file and a damaged image; an intact project exits 0', async () => {
    const { path, imageId, revisionIds } = await project(2);
    expect(verifyCli(path)).toMatchObject({ status: 0, stdout: expect.stringMatching(/intact/) });
    const file = join(path, 'masks', imageId, `${revisionIds[0]}.bin`);
    const bytes = await readFile(file);
    bytes[bytes.length - 1] ^= 0x10;
    await writeFile(file, bytes);
    const image = (await readdir(join(path, 'images')))[0];
    await truncate(join(path, 'images', image), 10);
    const report = await verifyProject(path);
    expect(report).toMatchObject({ ok: false, revisions: 2, images: 1 });
    expect(report.problems.join(' ')).toMatch(new RegExp(`${revisionIds[0]}.*damaged`));
    expect(report.problems.join(' ')).toMatch(/image file of a\.png .* damaged/);
  });
});

describe('locks', () => {
  it('a lock of another computer is refused naming who holds it; only breakLock takes it over', async () => {
    const { path } = await project(1);
    const foreign = { pid: 4242, host: 'radiology-pc-7', user: 'dr-b', at: '2026-12-01T10:00:00.000Z' };
    await writeFile(join(path, '.lock'), JSON.stringify(foreign));
    await expect(ProjectStore.open(path)).rejects.toMatchObject({ code: 'conflict', message: expect.stringMatching(/radiology-pc-7.*dr-b/), details: { lock: foreign } });
    expect(JSON.parse(await readFile(join(path, '.lock'), 'utf8'))).toEqual(foreign);
    const store = await ProjectStore.open(path, { breakLock: true });
    expect(store.warnings.join(' ')).toMatch(/radiology-pc-7.*broken on request/);
    expect(JSON.parse(await readFile(join(path, '.lock'), 'utf8'))).toMatchObject({ pid: process.pid, host: hostname(), user: 'ana' });
    await store.close();
    await expect(readFile(join(path, '.lock'))).rejects.toMatchObject({ code: 'ENOENT' });
  });

  it('an empty or garbled lock is stale: taken over with a warning', async () => {
    const { path } = await project(1);
    for (const content of ['', '{"pid":', 'garbage\n\u0000']) {
      await writeFile(join(path, '.lock'), content);
      const store = await ProjectStore.open(path);
      expect(store.warnings.join(' ')).toMatch(/lock file was empty or unreadable/);
      await store.close();
    }
  });

  it('a second open in the same process is refused', async () => {
    const { path } = await project(1);
    const store = await ProjectStore.open(path);
    await expect(ProjectStore.open(path)).rejects.toMatchObject({ code: 'conflict' });
    await store.close();
  });
});

describe('full or read-only disk, orphans', () => {
  const original = diskIo.write;
  afterEach(() => {
    diskIo.write = original;
  });

  for (const code of ['ENOSPC', 'EROFS']) {
    it(`a project on a ${code === 'ENOSPC' ? 'full' : 'read-only'} disk opens read-only: viewable, exportable, saves refused with the reason`, async () => {
      const { path, imageId, revisionIds } = await project(2);
      await appendFile(join(path, 'log.jsonl'), '{"torn'); // a repair it cannot make on this disk
      diskIo.write = async () => {
        throw Object.assign(new Error(code), { code });
      };
      const store = await ProjectStore.open(path);
      expect(store.readOnly).toBe(true);
      expect(store.summary()).toMatchObject({ readOnly: true, warnings: [expect.stringMatching(/read-only/), expect.stringMatching(/left in place/)] });
      expect((await store.loadRevision(imageId))?.revision.id).toBe(revisionIds[1]);
      await expect(store.saveRevision(imageId, patternMask(6, 4, 9))).rejects.toMatchObject({ code: 'forbidden', message: expect.stringMatching(/read-only/) });
      await expect(store.setStatus(imageId, 'approved')).rejects.toMatchObject({ code: 'forbidden' });
      await store.close();
      await expect(readFile(join(path, '.lock'))).rejects.toMatchObject({ code: 'ENOENT' });
      diskIo.write = original;
      const writable = await ProjectStore.open(path);
      expect(writable.readOnly).toBe(false);
      await writable.close();
    });
  }

  it('removes orphan temp files of interrupted writes on open and says so', async () => {
    const { path, imageId } = await project(1);
    const orphans = [join(path, '.state.json.0123456789ab.tmp'), join(path, 'masks', imageId, '.x.bin.abcdefabcdef.tmp')];
    for (const orphan of orphans) await writeFile(orphan, 'half');
    await writeFile(join(path, 'masks', imageId, 'notes.tmp'), 'not ours'); // not a temp file of ours: left alone
    const store = await ProjectStore.open(path);
    expect(store.warnings).toContainEqual(expect.stringMatching(/Removed 2 unfinished temporary file/));
    // the same warning by key, in the same place, for the window to show in its language
    const summary = store.summary();
    expect(summary.warningTexts?.[summary.warnings.findIndex((w) => w.startsWith('Removed 2'))]).toEqual({ key: 'project.orphansRemoved', params: { count: 2 } });
    await store.close();
    for (const orphan of orphans) await expect(stat(orphan)).rejects.toMatchObject({ code: 'ENOENT' });
    expect((await stat(join(path, 'masks', imageId, 'notes.tmp'))).size).toBe(8);
  });
});
