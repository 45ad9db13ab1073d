import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdirSync, mkdtempSync, readFileSync, readdirSync, realpathSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Api } from '../../../../src-shared/api';
import { confineApi, confinePath, PATH_PARAMETERS } from '../../../../src-main/transport/confine';
import { repoRoot } from '../../../helpers/paths';

let base: string;
let root: string;
let outside: string;

beforeAll(() => {
  base = realpathSync(mkdtempSync(join(tmpdir(), 'pleura-confine-')));
  root = join(base, 'root');
  outside = join(base, 'outside');
  mkdirSync(join(root, 'films'), { recursive: true });
  mkdirSync(outside);
  writeFileSync(join(outside, 'secret.txt'), 'secret');
  writeFileSync(join(root, 'films', 'a.png'), 'x');
  symlinkSync(outside, join(root, 'escape'));
  symlinkSync(join(root, 'films'), join(root, 'films-link'));
});
afterAll(() => rmSync(base, { recursive: true, force: true }));

describe('confinePath', () => {
  it('allows paths inside the root, relative ones taken from the root, and ones that do not exist yet', async () => {
    expect(await confinePath(root, join(root, 'films', 'a.png'))).toBe(join(root, 'films', 'a.png'));
    expect(await confinePath(root, 'films/a.png')).toBe(join(root, 'films', 'a.png'));
    expect(await confinePath(root, join(root, 'new-project', 'deeper'))).toBe(join(root, 'new-project', 'deeper'));
    expect(await confinePath(root, join(root, 'films-link', 'a.png'))).toBe(join(root, 'films', 'a.png'));
    expect(await confinePath(root, root)).toBe(root);
  });

  it('refuses escapes by .., by absolute paths and through symlinks, with one message whether the target exists', async () => {
    const refusals = [
      join(root, '..', 'outside', 'secret.txt'),
      '../outside/secret.txt',
      join(outside, 'secret.txt'),
      join(outside, 'does-not-exist.txt'),
      join(root, 'escape', 'secret.txt'),
      join(root, 'escape', 'does-not-exist.txt'),
      '/etc/passwd',
      '/no/such/place',
      'films/\0a',
    ];
    const messages: string[] = [];
    for (const raw of refusals) {
      const error = await confinePath(root, raw).then(() => null, (e: Error & { code?: string }) => e);
      expect(error, raw).not.toBeNull();
      expect(error!.code).toBe('forbidden');
      messages.push(error!.message.replace(raw, 'PATH'));
    }
    expect(new Set(messages).size).toBe(1);
  });
});

describe('confineApi', () => {
  it('confines every path argument before the handler sees it', async () => {
    const seen: unknown[][] = [];
    const record = (...args: unknown[]) => {
      seen.push(args);
      return Promise.resolve(null as never);
    };
    const api = { project: { create: record, open: record, importPaths: record, scanImport: record, exportData: record, close: record }, models: { importModel: record, list: record } } as unknown as Api;
    const confined = await confineApi(api, root);
    await confined.project.importPaths(['films', 'films-link/a.png'], {});
    expect(seen.pop()).toEqual([[join(root, 'films'), join(root, 'films', 'a.png')], {}]);
    await expect(confined.project.open(join(root, 'escape'))).rejects.toMatchObject({ code: 'forbidden' });
    await expect(confined.project.create('/tmp/x', {})).rejects.toMatchObject({ code: 'forbidden' });
    await expect(confined.project.scanImport(['films', '/etc'], {})).rejects.toMatchObject({ code: 'forbidden' });
    await expect(confined.project.exportData({ format: 'png', outDir: '../outside' })).rejects.toMatchObject({ code: 'forbidden' });
    await expect(confined.models.importModel('films/a.png', '/etc/passwd')).rejects.toMatchObject({ code: 'forbidden' });
    expect(seen).toEqual([]);
  });

  it('lists every path-like parameter of the contract', () => {
    // every parameter or option named *path*, *Path*, *Dir* or *dir* in the contract's interfaces
    const dir = join(repoRoot, 'src-shared', 'api');
    const found = new Set<string>();
    for (const file of readdirSync(dir).filter((f) => f.endsWith('.ts'))) {
      const text = readFileSync(join(dir, file), 'utf8');
      for (const block of text.matchAll(/export interface (\w+)Api \{([\s\S]*?)\n\}/g)) {
        const domain = block[1].charAt(0).toLowerCase() + block[1].slice(1);
        for (const method of block[2].matchAll(/^\s+(\w+)\(([^)]*)\)/gm)) {
          if (/\b\w*(path|Path|Paths|paths|Dir|dir)\b\s*:/.test(method[2])) found.add(`${domain}.${method[1]}`);
        }
      }
      if (/outDir/.test(text) && file === 'project.ts') found.add('project.exportData');
    }
    expect([...found].sort()).toEqual(Object.keys(PATH_PARAMETERS).sort());
  });
});
