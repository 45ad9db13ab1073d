import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdirSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { launchChromium, resultsDir, startServe, type ServeProcess } from './helpers';
import { createProjectInUi, ensureRendererBuilt, errorToasts, waitUntil } from './workstation-ui';
import { orthancAvailable, startOrthanc, type OrthancServer } from '../helpers/orthanc';
import { makeTestStudy, type TestStudy } from '../helpers/pacs-study';

// Issue 14: from the study browser, search the PACS, retrieve a study, predict, approve and send the
// results; then ask the PACS itself (QIDO-RS) whether the SEG and SR are in the original study.

/** SOP Instance UIDs of the given modality in a study, straight from the PACS. */
async function instancesIn(orthanc: OrthancServer, studyUid: string, modality: string): Promise<string[]> {
  const answer = await fetch(`${orthanc.dicomWebUrl}/studies/${studyUid}/instances?Modality=${modality}`, { headers: { Accept: 'application/dicom+json' } });
  const text = await answer.text();
  return (text ? (JSON.parse(text) as Record<string, { Value: string[] }>[]) : []).map((item) => item['00080018'].Value[0]);
}

async function shot(page: Page, dir: string, name: string): Promise<void> {
  await page.screenshot({ path: join(dir, `${name}.png`), fullPage: true });
}

describe.skipIf(!orthancAvailable())('study browser against Orthanc', () => {
  let orthanc: OrthancServer;
  let serve: ServeProcess;
  let browser: Browser;
  let study: TestStudy;

  beforeAll(async () => {
    ensureRendererBuilt();
    orthanc = await startOrthanc();
    study = makeTestStudy({ films: 3, lateral: true, nonImage: true, accession: 'ACC-E2E' });
    await orthanc.upload(study.files);
    const home = mkdtempSync(join(tmpdir(), 'pleura-e2e-pacs-'));
    serve = await startServe({ env: { PLEURA_PACS_CONFIG: join(home, 'pacs.json') } });
    browser = await launchChromium();
  });
  afterAll(async () => {
    await browser?.close();
    await serve?.stop();
    await orthanc?.stop();
  });

  it('searches, retrieves, predicts, approves and sends; the PACS then holds the SEG and SR in the study', async () => {
    const page = await browser.newPage({ viewport: { width: 1500, height: 950 } });
    const shots = process.env.PLEURA_SHOTS_DIR ?? resultsDir('e2e', 'pacs');
    mkdirSync(shots, { recursive: true });
    await page.goto(serve.url);
    await createProjectInUi(page, mkdtempSync(join(tmpdir(), 'pleura-e2e-pacs-project-')));

    await page.getByTestId('tab-pacs').click();
    await page.getByTestId('pacs-workspace').waitFor();
    await page.getByTestId('pacs-new-connection').click();
    await page.getByTestId('pacs-name').fill('Test Orthanc');
    await page.getByTestId('pacs-url').fill(orthanc.dicomWebUrl);
    await page.getByTestId('pacs-save-connection').click();
    await page.getByTestId('pacs-connection-form').waitFor({ state: 'detached' });

    await page.getByTestId('pacs-patient-id').fill(study.patientId);
    await page.getByTestId('pacs-search').click();
    await page.getByTestId('pacs-study-row').first().waitFor();
    expect(await page.getByTestId('pacs-study-row').count()).toBe(1);
    await page.getByTestId('pacs-study-row').first().click();
    await page.getByTestId('pacs-series-row').nth(2).waitFor();
    // Three series: the PA films, the lateral view and the PDF; only the first holds films.
    expect(await page.getByTestId('pacs-series-films').allTextContents()).toEqual(['3', '0', '0']);
    await shot(page, shots, 'pacs-browser-en');

    await page.getByTestId('pacs-retrieve').click();
    await page.getByTestId('pacs-retrieve-report').waitFor({ timeout: 120_000 });
    expect(await page.getByTestId('pacs-retrieve-report').textContent()).toMatch(/^\s*3 imported, 0 already in the project, 0 skipped \(not films\), 0 failed/);
    await page.getByTestId('pacs-film-row').nth(2).waitFor();

    await page.getByTestId('tab-review').click();
    await page.getByTestId('queue-item').nth(2).waitFor();
    await page.getByTestId('predict-all').click();
    const statuses = () => page.getByTestId('queue-item').evaluateAll((items) => items.map((item) => item.getAttribute('data-status')));
    await waitUntil(statuses, (list) => list.length === 3 && list.every((s) => s === 'predicted'), { timeoutMs: 120_000, what: 'three predictions' });
    const ids = await page.getByTestId('queue-item').evaluateAll((items) => items.map((item) => item.getAttribute('data-image-id') ?? ''));
    for (const id of ids) {
      const item = page.locator(`[data-testid="queue-item"][data-image-id="${id}"]`);
      await item.click();
      await waitUntil(() => page.getByTestId('approve').isEnabled(), (enabled) => enabled, { what: 'the approve button' });
      await page.getByTestId('approve').click();
      await waitUntil(() => item.getAttribute('data-status'), (s) => s === 'approved', { what: `film ${id} approved` });
    }

    await page.getByTestId('tab-pacs').click();
    await page.getByTestId('pacs-send-approved').click();
    await page.getByTestId('pacs-send-report').waitFor({ timeout: 120_000 });
    expect(await page.getByTestId('pacs-send-report').textContent()).toMatch(/3 sent, 0 skipped/);
    expect(await errorToasts(page)).toEqual([]);
    await shot(page, shots, 'pacs-sent-en');

    expect(await instancesIn(orthanc, study.studyInstanceUid, 'SEG')).toHaveLength(3);
    expect(await instancesIn(orthanc, study.studyInstanceUid, 'SR')).toHaveLength(3);

    // The browser lists what is now in the study: SEG and SR series, counted but not films.
    await page.getByTestId('pacs-study-row').first().click();
    await waitUntil(() => page.getByTestId('pacs-series-row').count(), (n) => n === 9, { what: 'the SEG and SR series in the browser' });
    await page.getByTestId('locale').selectOption('ru');
    await page.getByTestId('pacs-search').click();
    await page.getByTestId('pacs-study-row').first().click();
    await page.getByTestId('pacs-series-row').nth(8).waitFor();
    await shot(page, shots, 'pacs-browser-ru');
    await page.getByTestId('pacs-new-connection').click();
    await shot(page, shots, 'pacs-connection-ru');
    await page.getByTestId('locale').selectOption('en');
    await shot(page, shots, 'pacs-connection-en');
    await page.close();
  });
});
