// `npm run bench -- open-film`: what a user waits for after a click on a film in the queue, in Debian's
// Chromium through serve mode: -> the film on screen (first painted frame) and -> its mask on screen
// (the film had none, so it is predicted on open), for 2500x2048 16-bit DICOM films in JPEG lossless
// and JPEG 2000 lossless made at bench time (./dicom-films.ts), each copy its own file, so that every
// click opens a film the server has not decoded yet. The page marks each step with User Timing
// (src-renderer/src/editor/open-timing.ts): the click, the pixels received, the first frame painted
// with the film, the full-resolution film painted, the prediction answered, the mask painted.
// One film of each syntax is opened first and not counted (the codecs' WebAssembly and the model
// session load then, as in a workstation that has been running). Peers: the decode alone in this
// process (Pleura's decoder, same films) and the native tools (dcmtk's dcmdjpeg, opj_decompress).
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import type { BenchContext, BenchResult } from './types';
import { launchChromium, startServe } from '../e2e/helpers';
import { createProjectInUi, ensureRendererBuilt, errorToasts, waitUntil } from '../e2e/workstation-ui';
import { decodeImage } from '../../src-main/services/images/decode';
import { sourceDataset, syntaxes, writeFilms, type SourceFilm, type Syntax } from './dicom-films';

/** Timed opens per syntax (`--reps N` to change). */
const DEFAULT_REPS = 7;

/** One open, in ms from the click (the `pleura:open` mark). */
interface OpenTiming {
  pixels: number;
  film: number;
  filmFull: number;
  predicted: number;
  mask: number;
  server: { pre: number; run: number; post: number; total: number } | null;
}

function percentile(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  if (sorted.length === 0) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))];
}

/** Median decode time of one file in this process (Pleura's decoder, no windowing). */
async function decodeMs(file: string): Promise<number> {
  const bytes = new Uint8Array(readFileSync(file));
  await decodeImage(bytes, { name: file });
  const times: number[] = [];
  for (let run = 0; run < 3; run++) {
    const started = performance.now();
    await decodeImage(bytes, { name: file });
    times.push(performance.now() - started);
  }
  return percentile(times, 50);
}

/** The native decoder's time on the same file (process start included: a few ms). */
function nativeMs(syntax: Syntax, file: string, dir: string): { tool: string; ms: number } | null {
  const run = (tool: string, args: string[]) => {
    if (spawnSync(tool, ['--version'], { stdio: 'ignore' }).error) return null;
    const times: number[] = [];
    for (let i = 0; i <= 3; i++) {
      const started = performance.now();
      execFileSync(tool, args, { stdio: 'ignore' });
      if (i > 0) times.push(performance.now() - started);
    }
    return { tool, ms: percentile(times, 50) };
  };
  if (syntax.key === 'jpeg-lossless') return run('dcmdjpeg', [file, join(dir, 'native.dcm')]);
  return run('opj_decompress', ['-i', join(dir, 'source.j2k'), '-o', join(dir, 'native.pgm'), '-threads', '1']);
}

/** Clicks a film in the queue and waits for its film and mask marks; times are from the click mark. */
async function openAndTime(page: Page, imageId: string): Promise<OpenTiming> {
  await page.evaluate('performance.clearMarks()');
  await page.locator(`[data-testid="queue-item"][data-image-id="${imageId}"]`).click();
  const read = () => page.evaluate(`(() => {
    const out = {};
    for (const entry of performance.getEntriesByType('mark')) {
      if (entry.name.startsWith('pleura:') && entry.detail && entry.detail.imageId === ${JSON.stringify(imageId)}) out[entry.name.slice(7)] = { at: entry.startTime, detail: entry.detail };
    }
    return out;
  })()`) as Promise<Record<string, { at: number; detail: Record<string, unknown> } | undefined>>;
  const marks = await waitUntil(read, (m) => !!m.open && !!m['film-painted'] && !!m['mask-painted'] && !!m.predicted, { timeoutMs: 120_000, what: `the film and mask marks of ${imageId}` });
  // The full-resolution paint may follow a reduced first paint; give it its time.
  const full = marks['film-full'] ? marks : await waitUntil(read, (m) => !!m['film-full'], { timeoutMs: 30_000, what: 'the full-resolution paint' }).catch(() => marks);
  const at = (name: string) => (full[name]?.at ?? marks[name]?.at ?? NaN) - marks.open!.at;
  return {
    pixels: at('pixels'),
    film: at('film-painted'),
    filmFull: full['film-full'] ? at('film-full') : at('film-painted'),
    predicted: at('predicted'),
    mask: at('mask-painted'),
    server: (marks.predicted?.detail.timingsMs as OpenTiming['server']) ?? null,
  };
}

export default async function run(ctx: BenchContext): Promise<BenchResult[]> {
  ensureRendererBuilt();
  for (const tool of ['dcmcjpeg', 'opj_compress']) {
    if (spawnSync(tool, ['--version'], { stdio: 'ignore' }).error) throw new Error(`${tool} is needed to make the films (apt-get install -y dcmtk libopenjp2-tools)`);
  }
  const repsAt = ctx.args.indexOf('--reps');
  const reps = repsAt >= 0 ? Math.max(1, Number(ctx.args[repsAt + 1]) || DEFAULT_REPS) : DEFAULT_REPS;
  const filmAt = ctx.args.indexOf('--film');
  const film: SourceFilm = filmAt >= 0 && ctx.args[filmAt + 1] === 'hand' ? 'hand' : 'chest';
  const work = mkdtempSync(join(tmpdir(), 'pleura-open-film-'));
  const results: BenchResult[] = [];
  const source = await sourceDataset(film);
  ctx.log(`films: the ${film} CR (test/bench/dicom-films.ts), ${reps} timed opens per syntax after one not counted`);
  const films = new Map<Syntax['key'], string[]>();
  for (const syntax of syntaxes) films.set(syntax.key, writeFilms(work, syntax, source, reps + 1));
  const serve = await startServe({ dataDir: join(work, 'data') });
  const browser = await launchChromium();
  try {
    const page = await browser.newPage({ viewport: { width: 1500, height: 950 } });
    await page.goto(serve.url);
    await createProjectInUi(page, join(work, 'project'));
    const all = syntaxes.flatMap((s) => films.get(s.key)!);
    // The import decodes every film to check it: minutes on a loaded machine, so a longer wait than the tests'.
    await page.getByTestId('import-paths').fill(all.join('\n'));
    await page.getByTestId('import-button').click();
    await page.getByTestId('queue-item').nth(all.length - 1).waitFor({ timeout: 900_000 });
    // Thumbnails decode every film once, when its queue item scrolls into view: all of them are brought
    // into view and waited for first, so that no thumbnail decode runs beside a timed open.
    const items = page.getByTestId('queue-item');
    for (let i = 0; i < all.length; i++) await items.nth(i).scrollIntoViewIfNeeded();
    await waitUntil(() => page.locator('[data-testid="queue-thumb"][data-loaded="yes"]').count(), (n) => n === all.length, { timeoutMs: 300_000, what: 'queue thumbnails' });
    await page.waitForTimeout(1000);
    const idOf = async (file: string) => {
      const name = file.split('/').at(-1)!;
      const id = await page.locator(`[data-testid="queue-item"][data-image-name="${name}"]`).getAttribute('data-image-id');
      if (!id) throw new Error(`${name} is not in the queue`);
      return id;
    };
    for (const syntax of syntaxes) {
      const [warm, ...timed] = films.get(syntax.key)!;
      await openAndTime(page, await idOf(warm));
      const timings: OpenTiming[] = [];
      const load: number[] = [];
      for (const file of timed) {
        await page.waitForTimeout(500);
        load.push(loadavg()[0]);
        const timing = await openAndTime(page, await idOf(file));
        timings.push(timing);
        ctx.log(`${syntax.label} ${file.split('/').at(-1)}: pixels ${timing.pixels.toFixed(0)} ms, film ${timing.film.toFixed(0)} ms, full ${timing.filmFull.toFixed(0)} ms, predicted ${timing.predicted.toFixed(0)} ms, mask ${timing.mask.toFixed(0)} ms${timing.server ? ` (server: pre ${timing.server.pre.toFixed(0)}, run ${timing.server.run.toFixed(0)}, post ${timing.server.post.toFixed(0)}, total ${timing.server.total.toFixed(0)})` : ''}`);
      }
      const errors = await errorToasts(page);
      if (errors.length) ctx.log(`messages on screen: ${errors.join(' | ')}`);
      const decode = await decodeMs(timed[0]);
      const native = nativeMs(syntax, timed[0], work);
      const label = `${source.widthPx}x${source.heightPx} ${film} ${syntax.label}`;
      const series = (pick: (t: OpenTiming) => number) => timings.map(pick).filter(Number.isFinite);
      const toFilm = series((t) => t.film);
      const toMask = series((t) => t.mask);
      ctx.log(`${label}: load average (1 min) during the clicks ${Math.min(...load).toFixed(2)}-${Math.max(...load).toFixed(2)}`);
      results.push(
        { metric: `click to film on screen, median: ${label}`, value: percentile(toFilm, 50), unit: 'ms', peer: 'decode alone (Pleura, in process)', peerValue: decode, ratio: percentile(toFilm, 50) / decode },
        { metric: `click to film on screen, p90: ${label}`, value: percentile(toFilm, 90), unit: 'ms' },
        { metric: `click to full-resolution film, median: ${label}`, value: percentile(series((t) => t.filmFull), 50), unit: 'ms' },
        { metric: `click to mask on screen, median: ${label}`, value: percentile(toMask, 50), unit: 'ms' },
        { metric: `click to mask on screen, p90: ${label}`, value: percentile(toMask, 90), unit: 'ms' },
        { metric: `click to pixels in the renderer, median: ${label}`, value: percentile(series((t) => t.pixels), 50), unit: 'ms' },
        { metric: `click to prediction answered, median: ${label}`, value: percentile(series((t) => t.predicted), 50), unit: 'ms' },
        { metric: `prediction on the server (decode wait + pre + run + post + save), median: ${label}`, value: percentile(series((t) => t.server?.total ?? NaN), 50), unit: 'ms' },
        { metric: `decode alone (Pleura, in process): ${label}`, value: decode, unit: 'ms', ...(native ? { peer: native.tool, peerValue: native.ms, ratio: decode / native.ms } : {}) },
        { metric: `load average (1 min) during the clicks, median: ${label}`, value: percentile(load, 50), unit: '' },
      );
    }
  } finally {
    await browser.close();
    await serve.stop();
    rmSync(work, { recursive: true, force: true });
  }
  return results;
}
