import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtempSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { fixturePath } from '../helpers/paths';
import { launchChromium, resultsDir, startServe, type ServeProcess } from './helpers';
import { createProjectInUi, ensureRendererBuilt, errorToasts, importInUi, stageBox, waitUntil } from './workstation-ui';

// After another model version becomes the active one, "re-predict films not yet approved" in the Models
// view predicts again, with the new version, every film whose mask is only a model's; the film the user
// approved and the one they corrected keep their masks. In Chromium through serve mode at 1280x800.
const shots = resultsDir('e2e', 'models-repredict');
const films = readdirSync(fixturePath('xray')).filter((name) => name.endsWith('.png') && !name.includes('.mask.')).slice(0, 3).map((name) => fixturePath('xray', name));
const older = 'pleura-lungs-unet@2.0.0';
const newer = 'pleura-lungs-unet@3.0.0';

const item = (page: Page, name: string) => page.locator(`[data-testid="queue-item"][data-image-name="${name}"]`);
const nameOf = (path: string) => path.split('/').at(-1)!;

/** What the queue says of a film: its status and the model whose mask it holds. */
async function queueState(page: Page, name: string): Promise<{ status: string | null; model: string | null }> {
  const row = item(page, name);
  return { status: await row.getAttribute('data-status'), model: (await row.locator('.model').textContent().catch(() => null))?.trim() ?? null };
}

describe('re-predicting after a model change, in Chromium', () => {
  let serve: ServeProcess;
  let browser: Browser;

  beforeAll(async () => {
    ensureRendererBuilt();
    serve = await startServe({ dataDir: mkdtempSync(join(tmpdir(), 'pleura-repredict-data-')) });
    browser = await launchChromium();
  });
  afterAll(async () => {
    await browser?.close();
    await serve?.stop();
  });

  it('re-predicts only the films not approved or corrected, with the newly active version', async () => {
    const page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
    const pageErrors: string[] = [];
    page.on('pageerror', (error) => pageErrors.push(error.message));
    await page.goto(serve.url);
    await createProjectInUi(page, join(mkdtempSync(join(tmpdir(), 'pleura-repredict-')), 'project'));
    await importInUi(page, films, films.length);
    await page.getByTestId('predict-all').click();
    await waitUntil(() => page.locator('[data-testid="queue-item"][data-status="predicted"]').count(), (n) => n === films.length, { timeoutMs: 180_000, what: 'every film predicted' });
    const [approved, corrected, modelOnly] = films.map(nameOf);
    for (const name of films.map(nameOf)) expect((await queueState(page, name)).model).toBe(newer);

    // One film approved as the model left it, one corrected by the user.
    await item(page, approved).click();
    await page.getByTestId('image-overlay').waitFor({ timeout: 60_000 }).catch(() => undefined);
    await page.getByTestId('approve').click();
    await waitUntil(() => queueState(page, approved), (s) => s.status === 'approved', { what: 'the first film approved' });
    await item(page, corrected).click();
    await page.getByTestId('tab-annotate').click();
    await page.getByTestId('annotate-workspace').waitFor();
    await waitUntil(() => page.getByTestId('area-total').textContent(), (text) => /[1-9]/.test(text ?? ''), { what: 'the mask of the second film' });
    const box = await stageBox(page);
    await page.keyboard.press('b');
    await page.mouse.move(box.x + box.width * 0.5, box.y + box.height * 0.25);
    await page.mouse.down();
    await page.mouse.move(box.x + box.width * 0.5, box.y + box.height * 0.6, { steps: 8 });
    await page.mouse.up();
    await page.keyboard.press('Control+s');
    await page.getByTestId('tab-review').click();
    await waitUntil(() => queueState(page, corrected), (s) => s.status === 'corrected', { what: 'the second film corrected' });

    // The older version becomes the active one; the Models view offers to re-predict the one film left to the model.
    await page.getByTestId('tab-models').click();
    const row = page.locator('[data-testid="model-row"]').filter({ hasText: older });
    await row.getByTestId('activate').click();
    await row.and(page.locator('.active')).waitFor({ timeout: 30_000 });
    const repredict = page.getByTestId('repredict');
    await waitUntil(() => repredict.textContent(), (text) => /\(1\)/.test(text ?? ''), { what: 'the re-predict button to count one film' });
    expect(await repredict.getAttribute('title')).toMatch(/never touched/);
    await page.screenshot({ path: join(shots, 'en-models-before.png') });
    await repredict.click();

    await page.getByTestId('tab-review').click();
    await waitUntil(() => queueState(page, modelOnly), (s) => s.model === older, { timeoutMs: 120_000, what: `${modelOnly} re-predicted by ${older}` });
    expect(await queueState(page, approved)).toEqual({ status: 'approved', model: newer });
    expect((await queueState(page, corrected)).status).toBe('corrected');
    expect((await queueState(page, modelOnly)).status).toBe('predicted');
    await page.getByTestId('tab-models').click();
    // nothing is left to re-predict
    await waitUntil(() => repredict.textContent(), (text) => /\(0\)/.test(text ?? ''), { what: 'the re-predict button to count none' });
    expect(await repredict.isDisabled()).toBe(true);
    await page.screenshot({ path: join(shots, 'en-models-after.png') });

    expect(await errorToasts(page)).toEqual([]);
    expect(pageErrors).toEqual([]);
  });
});
