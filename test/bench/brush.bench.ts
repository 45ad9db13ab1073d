// `npm run bench -- brush`: frame time of a brush stroke on a 3000×3000 mask in Debian's Chromium,
// driving the real renderer through serve mode. The page times its own pointer-move handler with
// performance.now (tool paint + dirty-rectangle putImageData) and the intervals between animation frames
// while the stroke runs (what the user sees, including Konva's redraw of the mask layer).
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import sharp from 'sharp';
import type { BenchContext, BenchResult } from './types';
import { launchChromium, startServe } from '../e2e/helpers';
import { createProjectInUi, ensureRendererBuilt, errorToasts, importInUi, stageBox } from '../e2e/workstation-ui';

const sizePx = 3000;
const moves = 400;

/** A synthetic 16-bit chest-like image: two dark ellipses (lungs) on a bright gradient, with noise. */
async function writeImage(path: string): Promise<void> {
  const data = new Uint16Array(sizePx * sizePx);
  let seed = 1;
  for (let y = 0; y < sizePx; y++) {
    for (let x = 0; x < sizePx; x++) {
      seed = (seed * 1103515245 + 12345) & 0x7fffffff;
      const lung = ((x - 950) / 520) ** 2 + ((y - 1450) / 950) ** 2 < 1 || ((x - 2050) / 520) ** 2 + ((y - 1450) / 950) ** 2 < 1;
      data[y * sizePx + x] = (lung ? 9000 : 30000 + y * 8) + (seed % 2000);
    }
  }
  await sharp(Buffer.from(data.buffer), { raw: { width: sizePx, height: sizePx, channels: 1, premultiplied: false } })
    .toColourspace('grey16')
    .png()
    .toFile(path);
}

function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))];
}

export default async function run(ctx: BenchContext): Promise<BenchResult[]> {
  ensureRendererBuilt();
  const work = mkdtempSync(join(tmpdir(), 'pleura-brush-'));
  const imagePath = join(work, 'chest-3000.png');
  await writeImage(imagePath);
  const serve = await startServe({ dataDir: join(work, 'data') });
  const browser = await launchChromium();
  try {
    const page = await browser.newPage({ viewport: { width: 1600, height: 1000 } });
    await page.goto(serve.url);
    await createProjectInUi(page, join(work, 'project'));
    await importInUi(page, [imagePath], 1);
    await page.getByTestId('queue-item').first().click();
    await page.getByTestId('tab-annotate').click();
    await page.getByTestId('annotate-workspace').waitFor();
    await page.waitForTimeout(1500);
    const errors = await errorToasts(page);
    if (errors.length) ctx.log(`messages on screen: ${errors.join(' | ')}`);
    const box = await stageBox(page);
    const centre = { x: box.x + box.width / 2, y: box.y + box.height / 2 };
    const radius = Math.min(box.width, box.height) * 0.3;
    const at = (k: number) => ({ x: centre.x + radius * Math.cos((k / moves) * 4 * Math.PI), y: centre.y + radius * Math.sin((k / moves) * 2 * Math.PI) });
    // Scripts go in as strings: tsx's name-keeping helpers do not exist inside the page.
    await page.evaluate(`(() => {
      window.__pleuraFrames.reset();
      window.__rafIntervals = [];
      window.__rafStop = false;
      let last = performance.now();
      const tick = (now) => {
        window.__rafIntervals.push(now - last);
        last = now;
        if (!window.__rafStop) requestAnimationFrame(tick);
      };
      requestAnimationFrame(tick);
    })()`);
    await page.mouse.move(at(0).x, at(0).y);
    await page.mouse.down();
    for (let k = 1; k <= moves; k++) await page.mouse.move(at(k).x, at(k).y);
    await page.mouse.up();
    await page.waitForTimeout(200);
    const { handler, frames, painted } = (await page.evaluate(`(() => {
      window.__rafStop = true;
      return { handler: window.__pleuraFrames.read(), frames: window.__rafIntervals.slice(1), painted: document.querySelector('[data-testid="area-total"]')?.textContent ?? '' };
    })()`)) as { handler: number[]; frames: number[]; painted: string };
    ctx.log(`${handler.length} pointer moves timed; ${frames.length} animation frames; measured area after the stroke: ${painted}`);
    if (handler.length === 0) throw new Error('no pointer moves were timed: the editor did not receive the stroke');
    const sortedHandler = [...handler].sort((a, b) => a - b);
    const sortedFrames = [...frames].sort((a, b) => a - b);
    return [
      { metric: 'brush pointer-move handler, median (3000x3000 mask)', value: percentile(sortedHandler, 50), unit: 'ms' },
      { metric: 'brush pointer-move handler, p95 (3000x3000 mask)', value: percentile(sortedHandler, 95), unit: 'ms' },
      { metric: 'animation frame interval during the stroke, median', value: percentile(sortedFrames, 50), unit: 'ms' },
      { metric: 'animation frame interval during the stroke, p95', value: percentile(sortedFrames, 95), unit: 'ms' },
    ];
  } finally {
    await browser.close();
    await serve.stop();
    rmSync(work, { recursive: true, force: true });
  }
}
