import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { closeSync, copyFileSync, ftruncateSync, mkdtempSync, openSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { fixturePath } from '../helpers/paths';
import { launchChromium, resultsDir, startServe, type ServeProcess } from './helpers';
import { createProjectInUi, ensureRendererBuilt, errorToasts } from './workstation-ui';

// Dropped or picked files in serve mode (issue #12): Chromium streams each film from its file in a
// PUT to the server, which writes it to disk as it comes; a film over the cap is refused with the
// reason, and the server's memory stays small even for a 600 MB file.
const shots = resultsDir('e2e', 'import-upload');

function peakRssMiB(pid: number): number {
  const match = /VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  return match ? Math.round(Number(match[1]) / 1024) : NaN;
}

describe('importing dropped and picked files in Chromium (serve mode)', () => {
  let serve: ServeProcess;
  let browser: Browser;
  const work = mkdtempSync(join(tmpdir(), 'pleura-e2e-upload-'));
  const film = 'COVIDGB_kjr-21-e24-g001-l-a.png';

  beforeAll(async () => {
    ensureRendererBuilt();
    copyFileSync(fixturePath('project', 'images', film), join(work, 'film.png'));
    copyFileSync(fixturePath('project', 'masks', film), join(work, 'film_mask.png'));
    // a mask picked without its film: reported, never imported
    copyFileSync(fixturePath('project', 'masks', film), join(work, 'lonely_mask.png'));
    copyFileSync(fixturePath('dicom', 'RG1_JLSN.dcm'), join(work, 'chest.dcm'));
    copyFileSync(fixturePath('xray', 'CHNCXR_0005_0.png'), join(work, 'after.png'));
    // 600 MB of zeros without writing them (a sparse file): over the 256 MiB cap
    const fd = openSync(join(work, 'huge.dcm'), 'w');
    ftruncateSync(fd, 600e6);
    closeSync(fd);
    serve = await startServe({ dataDir: mkdtempSync(join(tmpdir(), 'pleura-e2e-upload-data-')) });
    browser = await launchChromium();
  });
  afterAll(async () => {
    await browser?.close();
    await serve?.stop();
    rmSync(work, { recursive: true, force: true });
  });

  async function pick(page: Page, names: string[]): Promise<void> {
    await page.getByTestId('import-files').setInputFiles(names.map((name) => join(work, name)));
  }

  it('imports picked films with the mask beside one, refuses a 600 MB file with its reason, in both languages', async () => {
    const page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
    const pageErrors: string[] = [];
    page.on('pageerror', (error) => pageErrors.push(error.message));
    await page.goto(serve.url);
    await createProjectInUi(page, join(work, 'project'));

    await pick(page, ['film.png', 'film_mask.png', 'chest.dcm', 'lonely_mask.png']);
    await page.getByTestId('queue-item').nth(1).waitFor({ timeout: 60_000 });
    expect(await page.locator('[data-testid="queue-item"][data-status="in-review"]').count()).toBe(1);
    expect(await page.locator('[data-testid="queue-item"][data-image-name="film.png"]').getAttribute('data-status')).toBe('in-review');
    const rejected = page.locator('.import .rejected');
    await rejected.waitFor();
    expect(await rejected.textContent()).toMatch(/lonely_mask\.png: Mask not imported: no film named lonely came with it/);
    expect(await page.getByTestId('queue-item').count()).toBe(2);
    await page.screenshot({ path: join(shots, 'en-lonely-mask.png') });

    // the huge file first: its upload is on its way long enough to see the progress line
    await pick(page, ['huge.dcm', 'after.png']);
    await page.getByTestId('import-progress').waitFor({ timeout: 10_000 }).then(() => page.screenshot({ path: join(shots, 'en-progress.png') }), () => undefined);
    await page.getByTestId('queue-item').nth(2).waitFor({ timeout: 120_000 });
    await rejected.getByText('huge.dcm', { exact: false }).waitFor();
    expect(await rejected.textContent()).toMatch(/huge\.dcm.*573 MiB, more than Pleura takes in one upload \(256 MiB\)/);
    await page.screenshot({ path: join(shots, 'en-refused.png') });
    const peak = peakRssMiB(serve.process.pid!);
    if (process.env.PLEURA_PRINT_PEAKS) console.log(`serve peak after a 600 MB browser upload: ${peak} MiB`);
    expect(peak).toBeLessThan(600);

    await page.getByTestId('locale').selectOption('ru');
    await pick(page, ['huge.dcm', 'lonely_mask.png']);
    await page.getByTestId('import-progress').waitFor({ timeout: 10_000 }).then(() => page.screenshot({ path: join(shots, 'ru-progress.png') }), () => undefined);
    await page.getByTestId('import-progress').waitFor({ state: 'detached', timeout: 120_000 });
    // the server's refusal and the page's own reason, both in Russian
    await rejected.getByText('lonely_mask.png', { exact: false }).waitFor();
    const russian = (await rejected.textContent())!.replace(/[\u00a0\u202f]/g, ' ');
    expect(russian).toMatch(/huge\.dcm: huge\.dcm занимает 573 МиБ — больше, чем Pleura принимает за одну загрузку \(256 МиБ\)/);
    expect(russian).toMatch(/lonely_mask\.png: Маска не импортирована: вместе с ней не было снимка lonely/);
    await page.screenshot({ path: join(shots, 'ru-refused.png') });
    expect(await errorToasts(page)).toEqual([]);
    expect(pageErrors).toEqual([]);
  });
});
