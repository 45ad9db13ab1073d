import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import sharp from 'sharp';
import type { LabelMask } from '../../../../src-shared/api/masks';

/** A fresh temp folder; `cleanup` removes it. */
export async function tempDir(prefix = 'pleura-project-'): Promise<{ dir: string; cleanup: () => Promise<void> }> {
  const dir = await mkdtemp(join(tmpdir(), prefix));
  return { dir, cleanup: () => rm(dir, { recursive: true, force: true }) };
}

/** A small grey PNG whose content depends on `seed` (different seeds, different hashes). */
export async function grayPng(widthPx: number, heightPx: number, seed: number): Promise<Uint8Array> {
  const pixels = Buffer.alloc(widthPx * heightPx);
  for (let i = 0; i < pixels.length; i++) pixels[i] = (i * 7 + seed * 31) & 0xff;
  return new Uint8Array(await sharp(pixels, { raw: { width: widthPx, height: heightPx, channels: 1 } }).png().toBuffer());
}

/** A label mask with a pattern that depends on `seed`, using labels 0, 1 and 2. */
export function patternMask(widthPx: number, heightPx: number, seed: number): LabelMask {
  const data = new Uint8Array(widthPx * heightPx);
  for (let y = 0; y < heightPx; y++) {
    for (let x = 0; x < widthPx; x++) data[y * widthPx + x] = ((x * 3 + y * 5 + seed) % 7) % 3;
  }
  return { widthPx, heightPx, data };
}
