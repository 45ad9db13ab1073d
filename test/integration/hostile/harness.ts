// Helpers of the hostile-input suite: a serve child process, raw HTTP and WebSocket bytes, and the
// child's peak memory (VmHWM from /proc/<pid>/status).
import { spawn, type ChildProcess } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { request } from 'node:http';
import { connect, type Socket } from 'node:net';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { WebSocket } from 'ws';
import { decodeMessage, encodeMessage } from '../../../src-shared/api/wire';
import { repoRoot } from '../../helpers/paths';

export interface ServeChild {
  port: number;
  token: string;
  origin: string;
  work: string;
  child: ChildProcess;
  /** Everything the child wrote to stderr (warnings, crash traces). */
  stderr(): string;
  stop(): Promise<void>;
}

/** Peak resident memory of a running process, in bytes (VmHWM). */
export function peakRssBytes(pid: number): number {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const match = /VmHWM:\s+(\d+) kB/.exec(status);
  if (!match) throw new Error('no VmHWM in /proc status');
  return Number(match[1]) * 1024;
}

/** Starts serve-child.ts as its own node process and waits for its port. */
export async function startServeChild(env: Record<string, string> = {}): Promise<ServeChild> {
  const child = spawn(process.execPath, ['--import', 'tsx', join(repoRoot, 'test', 'integration', 'hostile', 'serve-child.ts')], {
    cwd: repoRoot,
    env: { ...process.env, PLEURA_TEST_TOKEN: randomBytes(18).toString('base64url'), ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stderr = '';
  child.stderr!.on('data', (chunk) => (stderr += String(chunk)));
  const info = await new Promise<{ port: number; token: string; work: string }>((resolve, reject) => {
    let stdout = '';
    const timer = setTimeout(() => reject(new Error(`serve child did not start: ${stderr}`)), 120_000);
    child.stdout!.on('data', (chunk) => {
      stdout += String(chunk);
      const line = stdout.split('\n').find((l) => l.startsWith('{'));
      if (line) {
        clearTimeout(timer);
        resolve(JSON.parse(line));
      }
    });
    child.once('exit', (code) => reject(new Error(`serve child exited with ${code}: ${stderr}`)));
  });
  return {
    ...info,
    origin: `http://127.0.0.1:${info.port}`,
    child,
    stderr: () => stderr,
    stop: () =>
      new Promise<void>((resolve) => {
        if (child.exitCode !== null || child.signalCode !== null) return resolve();
        child.once('exit', () => resolve());
        child.kill('SIGTERM');
        setTimeout(() => child.kill('SIGKILL'), 5_000).unref();
      }),
  };
}

/** Writes raw bytes to the server and collects what comes back until it closes or goes quiet. */
export function rawExchange(port: number, bytes: Buffer | string, quietMs = 1_500): Promise<string> {
  return new Promise((resolve) => {
    const socket = connect(port, '127.0.0.1');
    let received = '';
    let timer: NodeJS.Timeout | undefined;
    const finish = () => {
      clearTimeout(timer);
      socket.destroy();
      resolve(received);
    };
    const arm = () => {
      clearTimeout(timer);
      timer = setTimeout(finish, quietMs);
    };
    socket.on('data', (chunk) => {
      received += chunk.toString('latin1');
      arm();
    });
    socket.on('error', finish);
    socket.on('close', finish);
    socket.on('connect', () => {
      socket.write(bytes, () => arm());
    });
  });
}

/** The status code of the first HTTP response in `text`, or null. */
export function statusOf(text: string): number | null {
  const match = /^HTTP\/1\.[01] (\d{3})/.exec(text);
  return match ? Number(match[1]) : null;
}

/** The upgrade request for /api as a browser on the served page would send it. */
export function upgradeRequest(server: ServeChild, options: { path?: string; origin?: string | null; key?: string; version?: string } = {}): string {
  const path = options.path ?? `/api?token=${server.token}`;
  const lines = [
    `GET ${path} HTTP/1.1`,
    `Host: 127.0.0.1:${server.port}`,
    'Upgrade: websocket',
    'Connection: Upgrade',
    `Sec-WebSocket-Key: ${options.key ?? randomBytes(16).toString('base64')}`,
    `Sec-WebSocket-Version: ${options.version ?? '13'}`,
  ];
  if (options.origin !== null) lines.push(`Origin: ${options.origin ?? server.origin}`);
  return `${lines.join('\r\n')}\r\n\r\n`;
}

/** A socket after a successful upgrade to /api (101 received). */
export function openRawWebSocket(server: ServeChild): Promise<Socket> {
  return new Promise((resolve, reject) => {
    const socket = connect(server.port, '127.0.0.1');
    let head = '';
    const onData = (chunk: Buffer) => {
      head += chunk.toString('latin1');
      if (!head.includes('\r\n\r\n')) return;
      socket.off('data', onData);
      if (statusOf(head) === 101) resolve(socket);
      else reject(new Error(`upgrade refused: ${head.split('\r\n')[0]}`));
    };
    socket.on('data', onData);
    socket.on('error', reject);
    socket.on('connect', () => socket.write(upgradeRequest(server)));
  });
}

/** One WebSocket frame as a client would write it (masked unless told), with any header bits. */
export function frame(opcode: number, payload: Buffer, options: { fin?: boolean; rsv?: number; masked?: boolean; declaredLength?: bigint } = {}): Buffer {
  const { fin = true, rsv = 0, masked = true } = options;
  const first = (fin ? 0x80 : 0) | ((rsv & 7) << 4) | (opcode & 15);
  const length = options.declaredLength ?? BigInt(payload.length);
  let header: Buffer;
  if (length < 126n) header = Buffer.from([first, (masked ? 0x80 : 0) | Number(length)]);
  else if (length < 65536n) {
    header = Buffer.alloc(4);
    header[0] = first;
    header[1] = (masked ? 0x80 : 0) | 126;
    header.writeUInt16BE(Number(length), 2);
  } else {
    header = Buffer.alloc(10);
    header[0] = first;
    header[1] = (masked ? 0x80 : 0) | 127;
    header.writeBigUInt64BE(length, 2);
  }
  if (!masked) return Buffer.concat([header, payload]);
  const mask = randomBytes(4);
  const body = Buffer.from(payload);
  for (let i = 0; i < body.length; i++) body[i] ^= mask[i % 4];
  return Buffer.concat([header, mask, body]);
}

/** Sends frames on a fresh upgraded socket and waits until the server closes it or goes quiet. */
export async function sendFrames(server: ServeChild, frames: Buffer[], quietMs = 1_500): Promise<{ closed: boolean; received: Buffer }> {
  const socket = await openRawWebSocket(server);
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    let timer: NodeJS.Timeout | undefined;
    let done = false;
    const finish = (closed: boolean) => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      socket.destroy();
      resolve({ closed, received: Buffer.concat(chunks) });
    };
    socket.on('data', (chunk) => {
      chunks.push(chunk);
      clearTimeout(timer);
      timer = setTimeout(() => finish(false), quietMs);
    });
    socket.on('close', () => finish(true));
    socket.on('error', () => finish(true));
    let index = 0;
    const next = () => {
      if (index >= frames.length) {
        timer = setTimeout(() => finish(false), quietMs);
        return;
      }
      if (!socket.writable) return;
      socket.write(frames[index++], next);
    };
    next();
  });
}

/** A message as the renderer's client encodes it. */
export function message(value: unknown): Buffer {
  return Buffer.from(encodeMessage(value));
}

/** A proper call over a proper WebSocket client: what the app does; resolves with the Result. */
export async function call(server: ServeChild, domain: string, method: string, args: unknown[], timeoutMs = 60_000): Promise<{ ok: boolean; value?: unknown; code?: string; reason?: string }> {
  const ws = new WebSocket(`ws://127.0.0.1:${server.port}/api?token=${server.token}`, { origin: server.origin, maxPayload: 512 * 2 ** 20 });
  try {
    await new Promise<void>((resolve, reject) => {
      ws.once('open', () => resolve());
      ws.once('error', reject);
    });
    return await new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`${domain}.${method} got no answer`)), timeoutMs);
      ws.on('message', (data) => {
        const bytes = data as Buffer;
        const decoded = decodeMessage(new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength), { runs: true }) as { id?: number; result?: never };
        if (decoded.id !== 1) return;
        clearTimeout(timer);
        resolve(decoded.result!);
      });
      ws.once('close', () => reject(new Error(`${domain}.${method}: connection closed before the answer`)));
      ws.send(encodeMessage({ id: 1, domain, method, args }));
    });
  } finally {
    ws.terminate();
  }
}

/** The server still answers a normal call (and so is still running). */
export async function expectServing(server: ServeChild): Promise<void> {
  if (server.child.exitCode !== null || server.child.signalCode !== null) {
    throw new Error(`the server exited (${server.child.exitCode ?? server.child.signalCode}): ${server.stderr().slice(-2000)}`);
  }
  const result = await call(server, 'system', 'info', []);
  if (!result.ok) throw new Error(`system.info failed: ${JSON.stringify(result)}`);
}

/** The URL path and query of an upload of `name` (with a mask of `maskBytes` after the film, if given). */
export function uploadTarget(name: string, mask?: { name: string; bytes: number }): string {
  const query = new URLSearchParams({ name, ...(mask ? { mask: mask.name, maskBytes: String(mask.bytes) } : {}) });
  return `/api/upload?${query.toString()}`;
}

/** What an upload got back: the status and the Result in the body (null when the body was not JSON). */
export interface UploadAnswer {
  status: number;
  result: { ok: boolean; value?: unknown; code?: string; reason?: string; text?: { key: string; params?: Record<string, unknown> } } | null;
}

/**
 * An upload as the served page's fetch makes it (token cookie, Origin, Content-Length), with the body
 * streamed from `body`: a buffer, or `{ bytes, chunkBytes }` of zeros generated as they are sent (so a
 * 600 MB upload costs the test nothing). `chunked` sends it without a length.
 */
export function httpUpload(server: ServeChild, target: string, body: Buffer | { bytes: number; chunkBytes?: number }, options: { chunked?: boolean; headers?: Record<string, string> } = {}): Promise<UploadAnswer> {
  return new Promise((resolve) => {
    const total = Buffer.isBuffer(body) ? body.length : body.bytes;
    const headers: Record<string, string> = {
      cookie: `pleura_token=${server.token}`,
      origin: server.origin,
      ...(options.chunked ? { 'transfer-encoding': 'chunked' } : { 'content-length': String(total) }),
      ...options.headers,
    };
    const req = request({ host: '127.0.0.1', port: server.port, method: 'PUT', path: target, headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('end', () => {
        const text = Buffer.concat(chunks).toString('utf8');
        let result: UploadAnswer['result'] = null;
        try {
          result = JSON.parse(text) as UploadAnswer['result'];
        } catch {
          result = null;
        }
        resolve({ status: res.statusCode ?? 0, result });
      });
      res.on('error', () => resolve({ status: res.statusCode ?? 0, result: null }));
    });
    // the server may answer and close before all is sent (a refusal): that answer is what counts, so a
    // write error only settles the upload when no answer came (status 0)
    req.on('error', () => setTimeout(() => resolve({ status: 0, result: null }), 500));
    if (Buffer.isBuffer(body)) {
      req.end(body);
      return;
    }
    const chunk = Buffer.alloc(body.chunkBytes ?? 2 ** 20);
    let sent = 0;
    const pump = () => {
      while (sent < total) {
        const part = sent + chunk.length <= total ? chunk : chunk.subarray(0, total - sent);
        sent += part.length;
        if (!req.write(part)) return void req.once('drain', pump);
      }
      req.end();
    };
    req.on('socket', () => pump());
  });
}

/** Uploads' temporary files left in a folder (there must be none once an upload has ended). */
export function uploadLeftovers(dir: string): string[] {
  return readdirSync(dir).filter((name) => name.startsWith('.upload-'));
}

/** Bytes a process has read through read() and its kind, sockets included (rchar of /proc/<pid>/io). */
export function bytesReadBy(pid: number): number {
  const match = /^rchar:\s+(\d+)$/m.exec(readFileSync(`/proc/${pid}/io`, 'utf8'));
  if (!match) throw new Error('no rchar in /proc io');
  return Number(match[1]);
}

/**
 * A client that declares `bytes` and keeps sending zeros (as fast as it can, or `chunkBytes` every
 * `everyMs`) until the server closes the connection, or all is sent and nothing more comes: how many
 * bytes the client got rid of, whether the server closed, and what it received.
 */
export function floodUpload(port: number, head: string, bytes: number, options: { chunkBytes?: number; everyMs?: number; quietMs?: number } = {}): Promise<{ sent: number; closed: boolean; answer: string }> {
  const { chunkBytes = 2 ** 20, everyMs = 0, quietMs = 1_500 } = options;
  return new Promise((resolve) => {
    const socket = connect(port, '127.0.0.1');
    const chunk = Buffer.alloc(chunkBytes);
    let sent = 0;
    let queued = 0;
    let answer = '';
    let done = false;
    let timer: NodeJS.Timeout | undefined;
    const finish = (closed: boolean) => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      socket.destroy();
      resolve({ sent, closed, answer });
    };
    socket.on('data', (data) => (answer += data.toString('latin1')));
    socket.on('error', () => finish(true));
    socket.on('close', () => finish(true));
    const pump = () => {
      while (!done && queued < bytes) {
        const part = Math.min(chunk.length, bytes - queued);
        queued += part;
        const more = socket.write(part === chunk.length ? chunk : chunk.subarray(0, part), (error) => {
          if (!error) sent += part;
        });
        if (everyMs > 0) return void (timer = setTimeout(pump, everyMs));
        if (!more) return void socket.once('drain', pump);
      }
      if (!done) timer = setTimeout(() => finish(false), quietMs);
    };
    socket.on('connect', () => {
      socket.write(head);
      pump();
    });
  });
}
