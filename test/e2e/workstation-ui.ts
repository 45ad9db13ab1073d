import { existsSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { repoRoot } from '../helpers/paths';

/** Builds the renderer when out/renderer is missing (npm run test:e2e builds it first anyway). */
export function ensureRendererBuilt(): void {
  if (existsSync(join(repoRoot, 'out', 'renderer', 'index.html'))) return;
  const result = spawnSync(process.execPath, [join(repoRoot, 'node_modules', 'electron-vite', 'bin', 'electron-vite.js'), 'build'], { cwd: repoRoot, stdio: 'inherit' });
  if (result.status !== 0) throw new Error('electron-vite build failed');
}

/** Creates a project through the Open/Create screen and waits for the Review workspace. */
export async function createProjectInUi(page: Page, projectDir: string): Promise<void> {
  await page.getByTestId('project-open').waitFor();
  await page.getByTestId('project-path').fill(projectDir);
  await page.getByTestId('project-create-button').click();
  await page.getByTestId('review-workspace').waitFor({ timeout: 30_000 });
}

/** Opens an existing project through the Open/Create screen. */
export async function openProjectInUi(page: Page, projectDir: string): Promise<void> {
  await page.getByTestId('project-open').waitFor();
  await page.getByTestId('project-path').fill(projectDir);
  await page.getByTestId('project-open-button').click();
  await page.getByTestId('review-workspace').waitFor({ timeout: 30_000 });
}

/** Imports files by path through the import panel and waits until the queue lists `count` images. */
export async function importInUi(page: Page, paths: string[], count: number): Promise<void> {
  await page.getByTestId('import-paths').fill(paths.join('\n'));
  await page.getByTestId('import-button').click();
  // Locators, not page functions: the page's CSP forbids string eval and tsx's helpers do not exist there.
  await page.getByTestId('queue-item').nth(count - 1).waitFor({ timeout: 60_000 });
}

/** Polls `read` until `done` holds for its value (page state through locators only). */
export async function waitUntil<T>(read: () => Promise<T>, done: (value: T) => boolean, options: { timeoutMs?: number; what: string }): Promise<T> {
  const deadline = Date.now() + (options.timeoutMs ?? 30_000);
  for (;;) {
    const value = await read();
    if (done(value)) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${options.what}; last value: ${String(value)}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

/** The stage's bounding box on the page. */
export async function stageBox(page: Page): Promise<{ x: number; y: number; width: number; height: number }> {
  const box = await page.getByTestId('stage').boundingBox();
  if (!box) throw new Error('stage not visible');
  return box;
}

/** Error toasts on screen (their text), for assertions and for diagnosing a failed step. */
export async function errorToasts(page: Page): Promise<string[]> {
  return page.locator('[data-testid="toast"][role="alert"]').allTextContents();
}

/** The little of the DOM the page functions below use (the node-side typecheck has no DOM types). */
interface PageBox { top: number; bottom: number; right: number; width: number; height: number }
interface PageElement {
  tagName: string;
  className: string;
  textContent: string | null;
  outerHTML: string;
  offsetParent: unknown;
  scrollWidth: number;
  clientWidth: number;
  children: ArrayLike<PageElement>;
  getAttribute(name: string): string | null;
  closest(selector: string): PageElement | null;
  getBoundingClientRect(): PageBox;
  querySelectorAll(selector: string): ArrayLike<PageElement>;
}
interface PageWindow { getComputedStyle(element: PageElement): { textOverflow: string; visibility: string; position: string } }

/**
 * Buttons on screen whose text says nothing (an icon, a sign) and that have no tooltip (title): every
 * such button must say what it does when the pointer rests on it.
 */
export async function iconButtonsWithoutTooltip(page: Page): Promise<string[]> {
  return page.locator('button').evaluateAll((buttons) =>
    (buttons as unknown as PageElement[])
      .filter((b) => b.offsetParent !== null && !/\p{L}{2}/u.test(b.textContent ?? '') && !(b.getAttribute('title') ?? '').trim())
      .map((b) => b.outerHTML.slice(0, 120)),
  );
}

/** Text cut with an ellipsis on screen that no tooltip (title on it or around it) shows in full. */
export async function cutTextWithoutTooltip(page: Page): Promise<string[]> {
  return page.locator('body *').evaluateAll((elements) =>
    (elements as unknown as PageElement[])
      .filter((e) => (globalThis as unknown as PageWindow).getComputedStyle(e).textOverflow === 'ellipsis' && e.scrollWidth > e.clientWidth + 1 && !(e.closest('[title]')?.getAttribute('title') ?? '').trim() && !e.closest('.image-overlay'))
      .map((e) => (e.textContent ?? '').slice(0, 80)),
  );
}

/** Whether a bar's children sit in one row: none starts below the bottom of another. */
export async function inOneRow(page: Page, testId: string): Promise<boolean> {
  return page.getByTestId(testId).evaluate((bar) => {
    const boxes = Array.from((bar as unknown as PageElement).children).map((child) => child.getBoundingClientRect()).filter((box) => box.width > 0 && box.height > 0);
    return boxes.every((a) => boxes.every((b) => a.top < b.bottom));
  });
}

/** Elements inside `selector` that stick out of it horizontally (cut off at its right edge or scrolled). */
export async function overflowing(page: Page, selector: string): Promise<string[]> {
  return page.locator(selector).first().evaluate((element) => {
    const panel = element as unknown as PageElement;
    const right = panel.getBoundingClientRect().right;
    const out = Array.from(panel.querySelectorAll('*')).filter((e) => {
      const box = e.getBoundingClientRect();
      return box.width > 0 && box.right > right + 1 && (globalThis as unknown as PageWindow).getComputedStyle(e).position !== 'fixed';
    });
    return [...(panel.scrollWidth > panel.clientWidth + 1 ? [`${panel.className}: scrollWidth ${panel.scrollWidth} > ${panel.clientWidth}`] : []), ...out.map((e) => `${e.tagName.toLowerCase()}.${e.className}: ${(e.textContent ?? '').slice(0, 40)}`)];
  });
}
