// Renders the app icon and installer artwork from resources/icon.svg with sharp (run after changing the
// SVG: `node --import tsx scripts/make-icons.ts`). electron-builder reads them from resources/ (its
// buildResources): icon.png (1024 px; it derives the Windows .ico and macOS .icns from it), icons/NxN.png
// for Linux desktop entries, and dmg-background.png for the macOS disk image.
import { mkdir, readFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import sharp from 'sharp';

const resources = join(dirname(fileURLToPath(import.meta.url)), '..', 'resources');
export const linuxIconSizesPx = [16, 24, 32, 48, 64, 128, 256, 512, 1024];

async function main(): Promise<void> {
  const svg = await readFile(join(resources, 'icon.svg'));
  const render = (sizePx: number) => sharp(svg, { density: Math.max(72, (72 * sizePx) / 1024) }).resize(sizePx, sizePx).png({ compressionLevel: 9 });
  await render(1024).toFile(join(resources, 'icon.png'));
  await mkdir(join(resources, 'icons'), { recursive: true });
  for (const sizePx of linuxIconSizesPx) await render(sizePx).toFile(join(resources, 'icons', `${sizePx}x${sizePx}.png`));
  // 540x380 is the dmg window electron-builder lays out (app icon left, Applications link right).
  const icon = await render(160).toBuffer();
  await sharp({ create: { width: 540, height: 380, channels: 4, background: '#161a21' } })
    .composite([{ input: icon, left: 190, top: 24 }])
    .png({ compressionLevel: 9 })
    .toFile(join(resources, 'dmg-background.png'));
}

await main();
