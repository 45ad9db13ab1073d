import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtempSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { ProjectStore } from '../../src-main/services/project/store';
import { importFiles, importPaths } from '../../src-main/services/project/import';
import { chestWithPhi, stripeMask } from '../helpers/mixed-project';
import { dciodvfyErrors, hasDciodvfy, nnunetProblems } from '../helpers/downstream';
import { fixturePath } from '../helpers/paths';
import { launchChromium, resultsDir, startServe, type ServeProcess } from './helpers';
import { ensureRendererBuilt, errorToasts } from './workstation-ui';

// The Export dialog in Chromium through serve mode (the project open in the server, as in the app):
// format, approved only or all, de-identify, destination path, progress, and a summary with every
// film that was not exported and why; the files it wrote are checked as their downstream tools would.
const shots = resultsDir('e2e', 'export');

async function shot(page: Page, name: string): Promise<void> {
  await page.screenshot({ path: join(shots, `${name}.png`) });
}

async function runExport(page: Page, options: { format: string; outDir: string; all?: boolean; deidentify?: boolean; confirm?: boolean }): Promise<void> {
  await page.getByTestId('export-open').click();
  await page.getByTestId('export-dialog').waitFor();
  await page.getByTestId('export-format').selectOption(options.format);
  await page.getByTestId(options.all ? 'export-all' : 'export-approved').check();
  const deid = page.getByTestId('export-deidentify');
  if (options.deidentify) await deid.check();
  else await deid.uncheck();
  if (options.deidentify) await page.getByTestId('export-confirm-burned-in').setChecked(!!options.confirm);
  await page.getByTestId('export-destination').fill(options.outDir);
  await page.getByTestId('export-start').click();
  await page.getByTestId('export-summary').waitFor({ timeout: 120_000 });
}

describe('Export dialog in Chromium', () => {
  let serve: ServeProcess;
  let browser: Browser;
  let page: Page;
  const root = mkdtempSync(join(tmpdir(), 'pleura-e2e-export-'));
  const projectDir = join(root, 'project');

  beforeAll(async () => {
    ensureRendererBuilt();
    // Two PNG films with reference masks and the chest CR (explicit VR, PHI added) with a model mask;
    // the CR and one PNG approved, the other PNG left in review.
    const store = await ProjectStore.create(projectDir);
    await importPaths(store, [fixturePath('project', 'images')], { masks: 'import' });
    const chest = await importFiles(store, [{ name: 'chest.dcm', bytes: (await chestWithPhi()).bytes }]);
    await store.saveRevision(chest.imported[0].id, stripeMask(440, 440, 1), { source: { kind: 'model', modelId: 'unet', modelVersion: '3' } });
    const [first] = store.listImages();
    await store.setStatus(first.id, 'approved');
    await store.setStatus(chest.imported[0].id, 'approved');
    await store.close();
    serve = await startServe({ project: projectDir });
    browser = await launchChromium();
    page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
    await page.goto(serve.url);
    await page.getByTestId('review-workspace').waitFor({ timeout: 60_000 });
  }, 180_000);
  afterAll(async () => {
    await browser?.close();
    await serve?.stop();
  });

  it('exports a de-identified nnU-Net dataset of every film that nnU-Net\'s checks accept', async () => {
    const outDir = join(root, 'Dataset501_Lungs');
    await runExport(page, { format: 'nnunet', outDir, all: true, deidentify: true, confirm: true });
    await shot(page, 'nnunet-summary-en');
    expect(await page.getByTestId('export-summary').getAttribute('data-outcome')).toBe('done');
    expect(await page.getByTestId('export-summary-count').textContent()).toMatch(/Exported 3 film/);
    expect(await page.getByTestId('export-skipped').count()).toBe(0);
    const { problems, cases } = await nnunetProblems(outDir);
    expect(problems).toEqual([]);
    expect(cases).toHaveLength(3);
    expect(cases.every((c) => /^case_[0-9a-f]{12}$/.test(c))).toBe(true);
    await page.getByTestId('export-close').click();
  }, 180_000);

  it('exports approved DICOM SEG and lists each film it did not export, with why', async () => {
    const outDir = join(root, 'seg');
    await runExport(page, { format: 'dicom-seg', outDir });
    await shot(page, 'seg-summary-en');
    const rows = page.getByTestId('export-skipped');
    expect(await rows.count()).toBe(2);
    const kinds = await rows.evaluateAll((elements) => elements.map((e) => e.getAttribute('data-kind')));
    expect(kinds.sort()).toEqual(['excluded', 'excluded']);
    const text = (await rows.allTextContents()).join('\n');
    expect(text).toMatch(/Not approved/);
    expect(text).toMatch(/raster film/);
    const files = readdirSync(outDir);
    expect(files).toEqual(['chest.seg.dcm']);
    if (hasDciodvfy) expect(dciodvfyErrors(join(outDir, 'chest.seg.dcm'))).toEqual([]);
    expect(await errorToasts(page)).toEqual([]);
    await page.getByTestId('export-close').click();
  }, 180_000);

  it('refuses suspected burned-in films unless confirmed, and reads in Russian', async () => {
    await page.getByTestId('locale').selectOption('ru');
    await runExport(page, { format: 'coco', outDir: join(root, 'coco'), all: true, deidentify: true });
    await shot(page, 'coco-refused-ru');
    const refused = await page.locator('[data-testid="export-skipped"][data-kind="refused"]').count();
    expect(refused).toBe(2); // the two PNG films: a raster film cannot say whether text is burned in
    expect(await page.getByTestId('export-summary-count').textContent()).toMatch(/Экспорт в .+: 1 снимок, \d+ файл/);
    await page.getByTestId('export-format').selectOption('png');
    await shot(page, 'dialog-ru');
    await page.getByTestId('export-close').click();
    await page.getByTestId('locale').selectOption('en');
    await page.getByTestId('export-open').click();
    await shot(page, 'dialog-en');
    await page.getByTestId('export-close').click();
  }, 180_000);
});
