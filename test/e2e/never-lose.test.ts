import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtempSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { fixturePath } from '../helpers/paths';
import { launchChromium, resultsDir, startServe, type ServeProcess } from './helpers';
import { createProjectInUi, ensureRendererBuilt, errorToasts, importInUi, stageBox, waitUntil } from './workstation-ui';

// Issue #11 in Chromium through serve mode: the open image follows a prediction made on the server (no
// stale view),
// predict over a correction asks first and the correction stays restorable from the history panel,
// and warnings found on open are shown in a banner.
const shots = resultsDir('e2e', 'never-lose');
const xrays = readdirSync(fixturePath('xray')).filter((name) => name.endsWith('.png') && !name.includes('.mask.')).slice(0, 2).map((name) => fixturePath('xray', name));

async function totalAreaPx(page: Page): Promise<number> {
  const text = (await page.getByTestId('area-total').textContent()) ?? '';
  const value = Number(text.replace(/[^\d.]/g, ''));
  return Number.isFinite(value) ? value : 0;
}

async function shot(page: Page, name: string): Promise<void> {
  await page.screenshot({ path: join(shots, `${name}.png`) });
}

describe('never lose work, in the browser', () => {
  let serve: ServeProcess;
  let browser: Browser;
  const projectDir = join(mkdtempSync(join(tmpdir(), 'pleura-nl-')), 'project');

  beforeAll(async () => {
    ensureRendererBuilt();
    serve = await startServe();
    browser = await launchChromium();
  });
  afterAll(async () => {
    await browser?.close();
    await serve?.stop();
  });

  it('the open image shows its prediction at once; predict over a correction asks; the correction is restorable', async () => {
    const page = await browser.newPage({ viewport: { width: 1500, height: 950 } });
    await page.goto(serve.url);
    await createProjectInUi(page, projectDir);
    await importInUi(page, xrays, xrays.length);
    // A film without a mask is predicted on open: the mask appears in the open image without a reload
    // (by the project's change event, as a batch's would), and "Predict all new" then leaves it alone.
    await page.getByTestId('queue-item').first().click();
    const predicted = await waitUntil(() => totalAreaPx(page), (area) => area > 0, { timeoutMs: 180_000, what: 'the open image to show its prediction' });
    await page.getByTestId('predict-all').click();
    await waitUntil(() => page.locator('[data-testid="queue-item"][data-status="new"]').count(), (n) => n === 0, { timeoutMs: 180_000, what: 'the batch to predict the other films' });
    await shot(page, '01-prediction-shown-in-open-image');

    // A correction, saved.
    await page.getByTestId('tab-annotate').click();
    await page.getByTestId('annotate-workspace').waitFor();
    await page.keyboard.press('2');
    await page.keyboard.press('b');
    const box = await stageBox(page);
    const at = (fx: number, fy: number) => ({ x: box.x + box.width * fx, y: box.y + box.height * fy });
    await page.mouse.move(at(0.5, 0.3).x, at(0.5, 0.3).y);
    await page.mouse.down();
    for (const fy of [0.4, 0.5, 0.6]) await page.mouse.move(at(0.5, fy).x, at(0.5, fy).y, { steps: 4 });
    await page.mouse.up();
    const corrected = await waitUntil(() => totalAreaPx(page), (area) => area !== predicted, { what: 'the stroke to change the area' });
    await page.keyboard.press('Control+s');
    await waitUntil(() => page.getByTestId('revision-row').count(), (n) => n === 2, { what: 'the saved correction in the history' });

    // Predict over it: asked first; Cancel keeps the correction untouched.
    await page.getByTestId('annotate-predict').click();
    await page.getByTestId('confirm-dialog').waitFor();
    await shot(page, '02-predict-over-correction-asks-en');
    await page.getByTestId('confirm-cancel').click();
    await page.waitForTimeout(500);
    expect(await totalAreaPx(page)).toBe(corrected);
    expect(await page.getByTestId('revision-row').count()).toBe(2);

    // Confirmed: the prediction becomes current, the correction stays in the history.
    await page.getByTestId('annotate-predict').click();
    await page.getByTestId('confirm-ok').click();
    await waitUntil(() => totalAreaPx(page), (area) => area !== corrected, { timeoutMs: 120_000, what: 'the confirmed prediction' });
    await waitUntil(() => page.getByTestId('revision-row').count(), (n) => n === 3, { what: 'three revisions in the history' });
    const rows = page.getByTestId('revision-row');
    await rows.nth(1).getByTestId('revision-compare').click();
    await page.getByTestId('revision-compare-result').waitFor();
    await shot(page, '03-history-compare-en');

    // Restore the correction as a new revision.
    await rows.nth(1).getByTestId('revision-restore').click();
    await waitUntil(() => totalAreaPx(page), (area) => area === corrected, { what: 'the restored correction' });
    await waitUntil(() => page.getByTestId('revision-row').count(), (n) => n === 4, { what: 'the restore as a fourth revision' });
    expect(await errorToasts(page)).toEqual([]);

    // The same screens in Russian.
    await page.getByTestId('locale').selectOption('ru');
    await page.getByTestId('annotate-predict').click();
    await page.getByTestId('confirm-dialog').waitFor();
    await shot(page, '04-predict-over-correction-asks-ru');
    await page.getByTestId('confirm-cancel').click();
    await rows.nth(1).getByTestId('revision-compare').click();
    await page.getByTestId('revision-compare-result').waitFor();
    await shot(page, '05-history-compare-ru');
    await page.getByTestId('locale').selectOption('en');
    await page.getByTestId('project-close').click();

    // Damage found on open is shown, not swallowed: an orphan temp file of an interrupted write.
    writeFileSync(join(projectDir, '.state.json.0123456789ab.tmp'), 'half');
    await page.getByTestId('project-open').waitFor();
    await page.getByTestId('project-path').fill(projectDir);
    await page.getByTestId('project-open-button').click();
    await page.getByTestId('project-warnings').waitFor({ timeout: 30_000 });
    expect(await page.getByTestId('project-warnings').textContent()).toMatch(/Removed 1 unfinished temporary file/);
    await shot(page, '06-open-warnings-en');
    await page.getByTestId('locale').selectOption('ru');
    await shot(page, '07-open-warnings-ru');
    await page.close();
  }, 420_000);

  it('two clients edit one image: the second sees a conflict, keeps theirs on top, and the first follows', async () => {
    const pages = await Promise.all([0, 1].map(() => browser.newPage({ viewport: { width: 1500, height: 950 } })));
    const strokes = [[0.5, 0.3, 0.6], [0.35, 0.82, 0.9]];
    let before = 0;
    for (const [index, page] of pages.entries()) {
      await page.goto(serve.url);
      await page.getByTestId('queue-item').nth(1).click();
      await page.getByTestId('tab-annotate').click();
      await page.getByTestId('annotate-workspace').waitFor();
      await waitUntil(() => totalAreaPx(page), (area) => area > 0, { what: 'the predicted mask' });
      before = await page.getByTestId('revision-row').count();
      await page.keyboard.press('2');
      await page.keyboard.press('b');
      const box = await stageBox(page);
      const [fx, fy0, fy1] = strokes[index];
      await page.mouse.move(box.x + box.width * fx, box.y + box.height * fy0);
      await page.mouse.down();
      await page.mouse.move(box.x + box.width * fx, box.y + box.height * fy1, { steps: 6 });
      await page.mouse.up();
    }
    // The first saves now; the second still has unsaved edits on the revision both started from.
    await pages[0].keyboard.press('Control+s');
    const conflicted = await waitUntil(async () => {
      for (const page of pages) if (await page.getByTestId('mask-conflict').isVisible()) return page;
      return null;
    }, (page) => page !== null, { what: 'a conflict on one of the clients' });
    const page = conflicted!;
    const other = pages.find((p) => p !== page)!;
    await shot(page, '08-conflict-en');
    await page.getByTestId('locale').selectOption('ru');
    await shot(page, '09-conflict-ru');
    await page.getByTestId('locale').selectOption('en');
    const mine = await totalAreaPx(page);
    await page.getByTestId('conflict-mine').click();
    await page.getByTestId('mask-conflict').waitFor({ state: 'hidden' });
    await waitUntil(() => page.getByTestId('revision-row').count(), (n) => n === before + 2, { what: 'both clients\' saves in the history' });
    expect(await totalAreaPx(page)).toBe(mine);
    // The client without unsaved edits follows: it shows the mask just saved on top, no reload.
    await waitUntil(() => totalAreaPx(other), (area) => area === mine, { what: 'the other client to show the latest mask' });
    expect(await errorToasts(other)).toEqual([]);
    for (const p of pages) await p.close();
  }, 300_000);

  it('a lock held on another computer is broken only on the user\'s word', async () => {
    const page = await browser.newPage({ viewport: { width: 1500, height: 950 } });
    await page.goto(serve.url);
    await page.getByTestId('project-close').click();
    // The other computer's lock goes in once this server has let go of its own (the open screen shows).
    await page.getByTestId('project-open').waitFor();
    const lock = JSON.stringify({ pid: 4242, host: 'radiology-pc-7', user: 'dr-b', at: '2026-12-01T10:00:00.000Z' });
    writeFileSync(join(projectDir, '.lock'), lock);
    await page.getByTestId('project-path').fill(projectDir);
    await page.getByTestId('project-open-button').click();
    await page.getByTestId('confirm-dialog').waitFor({ timeout: 60_000 });
    expect(await page.getByTestId('confirm-dialog').textContent()).toMatch(/radiology-pc-7.*dr-b/);
    await shot(page, '10-foreign-lock-en');
    await page.getByTestId('locale').selectOption('ru');
    await shot(page, '11-foreign-lock-ru');
    await page.getByTestId('locale').selectOption('en');
    await page.getByTestId('confirm-cancel').click();
    expect(readFileSync(join(projectDir, '.lock'), 'utf8')).toBe(lock);
    expect(await page.getByTestId('project-open').isVisible()).toBe(true);
    await page.getByTestId('project-open-button').click();
    await page.getByTestId('confirm-ok').click();
    await page.getByTestId('project-warnings').waitFor();
    expect(await page.getByTestId('project-warnings').textContent()).toMatch(/radiology-pc-7.*broken on request/);
    await page.close();
  }, 120_000);
});
