import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtempSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { fixturePath } from '../helpers/paths';
import { launchChromium, resultsDir, startServe, type ServeProcess } from './helpers';
import { createProjectInUi, ensureRendererBuilt, errorToasts, importInUi, openProjectInUi, stageBox, waitUntil } from './workstation-ui';
import sharp from 'sharp';

// The annotation loop on real chest X-rays, in Chromium through serve mode: import, predict, brush,
// undo/redo, erase, lasso fill, approve, next; then restart the server and find the approved mask again.
const shots = resultsDir('e2e', 'workstation');
const xrays = readdirSync(fixturePath('xray')).filter((name) => name.endsWith('.png') && !name.includes('.mask.')).slice(0, 3).map((name) => fixturePath('xray', name));

async function totalAreaPx(page: Page): Promise<number> {
  const text = (await page.getByTestId('area-total').textContent()) ?? '';
  const value = Number(text.replace(/[^\d.]/g, ''));
  if (!Number.isFinite(value)) throw new Error(`unreadable area: ${text}`);
  return value;
}

/** Waits until the measured total differs from `before` (measurements update after each edit). */
async function areaChange(page: Page, before: number): Promise<number> {
  for (let i = 0; i < 50; i++) {
    const now = await totalAreaPx(page);
    if (now !== before) return now;
    await page.waitForTimeout(100);
  }
  throw new Error(`the measured area stayed at ${before}; messages: ${(await errorToasts(page)).join(' | ')}`);
}

async function drag(page: Page, points: { x: number; y: number }[]): Promise<void> {
  await page.mouse.move(points[0].x, points[0].y);
  await page.mouse.down();
  for (const p of points.slice(1)) await page.mouse.move(p.x, p.y, { steps: 4 });
  await page.mouse.up();
}

async function shot(page: Page, name: string): Promise<void> {
  await page.screenshot({ path: join(shots, `${name}.png`) });
}

describe('annotation workstation in Chromium', () => {
  let serve: ServeProcess;
  let browser: Browser;
  const dataDir = mkdtempSync(join(tmpdir(), 'pleura-ws-data-'));
  const projectDir = join(mkdtempSync(join(tmpdir(), 'pleura-ws-')), 'project');

  beforeAll(async () => {
    ensureRendererBuilt();
    serve = await startServe({ dataDir });
    browser = await launchChromium();
  });
  afterAll(async () => {
    await browser?.close();
    await serve?.stop();
  });

  it('predicts, edits, approves, moves on, and keeps the approved mask across a restart', async () => {
    const page = await browser.newPage({ viewport: { width: 1500, height: 950 } });
    const pageErrors: string[] = [];
    page.on('pageerror', (error) => pageErrors.push(error.message));
    await page.goto(serve.url);
    await createProjectInUi(page, projectDir);
    await importInUi(page, xrays, xrays.length);
    // Each film in the queue gets a thumbnail of what the viewer shows (drawn, not blank).
    await waitUntil(() => page.locator('[data-testid="queue-thumb"][data-loaded="yes"]').count(), (n) => n === xrays.length, { timeoutMs: 60_000, what: 'queue thumbnails' });
    type Canvas2d = { width: number; height: number; getContext(kind: '2d'): { getImageData(x: number, y: number, w: number, h: number): { data: Uint8ClampedArray } } };
    const thumbSpread = await page.getByTestId('queue-thumb').first().evaluate((element) => {
      const canvas = element as unknown as Canvas2d;
      const data = canvas.getContext('2d').getImageData(0, 0, canvas.width, canvas.height).data;
      let low = 255, high = 0;
      for (let i = 0; i < data.length; i += 4) { low = Math.min(low, data[i]); high = Math.max(high, data[i]); }
      return high - low;
    });
    expect(thumbSpread).toBeGreaterThan(100);
    await shot(page, '01-imported');

    const first = page.getByTestId('queue-item').first();
    const imageId = await first.getAttribute('data-image-id');
    await first.click();
    await page.waitForTimeout(1000);
    await shot(page, '02-opened');

    await page.getByTestId('predict').click();
    await waitUntil(() => page.getByTestId('predict').isEnabled(), (enabled) => enabled, { timeoutMs: 120_000, what: 'the prediction to finish' });
    // The shipped model predicts: two lungs, the measured area in a plausible share of the film.
    expect(await errorToasts(page)).toEqual([]);
    const predictedAreaPx = await totalAreaPx(page);
    const name = (await first.getAttribute('data-image-name')) ?? '';
    const xray = xrays.find((file) => file.endsWith(name)) ?? xrays[0];
    const { width = 0, height = 0 } = await sharp(xray).metadata();
    expect(predictedAreaPx).toBeGreaterThan(0.1 * width * height);
    expect(predictedAreaPx).toBeLessThan(0.5 * width * height);
    await shot(page, '03-predicted');

    await page.getByTestId('tab-annotate').click();
    await page.getByTestId('annotate-workspace').waitFor();
    await page.keyboard.press('2');
    await page.keyboard.press('b');
    const box = await stageBox(page);
    const at = (fx: number, fy: number) => ({ x: box.x + box.width * fx, y: box.y + box.height * fy });
    const start = await totalAreaPx(page);

    // Strokes go where no lung is (spine, below the diaphragm), so they change the mask whatever the
    // model predicted there.
    await drag(page, [at(0.5, 0.3), at(0.5, 0.4), at(0.51, 0.5), at(0.5, 0.6)]);
    const afterBrush = await areaChange(page, start);
    expect(afterBrush).toBeGreaterThan(start);
    await shot(page, '04-brush');

    await page.keyboard.press('Control+z');
    expect(await areaChange(page, afterBrush)).toBe(start);
    await shot(page, '05-undo');
    await page.keyboard.press('Control+Shift+z');
    expect(await areaChange(page, start)).toBe(afterBrush);
    await shot(page, '06-redo');

    await page.keyboard.press('e');
    await drag(page, [at(0.5, 0.35), at(0.5, 0.5)]);
    const afterErase = await areaChange(page, afterBrush);
    expect(afterErase).toBeLessThan(afterBrush);
    await shot(page, '07-erase');

    await page.keyboard.press('1');
    await page.keyboard.press('l');
    await drag(page, [at(0.3, 0.82), at(0.4, 0.82), at(0.42, 0.93), at(0.3, 0.94), at(0.28, 0.88)]);
    const afterLasso = await areaChange(page, afterErase);
    expect(afterLasso).toBeGreaterThan(afterErase);
    await shot(page, '08-lasso-fill');

    await page.keyboard.press('a');
    const item = page.locator(`[data-testid="queue-item"][data-image-id="${imageId}"]`);
    await page.getByTestId('tab-review').click();
    await item.and(page.locator('[data-status="approved"]')).waitFor({ timeout: 30_000 });
    await shot(page, '09-approved');

    await page.keyboard.press('n');
    await waitUntil(() => page.locator('[data-testid="queue-item"].selected').getAttribute('data-image-id'), (id) => id !== null && id !== imageId, { what: 'the next image' });
    await shot(page, '10-next');
    // Nothing failed anywhere (prediction, save, status, mask load).
    expect(await errorToasts(page)).toEqual([]);
    await page.close();

    await serve.stop();
    serve = await startServe({ dataDir });
    const reopened = await browser.newPage({ viewport: { width: 1500, height: 950 } });
    await reopened.goto(serve.url);
    if (await reopened.getByTestId('project-open').isVisible()) await openProjectInUi(reopened, projectDir);
    const kept = reopened.locator(`[data-testid="queue-item"][data-image-id="${imageId}"]`);
    await kept.waitFor({ timeout: 30_000 });
    expect(await kept.getAttribute('data-status')).toBe('approved');
    await kept.click();
    await waitUntil(() => totalAreaPx(reopened).catch(() => -1), (area) => area === afterLasso, { what: `the approved mask (${afterLasso} px²) after the restart` });
    await shot(reopened, '11-after-restart');
    expect(pageErrors).toEqual([]);
  });
});
