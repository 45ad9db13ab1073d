import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { randomBytes, timingSafeEqual } from 'node:crypto';
import { readFile, stat } from 'node:fs/promises';
import { extname, join, normalize, sep } from 'node:path';
import type { AddressInfo } from 'node:net';
import { WebSocketServer, type WebSocket } from 'ws';
import { decodeMessage, encodeMessage, type WireRequest } from '../../src-shared/api/wire';
import type { Api } from '../../src-shared/api';
import type { AppContext } from '../services/context';
import { dispatch } from './dispatch';

const TOKEN_COOKIE = 'pleura_token';
const MIME: Record<string, string> = {
  '.html': 'text/html; charset=utf-8', '.js': 'text/javascript; charset=utf-8', '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8', '.json': 'application/json', '.wasm': 'application/wasm', '.svg': 'image/svg+xml',
  '.png': 'image/png', '.ico': 'image/x-icon', '.woff2': 'font/woff2', '.map': 'application/json',
};

export interface ServeOptions {
  ctx: AppContext;
  api: Api;
  /** Folder of the built renderer (index.html and assets). */
  rendererDir: string;
  /** 0 picks a free port. */
  port?: number;
  /** Fixed token (tests); a random one per run otherwise. */
  token?: string;
}

export interface ServeHandle {
  url: string;
  port: number;
  token: string;
  close(): Promise<void>;
}

/** The Content-Security-Policy of the served app: nothing but this origin, no inline scripts. */
export function contentSecurityPolicy(origin: string): string {
  const ws = origin.replace(/^http/, 'ws');
  return [
    "default-src 'self'",
    "script-src 'self' 'wasm-unsafe-eval'",
    "style-src 'self' 'unsafe-inline'",
    "img-src 'self' data: blob:",
    `connect-src 'self' ${ws}`,
    "object-src 'none'",
    "base-uri 'none'",
    "frame-ancestors 'none'",
    "form-action 'none'",
  ].join('; ');
}

function sameToken(given: string | undefined | null, token: string): boolean {
  if (!given) return false;
  const a = Buffer.from(given);
  const b = Buffer.from(token);
  return a.length === b.length && timingSafeEqual(a, b);
}

function cookieToken(req: IncomingMessage): string | undefined {
  const header = req.headers.cookie ?? '';
  for (const part of header.split(';')) {
    const [name, ...rest] = part.trim().split('=');
    if (name === TOKEN_COOKIE) return rest.join('=');
  }
  return undefined;
}

/**
 * Serve mode: the built renderer and the contract over HTTP + WebSocket on 127.0.0.1 only. A random
 * token in the printed URL authorises the browser (it becomes an HttpOnly, SameSite=Strict cookie);
 * requests without it, from another origin, or for another Host (DNS rebinding) are refused.
 */
export async function startServe(options: ServeOptions): Promise<ServeHandle> {
  const token = options.token ?? randomBytes(24).toString('base64url');
  let origin = '';
  const allowedHosts = new Set<string>();

  const refuse = (res: ServerResponse, status: number, message: string) => {
    res.writeHead(status, { 'content-type': 'text/plain; charset=utf-8', 'cache-control': 'no-store' });
    res.end(message);
  };

  const authorised = (req: IncomingMessage, url: URL): boolean => {
    if (!allowedHosts.has(req.headers.host ?? '')) return false;
    const requestOrigin = req.headers.origin;
    if (requestOrigin && !allowedHosts.has(requestOrigin.replace(/^https?:\/\//, ''))) return false;
    return sameToken(url.searchParams.get('token'), token) || sameToken(cookieToken(req), token);
  };

  const server = createServer(async (req, res) => {
    try {
      const url = new URL(req.url ?? '/', origin || 'http://127.0.0.1');
      if (!authorised(req, url)) return refuse(res, 403, 'Forbidden: open the URL that `pleura serve` printed (it carries the access token).');
      if (req.method !== 'GET' && req.method !== 'HEAD') return refuse(res, 405, 'Method not allowed');
      const headers: Record<string, string> = {
        'content-security-policy': contentSecurityPolicy(origin),
        'x-content-type-options': 'nosniff',
        'referrer-policy': 'no-referrer',
        'cross-origin-opener-policy': 'same-origin',
        'cross-origin-embedder-policy': 'require-corp',
        'cache-control': 'no-store',
      };
      if (url.searchParams.has('token')) {
        headers['set-cookie'] = `${TOKEN_COOKIE}=${token}; HttpOnly; SameSite=Strict; Path=/`;
      }
      const relative = decodeURIComponent(url.pathname === '/' ? '/index.html' : url.pathname);
      const file = normalize(join(options.rendererDir, relative));
      if (!file.startsWith(normalize(options.rendererDir) + sep)) return refuse(res, 404, 'Not found');
      const info = await stat(file).catch(() => null);
      if (!info?.isFile()) return refuse(res, 404, 'Not found');
      const body = await readFile(file);
      res.writeHead(200, { ...headers, 'content-type': MIME[extname(file)] ?? 'application/octet-stream', 'content-length': String(body.length) });
      res.end(req.method === 'HEAD' ? undefined : body);
    } catch (error) {
      refuse(res, 500, `Internal error: ${(error as Error).message}`);
    }
  });

  const wss = new WebSocketServer({ noServer: true, maxPayload: 1024 * 2 ** 20 });
  const sockets = new Set<WebSocket>();
  server.on('upgrade', (req, socket, head) => {
    const url = new URL(req.url ?? '/', origin);
    if (url.pathname !== '/api' || !authorised(req, url) || !req.headers.origin) {
      socket.write('HTTP/1.1 403 Forbidden\r\nConnection: close\r\n\r\n');
      socket.destroy();
      return;
    }
    wss.handleUpgrade(req, socket, head, (ws) => {
      sockets.add(ws);
      ws.on('close', () => sockets.delete(ws));
      ws.on('message', async (data, isBinary) => {
        if (!isBinary) return ws.close(1003, 'binary messages only');
        let request: WireRequest;
        try {
          const buffer = Array.isArray(data) ? Buffer.concat(data) : Buffer.from(data as ArrayBuffer);
          request = decodeMessage(new Uint8Array(buffer.buffer, buffer.byteOffset, buffer.byteLength)) as WireRequest;
        } catch {
          return ws.close(1007, 'malformed message');
        }
        const result = await dispatch(options.api, String(request.domain), String(request.method), request.args);
        if (ws.readyState === ws.OPEN) ws.send(encodeMessage({ id: request.id, result }));
      });
    });
  });

  const offEvents = options.ctx.events.onAny((event, payload) => {
    const message = encodeMessage({ event, payload });
    for (const ws of sockets) if (ws.readyState === ws.OPEN) ws.send(message);
  });

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, '127.0.0.1', () => resolve());
  });
  const port = (server.address() as AddressInfo).port;
  origin = `http://127.0.0.1:${port}`;
  allowedHosts.add(`127.0.0.1:${port}`).add(`localhost:${port}`);
  return {
    url: `${origin}/?token=${token}`,
    port,
    token,
    close: async () => {
      offEvents();
      for (const ws of sockets) ws.terminate();
      wss.close();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
