import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { randomBytes, timingSafeEqual } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import type { Duplex } from 'node:stream';
import { WebSocketServer, type WebSocket } from 'ws';
import { encodeMessage } from '../../src-shared/api/wire';
import type { Api } from '../../src-shared/api';
import type { AppContext } from '../services/context';
import { MAX_INFLIGHT_MESSAGE_BYTES, MAX_MESSAGE_BYTES } from '../services/images/limits';
import { ByteBudget } from './byte-budget';
import { dropBody } from './drain';
import { realRoot } from '../services/confine-path';
import { confineApi } from './confine';
import { parseRequestTarget } from './request-url';
import { refuse, serveRendererFile } from './static-files';
import { serveApiConnection } from './ws-api';
import { createUploadEndpoint, defaultUploadLimits, type UploadLimits } from './upload';
import { UPLOAD_PATH } from '../../src-shared/api/upload';
import { getSession } from '../services/project/session';

const TOKEN_COOKIE = 'pleura_token';

export interface ServeOptions {
  ctx: AppContext;
  api: Api;
  /** Folder of the built renderer (index.html and assets). */
  rendererDir: string;
  /** 0 picks a free port. */
  port?: number;
  /** Fixed token (tests); a random one per run otherwise. */
  token?: string;
  /** Bounds of the upload endpoint (tests shorten them); {@link defaultUploadLimits} otherwise. */
  uploadLimits?: Partial<UploadLimits>;
  /**
   * Folder every path argument of the contract must stay inside ({@link confineApi}); unset, paths
   * reach whatever the user running the server can reach.
   */
  root?: string;
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
  const api = options.root ? await confineApi(options.api, options.root) : options.api;
  // the services find some files by themselves (masks beside films): they check them against the root
  if (options.root) options.ctx.pathRoot = await realRoot(options.root);
  const uploads = createUploadEndpoint(getSession(options.ctx), { ...defaultUploadLimits, ...options.uploadLimits });
  let origin = '';
  const allowedHosts = new Set<string>();

  const authorised = (req: IncomingMessage, url: URL): boolean => {
    if (!allowedHosts.has(req.headers.host ?? '')) return false;
    const requestOrigin = req.headers.origin;
    if (requestOrigin && !allowedHosts.has(requestOrigin.replace(/^https?:\/\//, ''))) return false;
    return sameToken(url.searchParams.get('token'), token) || sameToken(cookieToken(req), token);
  };

  const handleRequest = async (req: IncomingMessage, res: ServerResponse) => {
    const url = parseRequestTarget(req.url, origin);
    const allowed = url !== null && authorised(req, url);
    // uploads come from the served page's fetch, which always names its origin (checked by authorised)
    if (allowed && url.pathname === UPLOAD_PATH && req.headers.origin) return uploads.handle(req, res, url);
    // no other request has a body worth reading: whatever a client sends with it (an unauthenticated
    // 600 MB PUT) costs the server at most a short drain, then the connection is cut
    dropBody(req);
    if (!url) return refuse(res, 400, 'Bad request');
    if (!allowed) return refuse(res, 403, 'Forbidden: open the URL that `pleura serve` printed (it carries the access token).');
    if (url.pathname === UPLOAD_PATH) return refuse(res, 403, 'Forbidden: uploads come from the served page.');
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
    await serveRendererFile(req, res, url, options.rendererDir, headers);
  };

  const server = createServer((req, res) => {
    handleRequest(req, res).catch((error: unknown) => {
      console.error('serve: a request failed', error);
      refuse(res, 500, 'Internal error');
    });
  });
  server.on('clientError', (_error, socket) => {
    if (socket.writable) socket.end('HTTP/1.1 400 Bad Request\r\nConnection: close\r\n\r\n');
    else socket.destroy();
  });

  const wss = new WebSocketServer({ noServer: true, maxPayload: MAX_MESSAGE_BYTES, perMessageDeflate: false });
  wss.on('error', (error) => console.warn(`serve: WebSocket server error: ${error.message}`));
  const budget = new ByteBudget(MAX_INFLIGHT_MESSAGE_BYTES);
  const sockets = new Set<WebSocket>();
  const handleUpgrade = (req: IncomingMessage, socket: Duplex, head: Buffer) => {
    const url = parseRequestTarget(req.url, origin);
    if (!url || url.pathname !== '/api' || !authorised(req, url) || !req.headers.origin) {
      socket.end(`HTTP/1.1 ${url ? '403 Forbidden' : '400 Bad Request'}\r\nConnection: close\r\n\r\n`);
      return;
    }
    wss.handleUpgrade(req, socket, head, (ws) => {
      sockets.add(ws);
      ws.on('close', () => sockets.delete(ws));
      serveApiConnection(ws, socket, api, budget);
    });
  };
  server.on('upgrade', (req: IncomingMessage, socket: Duplex, head: Buffer) => {
    // the raw socket has no error listener once http hands it over: one here keeps a reset from crashing
    socket.on('error', () => socket.destroy());
    try {
      handleUpgrade(req, socket, head);
    } catch (error) {
      console.error('serve: an upgrade failed', error);
      socket.destroy();
    }
  });

  const offEvents = options.ctx.events.onAny((event, payload) => {
    let message: Uint8Array;
    try {
      message = encodeMessage({ event, payload }, { runs: true });
    } catch (error) {
      return console.error(`serve: event ${event} could not be encoded`, error);
    }
    for (const ws of sockets) if (ws.readyState === ws.OPEN) ws.send(message, () => undefined);
  });

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, '127.0.0.1', () => resolve());
  });
  server.on('error', (error) => console.error(`serve: server error: ${error.message}`));
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
