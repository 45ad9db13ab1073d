import { describe, expect, it } from 'vitest';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import sharp from 'sharp';
import { repoRoot } from '../../helpers/paths';

const builderYml = readFileSync(join(repoRoot, 'electron-builder.yml'), 'utf8');

describe('packaging resources', () => {
  it('every icon and background electron-builder.yml names exists', () => {
    const referenced = [...builderYml.matchAll(/^\s*(?:icon|background|installerIcon|uninstallerIcon):\s*(\S+)/gm)].map((m) => m[1]);
    expect(referenced).toEqual(expect.arrayContaining(['resources/icon.png', 'resources/icons', 'resources/dmg-background.png']));
    for (const path of referenced) expect(existsSync(join(repoRoot, path)), path).toBe(true);
    expect(builderYml).toMatch(/buildResources: resources/);
  });

  it('the app icon is a 1024 px square PNG and Linux gets every size from 16 to 1024 px', async () => {
    expect(await sharp(join(repoRoot, 'resources', 'icon.png')).metadata()).toMatchObject({ format: 'png', width: 1024, height: 1024 });
    for (const sizePx of [16, 24, 32, 48, 64, 128, 256, 512, 1024]) {
      const meta = await sharp(join(repoRoot, 'resources', 'icons', `${sizePx}x${sizePx}.png`)).metadata();
      expect([meta.width, meta.height, meta.hasAlpha]).toEqual([sizePx, sizePx, true]);
    }
    expect(existsSync(join(repoRoot, 'resources', 'icon.svg'))).toBe(true);
  });
});
