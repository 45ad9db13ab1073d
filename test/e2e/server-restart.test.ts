import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtempSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, Locator } from 'playwright-core';
import { fixturePath } from '../helpers/paths';
import { launchChromium, resultsDir, startServe, type ServeProcess } from './helpers';
import { createProjectInUi, ensureRendererBuilt, errorToasts, importInUi, openProjectInUi, waitUntil } from './workstation-ui';

// `pleura serve` restarted on the same port (a new token) while a tab is open: the old tab says the
// server was restarted and to open its new address (not that the network failed), and the film it
// showed leaves the screen when another is picked; the new address then works. Chromium, 1280x800.
const shots = resultsDir('e2e', 'server-restart');
const films = readdirSync(fixturePath('xray')).filter((name) => name.endsWith('.png') && !name.includes('.mask.')).slice(0, 2).map((name) => fixturePath('xray', name));

/** The largest alpha of the film layer (the stage's first canvas), sampled: 0 when nothing is drawn. */
async function filmDrawn(stage: Locator): Promise<number> {
  type Canvas2d = { width: number; height: number; getContext(kind: '2d'): { getImageData(x: number, y: number, w: number, h: number): { data: Uint8ClampedArray } } };
  return stage.locator('canvas').first().evaluate((canvas) => {
    const c = canvas as unknown as Canvas2d;
    const data = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;
    let max = 0;
    for (let i = 3; i < data.length; i += 4 * 31) max = Math.max(max, data[i]);
    return max;
  });
}

describe('a server restart seen from an open tab', () => {
  let serve: ServeProcess;
  let browser: Browser;
  const dataDir = mkdtempSync(join(tmpdir(), 'pleura-restart-data-'));
  const projectDir = join(mkdtempSync(join(tmpdir(), 'pleura-restart-')), 'project');

  beforeAll(async () => {
    ensureRendererBuilt();
    serve = await startServe({ dataDir });
    browser = await launchChromium();
  });
  afterAll(async () => {
    await browser?.close();
    await serve?.stop();
  });

  it('says the server was restarted, clears the previous film, and the new address works', async () => {
    const page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
    const pageErrors: string[] = [];
    page.on('pageerror', (error) => pageErrors.push(error.message));
    await page.goto(serve.url);
    await createProjectInUi(page, projectDir);
    await importInUi(page, films, films.length);
    const [first, second] = [page.getByTestId('queue-item').nth(0), page.getByTestId('queue-item').nth(1)];
    await first.click();
    await page.getByTestId('image-overlay').waitFor({ timeout: 60_000 });
    const stage = page.getByTestId('stage');
    expect(await filmDrawn(stage)).toBeGreaterThan(0);

    const port = Number(new URL(serve.url).port);
    await serve.stop();
    serve = await startServe({ dataDir, port });
    expect(new URL(serve.url).port).toBe(String(port));
    expect(serve.token).not.toBe(new URL(page.url()).searchParams.get('token'));

    // The old tab picks another film: told the server was restarted, and the first film is gone from the screen.
    await second.click();
    const alert = page.locator('[data-testid="toast"][role="alert"]').filter({ hasText: /restarted/ });
    await alert.waitFor({ timeout: 30_000 });
    expect(await alert.textContent()).toMatch(/Open the new address/);
    // one toast for the one fact, whatever calls it failed (the image, its mask, the prediction on open)
    await page.waitForTimeout(1000);
    expect(await errorToasts(page)).toHaveLength(1);
    expect((await errorToasts(page)).join(' ')).not.toMatch(/does not answer|network|cannot reach|lost/i);
    await page.getByTestId('load-error').waitFor();
    expect(await page.getByTestId('load-error').textContent()).toMatch(/server was restarted/);
    await page.getByTestId('image-overlay').waitFor({ state: 'detached' });
    await waitUntil(() => filmDrawn(stage), (alpha) => alpha === 0, { what: 'the previous film to leave the stage' });
    await page.screenshot({ path: join(shots, 'en-old-tab.png') });
    await page.getByTestId('locale').selectOption('ru');
    expect(await page.getByTestId('load-error').textContent()).toMatch(/сервер Pleura перезапущен/);
    await page.screenshot({ path: join(shots, 'ru-old-tab.png') });

    // The new address: the project opens and the film shows.
    await page.goto(serve.url);
    if (await page.getByTestId('project-open').isVisible()) await openProjectInUi(page, projectDir);
    await page.getByTestId('queue-item').nth(1).click();
    await page.getByTestId('image-overlay').waitFor({ timeout: 60_000 });
    expect(await filmDrawn(page.getByTestId('stage'))).toBeGreaterThan(0);
    expect(pageErrors).toEqual([]);
  });
});
