import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { join } from 'node:path';
import type { Browser } from 'playwright-core';
import { WebSocket } from 'ws';
import { request } from 'node:http';
import { launchChromium, resultsDir, startServe, type ServeProcess } from './helpers';

describe('serve mode in Chromium', () => {
  let serve: ServeProcess;
  let browser: Browser;

  beforeAll(async () => {
    serve = await startServe();
    browser = await launchChromium();
  });
  afterAll(async () => {
    await browser?.close();
    await serve?.stop();
  });

  it('renders the app shell and round-trips system.info', async () => {
    const page = await browser.newPage();
    const errors: string[] = [];
    page.on('pageerror', (error) => errors.push(error.message));
    await page.goto(serve.url);
    await page.getByTestId('app-shell').waitFor();
    const info = page.getByTestId('system-info');
    await info.waitFor({ timeout: 30_000 });
    expect(await info.textContent()).toContain('serve');
    await page.screenshot({ path: join(resultsDir('e2e'), 'shell.png') });
    expect(errors).toEqual([]);
    await page.close();
  });

  it('refuses requests without the token', async () => {
    const bare = await fetch(`${serve.origin}/`);
    expect(bare.status).toBe(403);
    const wrong = await fetch(`${serve.origin}/?token=not-the-token`);
    expect(wrong.status).toBe(403);
    const right = await fetch(serve.url);
    expect(right.status).toBe(200);
  });

  it('refuses requests from another origin or host', async () => {
    const otherOrigin = await fetch(serve.url, { headers: { origin: 'http://evil.example' } });
    expect(otherOrigin.status).toBe(403);
    // fetch cannot set Host (a forbidden header), so use node:http as a DNS-rebinding page would look.
    const status = await new Promise<number>((resolve, reject) => {
      const url = new URL(serve.url);
      const req = request({ host: url.hostname, port: url.port, path: `${url.pathname}${url.search}`, headers: { host: `evil.example:${url.port}` } }, (res) => {
        res.resume();
        resolve(res.statusCode ?? 0);
      });
      req.on('error', reject);
      req.end();
    });
    expect(status).toBe(403);
  });

  it('refuses a WebSocket without the token', async () => {
    const status = await new Promise<string>((resolve) => {
      const ws = new WebSocket(`${serve.origin.replace('http', 'ws')}/api`, { origin: serve.origin });
      ws.on('open', () => resolve('open'));
      ws.on('error', () => resolve('refused'));
    });
    expect(status).toBe('refused');
  });
});
