import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cp, mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createAppContext } from '../../src-main/services/create-context';
import { getModelRegistry } from '../../src-main/services/models/registry';
import { fixturePath } from '../helpers/paths';

/**
 * Shipping a new default model next to the old one (issue #17): with no explicit choice the newest
 * built-in version is active, both stay listed, an explicit choice survives the update, rollback works.
 */
let root: string;

async function builtIn(dir: string, version: string, createdAt: string): Promise<void> {
  const target = join(root, 'builtin', dir);
  await mkdir(target, { recursive: true });
  await cp(fixturePath('models', 'tiny-lungs', 'model.onnx'), join(target, 'model.onnx'));
  const manifest = JSON.parse(await readFile(fixturePath('models', 'tiny-lungs', 'model.json'), 'utf8')) as Record<string, unknown>;
  await writeFile(join(target, 'model.json'), JSON.stringify({ ...manifest, id: 'lungs', version, createdAt }));
}

beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'pleura-versions-'));
  // Folder names sort the other way round on purpose: the manifests' createdAt decides.
  await builtIn('z-lungs-1.0.0', '1.0.0', '2026-11-27T04:00:00.000Z');
  await builtIn('a-lungs-2.0.0', '2.0.0', '2026-12-02T02:00:00.000Z');
});
afterAll(async () => {
  await rm(root, { recursive: true, force: true });
});

describe('shipped model versions', () => {
  it('makes the newest built-in version the default and lists the older one beside it', async () => {
    const registry = getModelRegistry(createAppContext({ transport: 'cli', dataDir: join(root, 'fresh'), builtinModelsDir: join(root, 'builtin') }));
    expect((await registry.active())?.key).toBe('lungs@2.0.0');
    expect((await registry.resolve('lungs')).key).toBe('lungs@2.0.0');
    const listed = await registry.list();
    expect(listed.map((v) => [v.key, v.builtIn, v.active])).toEqual([['lungs@1.0.0', true, false], ['lungs@2.0.0', true, true]]);
  });

  it('keeps a store that chose the old version on it, and rolls back between the two', async () => {
    const dataDir = join(root, 'chose-old');
    const registry = getModelRegistry(createAppContext({ transport: 'cli', dataDir, builtinModelsDir: join(root, 'builtin') }));
    await registry.activate('lungs@1.0.0');
    expect((await registry.active())?.key).toBe('lungs@1.0.0');
    // A later process (the app after the update) reads the same store.
    const later = getModelRegistry(createAppContext({ transport: 'cli', dataDir, builtinModelsDir: join(root, 'builtin') }));
    expect((await later.active())?.key).toBe('lungs@1.0.0');
    expect((await later.resolve('lungs@1.0.0')).builtIn).toBe(true);
    expect((await later.rollback()).key).toBe('lungs@2.0.0');
    await later.activate('lungs@1.0.0');
    expect((await later.rollback()).key).toBe('lungs@2.0.0');
  });
});
