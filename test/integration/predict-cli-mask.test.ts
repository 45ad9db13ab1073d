import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import sharp from 'sharp';
import { fixturePath, repoRoot } from '../helpers/paths';
import { tempDir } from '../unit/main/project/helpers';

/** `pleura predict` writes masks nnU-Net and other tools read as one channel, not 8-bit RGB. */
describe('pleura predict mask PNG', () => {
  let dir: string;
  let cleanup: () => Promise<void>;
  beforeAll(async () => ({ dir, cleanup } = await tempDir('pleura-predict-png-')));
  afterAll(() => cleanup());

  it.each([[false], [true]])('is single-channel 8-bit grey (labels %s)', async (labels) => {
    const out = join(dir, `out-${labels}`);
    const args = [join(repoRoot, 'bin', 'pleura.mjs'), 'predict', fixturePath('xray', 'CHNCXR_0005_0.png'), '--out', out, '--model', fixturePath('models', 'tiny-lungs'), '--no-tta', '--json', ...(labels ? ['--labels'] : [])];
    const run = spawnSync(process.execPath, args, { encoding: 'utf8', timeout: 120_000 });
    expect(run.status, run.stderr).toBe(0);
    const meta = await sharp(join(out, 'CHNCXR_0005_0.png')).metadata();
    expect([meta.channels, meta.depth, meta.width, meta.height]).toEqual([1, 'uchar', 512, 512]);
    const values = new Set(await sharp(join(out, 'CHNCXR_0005_0.png')).extractChannel(0).raw().toBuffer());
    expect([...values].every((v) => (labels ? v <= 2 : v === 0 || v === 255))).toBe(true);
  }, 180_000);
});
