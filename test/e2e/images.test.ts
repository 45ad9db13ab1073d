import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import sharp from 'sharp';
import type { Browser, Page } from 'playwright-core';
import { launchChromium, resultsDir, startServe, type ServeProcess } from './helpers';
import { createProjectInUi, ensureRendererBuilt, importInUi, stageBox, waitUntil } from './workstation-ui';
import { fixturePath } from '../helpers/paths';
import { decodeImage } from '../../src-main/services/images/decode';
import { toGrey8 } from '../../src-shared/imaging';

// Issue 4's check that images look right: a MONOCHROME1 chest must show with dark lungs (not inverted),
// upright, and with its spacing source; a PNG likewise. The rendered stage is compared with what the
// decoder (itself checked against dcmtk) says the display should be, and with its inverse.

const SIDE = 48;

/** The expected 8-bit display of a file, downsampled to SIDE x SIDE. */
async function expectedDisplay(file: string): Promise<Float64Array> {
  const decoded = await decodeImage(new Uint8Array(readFileSync(file)), { name: file });
  const grey = toGrey8(decoded.pixels, decoded.meta);
  const raw = await sharp(Buffer.from(grey), { raw: { width: decoded.pixels.widthPx, height: decoded.pixels.heightPx, channels: 1 } })
    .resize(SIDE, SIDE, { fit: 'fill' }).extractChannel(0).raw().toBuffer();
  return Float64Array.from(raw);
}

/** The image as drawn on the stage (fit view: centred, 8 px margin), downsampled to SIDE x SIDE. */
async function renderedDisplay(page: Page, size: { widthPx: number; heightPx: number }): Promise<Float64Array> {
  const box = await stageBox(page);
  const png = await page.screenshot({ clip: box });
  const scale = Math.min((box.width - 16) / size.widthPx, (box.height - 16) / size.heightPx);
  const width = Math.floor(size.widthPx * scale);
  const height = Math.floor(size.heightPx * scale);
  const left = Math.round((box.width - width) / 2);
  const top = Math.round((box.height - height) / 2);
  const raw = await sharp(png).extract({ left, top, width: width - 2, height: height - 2 }).greyscale().resize(SIDE, SIDE, { fit: 'fill' }).extractChannel(0).raw().toBuffer();
  return Float64Array.from(raw);
}

function correlation(a: Float64Array, b: Float64Array): number {
  const mean = (v: Float64Array) => v.reduce((s, x) => s + x, 0) / v.length;
  const ma = mean(a);
  const mb = mean(b);
  let ab = 0;
  let aa = 0;
  let bb = 0;
  for (let i = 0; i < a.length; i++) {
    ab += (a[i] - ma) * (b[i] - mb);
    aa += (a[i] - ma) ** 2;
    bb += (b[i] - mb) ** 2;
  }
  return ab / Math.sqrt(aa * bb);
}

const cases = [
  { file: fixturePath('dicom', 'Issue44_Monochrome1-Jpeg.dcm'), name: 'Issue44_Monochrome1-Jpeg.dcm', widthPx: 2010, heightPx: 2446, spacing: /detector plane|patient/i },
  { file: fixturePath('xray', 'CHNCXR_0005_0.png'), name: 'CHNCXR_0005_0.png', widthPx: 512, heightPx: 512, spacing: /unknown|none|pixels/i },
];

describe('images open and look right in the viewer', () => {
  let serve: ServeProcess;
  let browser: Browser;

  beforeAll(async () => {
    ensureRendererBuilt();
    serve = await startServe();
    browser = await launchChromium();
  });
  afterAll(async () => {
    await browser?.close();
    await serve?.stop();
  });

  it('shows a MONOCHROME1 DICOM and a PNG upright and not inverted, windows them, and labels the spacing source', async () => {
    const page = await browser.newPage({ viewport: { width: 1500, height: 950 } });
    const shots = resultsDir('e2e', 'images');
    await page.goto(serve.url);
    await createProjectInUi(page, mkdtempSync(join(tmpdir(), 'pleura-e2e-images-')));
    await importInUi(page, cases.map((c) => c.file), cases.length);

    for (const [index, c] of cases.entries()) {
      await page.getByTestId('queue-item').filter({ hasText: c.name }).click();
      await waitUntil(() => page.getByTestId('spacing-label').textContent(), (text) => !!text && c.spacing.test(text), { timeoutMs: 60_000, what: `the spacing label of ${c.name}` });
      await page.waitForTimeout(500);
      await page.screenshot({ path: join(shots, `${index + 1}-${c.name}.png`) });

      const expected = await expectedDisplay(c.file);
      const rendered = await renderedDisplay(page, c);
      const asPng = (v: Float64Array, file: string) => sharp(Buffer.from(Uint8Array.from(v)), { raw: { width: SIDE, height: SIDE, channels: 1 } }).resize(4 * SIDE).png().toFile(join(shots, file));
      await asPng(expected, `${index + 1}-expected.png`);
      await asPng(rendered, `${index + 1}-rendered.png`);
      const inverted = expected.map((v) => 255 - v);
      const upsideDown = Float64Array.from({ length: expected.length }, (_, i) => expected[(SIDE - 1 - Math.floor(i / SIDE)) * SIDE + (i % SIDE)]);
      expect(correlation(rendered, expected)).toBeGreaterThan(0.9);
      expect(correlation(rendered, inverted)).toBeLessThan(0);
      expect(correlation(rendered, expected)).toBeGreaterThan(correlation(rendered, upsideDown) + 0.1);

      // Window by right-drag: the window readout and the picture change.
      const windowBefore = await page.getByTestId('window').textContent();
      const box = await stageBox(page);
      await page.mouse.move(box.x + box.width / 2, box.y + box.height / 2);
      await page.mouse.down({ button: 'right' });
      await page.mouse.move(box.x + box.width / 2 + 120, box.y + box.height / 2 + 60, { steps: 6 });
      await page.mouse.up({ button: 'right' });
      await waitUntil(() => page.getByTestId('window').textContent(), (text) => text !== windowBefore, { what: 'the window readout to change' });
      const windowed = await renderedDisplay(page, c);
      expect(windowed.some((v, i) => Math.abs(v - rendered[i]) > 8)).toBe(true);
      expect(correlation(windowed, inverted)).toBeLessThan(0);
      await page.screenshot({ path: join(shots, `${index + 1}-${c.name}-windowed.png`) });
    }
    await page.close();
  });
});
