// Serve mode with a root: every path the browser names stays inside it, symlinks resolved, and a
// refusal reads the same whether the outside path exists.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { copyFileSync, mkdirSync, mkdtempSync, realpathSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fixturePath } from '../../helpers/paths';
import { call, expectServing, startServeChild, type ServeChild } from './harness';

let server: ServeChild;
let base: string;
let root: string;

beforeAll(async () => {
  base = realpathSync(mkdtempSync(join(tmpdir(), 'pleura-serve-root-')));
  root = join(base, 'root');
  mkdirSync(join(root, 'films'), { recursive: true });
  mkdirSync(join(base, 'outside'));
  writeFileSync(join(base, 'outside', 'secret.txt'), 'secret');
  copyFileSync(fixturePath('xray', 'CHNCXR_0005_0.png'), join(base, 'outside', 'film.png'));
  copyFileSync(fixturePath('xray', 'CHNCXR_0010_0.png'), join(root, 'films', 'film.png'));
  symlinkSync(join(base, 'outside'), join(root, 'films', 'escape'));
  // masks beside films that lie outside the root: `../masks/` of a film at the root's top, and a
  // `<stem>_mask.png` that is a symlink out of it
  const film = 'COVIDGB_kjr-21-e24-g001-l-a.png';
  const other = 'COVIDGB_kjr-21-e24-g002-l-a.png';
  mkdirSync(join(base, 'masks'));
  copyFileSync(fixturePath('project', 'images', film), join(root, film));
  copyFileSync(fixturePath('project', 'masks', film), join(base, 'masks', film));
  mkdirSync(join(root, 'linked'));
  copyFileSync(fixturePath('project', 'images', other), join(root, 'linked', other));
  copyFileSync(fixturePath('project', 'masks', other), join(base, 'outside', 'mask.png'));
  symlinkSync(join(base, 'outside', 'mask.png'), join(root, 'linked', other.replace('.png', '_mask.png')));
  // and one inside, which is found
  mkdirSync(join(root, 'inside', 'images'), { recursive: true });
  mkdirSync(join(root, 'inside', 'masks'));
  copyFileSync(fixturePath('xray', 'COVIDGB_ARDSSevere.png'), join(root, 'inside', 'images', 'ards.png'));
  copyFileSync(fixturePath('xray', 'COVIDGB_ARDSSevere.mask.png'), join(root, 'inside', 'masks', 'ards.png'));
  server = await startServeChild({ PLEURA_TEST_ROOT: root });
});
afterAll(async () => {
  await server?.stop();
  rmSync(base, { recursive: true, force: true });
});

describe('serve --root', () => {
  it('creates a project inside the root and refuses one outside', async () => {
    const outside = await call(server, 'project', 'create', [join(base, 'elsewhere'), {}]);
    expect(outside).toMatchObject({ ok: false, code: 'forbidden' });
    const inside = await call(server, 'project', 'create', ['project', { name: 'p' }]);
    expect(inside.ok, JSON.stringify(inside)).toBe(true);
    expect((inside.value as { path: string }).path).toBe(join(root, 'project'));
  });

  it('imports from inside and refuses outside paths, also through a symlink, saying the same for existing and missing ones', async () => {
    const ok = await call(server, 'project', 'importPaths', [['films/film.png'], {}]);
    expect((ok.value as { imported: unknown[] }).imported).toHaveLength(1);
    const reasons: string[] = [];
    for (const path of [join(base, 'outside', 'film.png'), join(base, 'outside', 'missing.png'), 'films/escape/film.png', 'films/escape/missing.png', '../outside/secret.txt']) {
      const refused = await call(server, 'project', 'importPaths', [[path], {}]);
      expect(refused, path).toMatchObject({ ok: false, code: 'forbidden' });
      reasons.push(refused.reason!.replace(path, 'PATH'));
    }
    expect(new Set(reasons).size).toBe(1);
  });

  it('never reads a mask beside a film from outside the root (../masks/, a symlinked _mask.png)', async () => {
    const paths = ['COVIDGB_kjr-21-e24-g001-l-a.png', 'linked', 'inside/images'];
    const scan = await call(server, 'project', 'scanImport', [paths, {}]);
    expect(scan.ok, JSON.stringify(scan)).toBe(true);
    const found = scan.value as { images: { path: string; mask: string | null }[] };
    expect(found.images.map((image) => image.mask)).toEqual([null, null, join(root, 'inside', 'masks', 'ards.png')]);
    const imported = await call(server, 'project', 'importPaths', [paths, { masks: 'import' }]);
    const report = imported.value as { imported: unknown[]; masks?: { path: string }[]; rejected: unknown[] };
    expect(report.imported).toHaveLength(3);
    expect(report.masks?.map((mask) => mask.path)).toEqual([join(root, 'inside', 'masks', 'ards.png')]);
    expect(JSON.stringify(report)).not.toContain(base + '/masks');
  });

  it('refuses exports, opens and model imports outside the root', async () => {
    expect(await call(server, 'project', 'exportData', [{ format: 'csv', outDir: join(base, 'outside', 'export') }])).toMatchObject({ code: 'forbidden' });
    expect(await call(server, 'project', 'open', ['/'])).toMatchObject({ code: 'forbidden' });
    expect(await call(server, 'models', 'importModel', ['films/escape/secret.txt', '/etc/passwd'])).toMatchObject({ code: 'forbidden' });
    const inside = await call(server, 'project', 'exportData', [{ format: 'csv', outDir: 'export', approvedOnly: false }]);
    expect(inside.ok, JSON.stringify(inside)).toBe(true);
    await expectServing(server);
  });
});
