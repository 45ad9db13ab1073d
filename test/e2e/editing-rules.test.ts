import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import sharp from 'sharp';
import type { Browser, Page } from 'playwright-core';
import { fixturePath } from '../helpers/paths';
import { launchChromium, resultsDir, startServe, type ServeProcess } from './helpers';
import { createProjectInUi, ensureRendererBuilt, errorToasts, importInUi, stageBox, waitUntil } from './workstation-ui';

// What the editor does with the lung that is not being painted, and with a fill that has no outline,
// and what it tells the user, in Chromium through serve mode at 1280x800: painting with "protect other
// lung" leaves the other lung alone; the eraser erases both lungs and the toolbar says protection does
// not apply to it; a fill on open background is refused with a notice and leaves no undo step, while
// a fill inside an outline fills it.
const shots = resultsDir('e2e', 'editing-rules');
const film = fixturePath('xray', 'CHNCXR_0005_0.png');

/** A lung's area in px² as the measurements show it ("523,963 px²", "523 963 пкс²"). */
async function areaPx(page: Page, lung: 'right' | 'left' | 'total'): Promise<number> {
  const text = (await page.getByTestId(`area-${lung}`).textContent()) ?? '';
  const value = Number(text.replace(/\D/g, ''));
  if (!Number.isFinite(value) || !/\d/.test(text)) throw new Error(`unreadable area: ${text}`);
  return value;
}

async function areas(page: Page): Promise<{ right: number; left: number }> {
  return { right: await areaPx(page, 'right'), left: await areaPx(page, 'left') };
}

/** Waits for the measurements to differ from `before` (they update after each edit). */
async function areasChange(page: Page, before: { right: number; left: number }): Promise<{ right: number; left: number }> {
  return waitUntil(() => areas(page), (now) => now.right !== before.right || now.left !== before.left, { what: `the areas to change from ${JSON.stringify(before)}` });
}

async function drag(page: Page, points: { x: number; y: number }[]): Promise<void> {
  await page.mouse.move(points[0].x, points[0].y);
  await page.mouse.down();
  for (const p of points.slice(1)) await page.mouse.move(p.x, p.y, { steps: 6 });
  await page.mouse.up();
}

describe('editing rules in Chromium (1280x800)', () => {
  let serve: ServeProcess;
  let browser: Browser;

  beforeAll(async () => {
    ensureRendererBuilt();
    serve = await startServe({ dataDir: mkdtempSync(join(tmpdir(), 'pleura-rules-data-')) });
    browser = await launchChromium();
  });
  afterAll(async () => {
    await browser?.close();
    await serve?.stop();
  });

  it('protects the other lung when painting, erases both with the eraser and says so, refuses a fill without an outline', async () => {
    const page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
    const pageErrors: string[] = [];
    page.on('pageerror', (error) => pageErrors.push(error.message));
    await page.goto(serve.url);
    await createProjectInUi(page, join(mkdtempSync(join(tmpdir(), 'pleura-rules-')), 'project'));
    await importInUi(page, [film], 1);
    await page.getByTestId('queue-item').first().click();
    // the film is predicted when opened (it has no mask yet)
    await waitUntil(() => areaPx(page, 'total').catch(() => 0), (total) => total > 0, { timeoutMs: 120_000, what: 'the prediction on open' });
    await page.getByTestId('tab-annotate').click();
    await page.getByTestId('annotate-workspace').waitFor();
    await page.getByTestId('fit').click();

    // Where a point of the film is on screen: the film is fitted into the stage with an 8 px margin.
    const { width = 1, height = 1 } = await sharp(film).metadata();
    const box = await stageBox(page);
    const scale = Math.min((box.width - 16) / width, (box.height - 16) / height);
    const at = (fx: number, fy: number) => ({ x: box.x + (box.width - width * scale) / 2 + fx * width * scale, y: box.y + (box.height - height * scale) / 2 + fy * height * scale });

    // Painting the right lung (label 1) across the left lung with protection on: the left lung keeps every pixel.
    expect(await page.getByTestId('protect').getAttribute('aria-pressed')).toBe('true');
    await page.keyboard.press('1');
    await page.keyboard.press('b');
    expect(await page.getByTestId('protect').getAttribute('data-applies')).toBe('yes');
    const start = await areas(page);
    await drag(page, [at(0.5, 0.5), at(0.62, 0.5), at(0.75, 0.5)]);
    const painted = await areasChange(page, start);
    expect(painted.left).toBe(start.left);
    expect(painted.right).toBeGreaterThan(start.right);

    // The eraser with protection still on: the toolbar says it erases both lungs, and it does.
    await page.keyboard.press('e');
    const protect = page.getByTestId('protect');
    expect(await protect.getAttribute('data-applies')).toBe('no');
    expect(await protect.getAttribute('title')).toMatch(/eraser erases both lungs/);
    await page.screenshot({ path: join(shots, 'en-eraser-protect.png') });
    await drag(page, [at(0.55, 0.42), at(0.7, 0.42), at(0.8, 0.42)]);
    const erased = await areasChange(page, painted);
    expect(erased.left).toBeLessThan(painted.left);

    // A fill on background that reaches the film's edge is refused with a notice; nothing changes, no undo step.
    await page.keyboard.press('f');
    await page.mouse.click(at(0.03, 0.03).x, at(0.03, 0.03).y);
    const notice = page.locator('[data-testid="toast"]').filter({ hasText: /would run to the edge of the film/ });
    await notice.waitFor({ timeout: 10_000 });
    expect(await areas(page)).toEqual(erased);
    await page.screenshot({ path: join(shots, 'en-fill-refused.png') });
    await page.keyboard.press('Control+z');
    // the undo takes back the eraser stroke, the last real edit: the refused fill left nothing to undo
    expect(await areasChange(page, erased)).toEqual(painted);
    await page.keyboard.press('Control+Shift+z');
    expect(await areasChange(page, painted)).toEqual(erased);

    // A fill inside an outline fills it: erase a hole inside the right lung, fill it back.
    await page.keyboard.press('Shift+L');
    await drag(page, [at(0.27, 0.45), at(0.31, 0.45), at(0.31, 0.5), at(0.27, 0.5), at(0.27, 0.455)]);
    const holed = await areasChange(page, erased);
    expect(holed.right).toBeLessThan(erased.right);
    expect(holed.left).toBe(erased.left);
    await page.keyboard.press('f');
    await page.mouse.click(at(0.29, 0.475).x, at(0.29, 0.475).y);
    expect(await areasChange(page, holed)).toEqual(erased);

    // The same words in Russian.
    await page.getByTestId('locale').selectOption('ru');
    await page.keyboard.press('e');
    expect(await protect.getAttribute('title')).toMatch(/Ластик стирает оба лёгких/);
    await page.keyboard.press('f');
    await page.mouse.click(at(0.03, 0.03).x, at(0.03, 0.03).y);
    await page.locator('[data-testid="toast"]').filter({ hasText: /Заливка ушла бы до края снимка/ }).waitFor({ timeout: 10_000 });
    await page.screenshot({ path: join(shots, 'ru-fill-refused.png') });

    expect(await errorToasts(page)).toEqual([]);
    expect(pageErrors).toEqual([]);
  });
});
