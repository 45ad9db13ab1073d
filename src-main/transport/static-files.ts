import type { IncomingMessage, ServerResponse } from 'node:http';
import { readFile, stat } from 'node:fs/promises';
import { extname, join, normalize, sep } from 'node:path';
import { decodePathname } from './request-url';

const MIME: Record<string, string> = {
  '.html': 'text/html; charset=utf-8', '.js': 'text/javascript; charset=utf-8', '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8', '.json': 'application/json', '.wasm': 'application/wasm', '.svg': 'image/svg+xml',
  '.png': 'image/png', '.ico': 'image/x-icon', '.woff2': 'font/woff2', '.map': 'application/json',
};

/** Answers a request with a short plain-text message (never with anything the request sent). */
export function refuse(res: ServerResponse, status: number, message: string): void {
  if (res.headersSent) {
    res.destroy();
    return;
  }
  res.writeHead(status, { 'content-type': 'text/plain; charset=utf-8', 'cache-control': 'no-store', 'x-content-type-options': 'nosniff' });
  res.end(message);
}

/**
 * Serves one file of the built renderer: a malformed `%` escape is a 400, anything outside
 * `rendererDir` or not a regular file a 404.
 */
export async function serveRendererFile(req: IncomingMessage, res: ServerResponse, url: URL, rendererDir: string, headers: Record<string, string>): Promise<void> {
  const relative = decodePathname(url.pathname === '/' ? '/index.html' : url.pathname);
  if (relative === null) return refuse(res, 400, 'Bad request: malformed URL escape');
  const root = normalize(rendererDir);
  const file = normalize(join(root, relative));
  if (!file.startsWith(root + sep)) return refuse(res, 404, 'Not found');
  const info = await stat(file).catch(() => null);
  if (!info?.isFile()) return refuse(res, 404, 'Not found');
  const body = await readFile(file);
  res.writeHead(200, { ...headers, 'content-type': MIME[extname(file)] ?? 'application/octet-stream', 'content-length': String(body.length) });
  res.end(req.method === 'HEAD' ? undefined : body);
}
