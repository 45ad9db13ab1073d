import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { copyFileSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { fixturePath } from '../helpers/paths';
import { launchChromium, resultsDir, startServe, type ServeProcess } from './helpers';
import { createProjectInUi, ensureRendererBuilt, errorToasts, importInUi, waitUntil } from './workstation-ui';

// "Predict on open" turned off (some users open films to look at them first): a film without a mask
// opens without one and stays 'new'; the choice survives a reload; Predict still predicts it.
const shots = resultsDir('e2e', 'predict-on-open');

/** Whether the open film's mask has lung pixels: its measured area's digits (px² or cm², any language), 0 for an empty mask. */
async function totalArea(page: Page): Promise<number> {
  const text = (await page.getByTestId('area-total').textContent()) ?? '';
  const value = Number(text.replace(/\D/g, ''));
  if (!Number.isFinite(value)) throw new Error(`unreadable area: ${text}`);
  return value;
}

describe('predict on open, turned off, in Chromium (serve mode)', () => {
  let serve: ServeProcess;
  let browser: Browser;

  beforeAll(async () => {
    ensureRendererBuilt();
    serve = await startServe({ dataDir: mkdtempSync(join(tmpdir(), 'pleura-e2e-pon-data-')) });
    browser = await launchChromium();
  });
  afterAll(async () => {
    await browser?.close();
    await serve?.stop();
  });

  it('opens an unpredicted film without a mask, remembers the choice, and predicts with the button', async () => {
    const page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
    const pageErrors: string[] = [];
    page.on('pageerror', (error) => pageErrors.push(error.message));
    await page.goto(serve.url);
    const toggle = page.getByTestId('predict-on-open');
    expect(await toggle.isChecked()).toBe(true);
    await createProjectInUi(page, join(mkdtempSync(join(tmpdir(), 'pleura-e2e-pon-')), 'project'));
    await importInUi(page, [fixturePath('xray', 'CHNCXR_0005_0.png')], 1);
    await toggle.uncheck();
    await page.screenshot({ path: join(shots, 'en-off.png') });

    const film = page.getByTestId('queue-item').first();
    expect(await film.getAttribute('data-status')).toBe('new');
    await film.click();
    // The film is open in the editor (its mask, empty, is measured): no lung pixel anywhere.
    await page.getByTestId('area-total').waitFor({ timeout: 30_000 });
    expect(await totalArea(page)).toBe(0);
    // A prediction on open would have started by now and be under way (the button says "Predicting…") or done.
    await page.waitForTimeout(3000);
    expect(await page.getByTestId('predict').textContent()).toBe('Predict');
    expect(await totalArea(page)).toBe(0);
    expect(await film.getAttribute('data-status')).toBe('new');
    await page.screenshot({ path: join(shots, 'en-opened-without-mask.png') });

    await page.reload();
    await page.getByTestId('predict-on-open').waitFor();
    expect(await page.getByTestId('predict-on-open').isChecked()).toBe(false);
    await page.getByTestId('locale').selectOption('ru');
    await page.getByTestId('review-workspace').waitFor({ timeout: 30_000 });
    // A folder with the film again, two new films and a mask beside one of them: what the import found, in Russian.
    const more = mkdtempSync(join(tmpdir(), 'pleura-e2e-pon-more-'));
    copyFileSync(fixturePath('xray', 'CHNCXR_0005_0.png'), join(more, 'again.png'));
    copyFileSync(fixturePath('xray', 'CHNCXR_0010_0.png'), join(more, 'CHNCXR_0010_0.png'));
    copyFileSync(fixturePath('xray', 'CHNCXR_0010_0.mask.png'), join(more, 'CHNCXR_0010_0_mask.png'));
    copyFileSync(fixturePath('xray', 'COVIDGB_ARDSSevere.png'), join(more, 'COVIDGB_ARDSSevere.png'));
    await page.getByTestId('import-paths').fill(more);
    await page.getByTestId('import-button').click();
    const found = page.getByTestId('import-found');
    await found.waitFor({ timeout: 30_000 });
    expect((await found.innerText())?.replace(/\s+/g, ' ')).toMatch(/К импорту 2 снимка\. У 1 из них рядом лежит маска PNG: .*1 файл уже есть в проекте и будет пропущен\./);
    await page.screenshot({ path: join(shots, 'ru-import-found.png') });
    await page.getByTestId('import-without-masks').click();
    await page.locator('[data-testid="toast"]').filter({ hasText: 'Импорт: импортировано 2 снимка, 1 снимок уже был в проекте, 0 файлов отклонено.' }).waitFor({ timeout: 30_000 });
    await page.locator('[data-testid="toast"]').filter({ hasText: '1 маска рядом со снимками оставлена как есть.' }).waitFor();
    await page.screenshot({ path: join(shots, 'ru-imported.png') });
    await page.getByTestId('queue-item').nth(2).waitFor();
    const first = page.locator('[data-testid="queue-item"][data-image-name="CHNCXR_0005_0.png"]');
    await first.click();
    await page.getByTestId('window').waitFor({ timeout: 30_000 });
    await page.screenshot({ path: join(shots, 'ru-opened-without-mask.png') });
    expect(await first.getAttribute('data-status')).toBe('new');

    await page.getByTestId('predict').click();
    await waitUntil(() => totalArea(page), (area) => area > 0, { timeoutMs: 120_000, what: 'the predicted mask' });
    await waitUntil(() => first.getAttribute('data-status'), (status) => status !== 'new', { timeoutMs: 30_000, what: 'the film to leave "new"' });
    expect(await errorToasts(page)).toEqual([]);
    await page.screenshot({ path: join(shots, 'ru-predicted.png') });
    expect(pageErrors).toEqual([]);
    await page.close();
  });
});
