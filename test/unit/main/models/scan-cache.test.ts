// The registry's scan keeps the versions it read while their files stay the same, and reads a version
// again when its manifest or ONNX file is rewritten, added or removed (never a stale model).
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { scanVersions } from '../../../../src-main/services/models/store';
import { fixturePath } from '../../../helpers/paths';

const dirs: string[] = [];
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

function storeWithOneVersion(): { root: string; manifestPath: string } {
  const root = mkdtempSync(join(tmpdir(), 'pleura-scan-'));
  dirs.push(root);
  cpSync(fixturePath('models', 'tiny-lungs'), join(root, 'tiny'), { recursive: true });
  return { root, manifestPath: join(root, 'tiny', 'model.json') };
}

describe('scanVersions', () => {
  it('gives the same version again while its files are unchanged', async () => {
    const { root } = storeWithOneVersion();
    const [first] = await scanVersions(root, false);
    const [second] = await scanVersions(root, false);
    expect(second).toBe(first);
  });

  it('reads a rewritten manifest again', async () => {
    const { root, manifestPath } = storeWithOneVersion();
    const [first] = await scanVersions(root, false);
    const manifest = JSON.parse(readFileSync(manifestPath, 'utf8')) as { version: string };
    writeFileSync(manifestPath, JSON.stringify({ ...manifest, version: `${manifest.version}-rewritten` }, null, 2));
    const [second] = await scanVersions(root, false);
    expect(second.manifest.version).toBe(`${manifest.version}-rewritten`);
    expect(second.key).not.toBe(first.key);
  });

  it('drops a version whose ONNX file went, and sees a new version folder', async () => {
    const { root } = storeWithOneVersion();
    expect(await scanVersions(root, false)).toHaveLength(1);
    cpSync(join(root, 'tiny'), join(root, 'tiny-copy'), { recursive: true });
    const manifestPath = join(root, 'tiny-copy', 'model.json');
    const manifest = JSON.parse(readFileSync(manifestPath, 'utf8')) as { version: string };
    writeFileSync(manifestPath, JSON.stringify({ ...manifest, version: '9.9.9' }));
    expect(await scanVersions(root, false)).toHaveLength(2);
    rmSync(join(root, 'tiny', 'model.onnx'));
    const left = await scanVersions(root, false);
    expect(left.map((v) => v.manifest.version)).toEqual(['9.9.9']);
  });
});
