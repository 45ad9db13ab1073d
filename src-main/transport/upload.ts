import type { IncomingMessage, ServerResponse } from 'node:http';
import { randomBytes } from 'node:crypto';
import { open, unlink, type FileHandle } from 'node:fs/promises';
import { join } from 'node:path';
import { PleuraError, type ErrorCode, type Result } from '../../src-shared/api/result';
import { englishOf, say, type ServerText } from '../../src-shared/api/text';
import type { ImportReport } from '../../src-shared/api/project';
import { isUploadName, MAX_UPLOAD_NAME_LENGTH } from '../../src-shared/api/upload';
import { MAX_CONCURRENT_UPLOADS, MAX_FILE_BYTES, UPLOAD_IDLE_MS, UPLOAD_TIMEOUT_MS } from '../services/images/limits';
import { importUploaded } from '../services/project/import';
import { dropBody, type DrainLimits } from './drain';
import type { ProjectSession } from '../services/project/session';

/** The bounds of serve mode's upload endpoint ({@link UPLOAD_PATH}); tests shorten the times. */
export interface UploadLimits {
  /** Largest film, and largest mask beside it (bytes). */
  maxFileBytes: number;
  /** Uploads being received or imported at once. */
  maxConcurrent: number;
  /** Longest an upload may take to arrive. */
  timeoutMs: number;
  /** Longest an upload may send nothing. */
  idleTimeoutMs: number;
}

export const defaultUploadLimits: UploadLimits = {
  maxFileBytes: MAX_FILE_BYTES,
  maxConcurrent: MAX_CONCURRENT_UPLOADS,
  timeoutMs: UPLOAD_TIMEOUT_MS,
  idleTimeoutMs: UPLOAD_IDLE_MS,
};

/** An upload refused with an HTTP status and a failed Result. */
class Refusal extends Error {
  constructor(readonly status: number, readonly code: ErrorCode, readonly text: ServerText) {
    super(englishOf(text));
  }

  /** The failed Result the client gets: the English, and the sentence by key (the page shows its language). */
  result(): Result<never> {
    return { ok: false, code: this.code, reason: this.message, text: this.text };
  }
}

const MIB = 2 ** 20;

/** What one request says it carries: the film's name and size, and the mask's when one travels with it. */
interface Plan {
  name: string;
  /** Declared body length; null for a chunked body (no mask then). */
  totalBytes: number | null;
  mask: { name: string; bytes: number } | null;
}

function nameParameter(url: URL, key: string): string | null {
  const values = url.searchParams.getAll(key);
  if (values.length === 0) return null;
  if (values.length > 1 || !isUploadName(values[0])) {
    throw new Refusal(400, 'invalid-argument', say('upload.nameInvalid', { key, maxLength: MAX_UPLOAD_NAME_LENGTH }));
  }
  return values[0];
}

/** Reads and checks what the request declares, before any of its body is read. */
function planOf(req: IncomingMessage, url: URL, limits: UploadLimits): Plan {
  const name = nameParameter(url, 'name');
  if (name === null) throw new Refusal(400, 'invalid-argument', say('upload.nameMissing'));
  const maskName = nameParameter(url, 'mask');
  const maskBytesRaw = url.searchParams.get('maskBytes');
  if ((maskName === null) !== (maskBytesRaw === null)) throw new Refusal(400, 'invalid-argument', say('upload.maskHalf'));
  const maskBytes = maskBytesRaw === null ? 0 : /^[1-9]\d{0,15}$/.test(maskBytesRaw) ? Number(maskBytesRaw) : NaN;
  if (Number.isNaN(maskBytes)) throw new Refusal(400, 'invalid-argument', say('upload.maskBytesInvalid'));
  const tooLarge = (what: string, bytes: number) => new Refusal(413, 'unsupported', say('upload.tooLarge', { name: what, sizeMiB: Math.ceil(bytes / MIB), maxMiB: Math.round(limits.maxFileBytes / MIB) }));
  const length = req.headers['content-length'];
  if (length === undefined) {
    // a chunked body: its size is only known as it arrives, and is capped while it streams
    if (!req.headers['transfer-encoding']) throw new Refusal(411, 'invalid-argument', say('upload.lengthMissing'));
    if (maskName !== null) throw new Refusal(411, 'invalid-argument', say('upload.maskNeedsLength'));
    return { name, totalBytes: null, mask: null };
  }
  if (!/^\d{1,16}$/.test(length)) throw new Refusal(400, 'invalid-argument', say('upload.lengthInvalid'));
  const totalBytes = Number(length);
  const filmBytes = totalBytes - maskBytes;
  if (filmBytes < 1) throw new Refusal(400, 'invalid-argument', say('upload.empty'));
  if (filmBytes > limits.maxFileBytes) throw tooLarge(name, filmBytes);
  if (maskBytes > limits.maxFileBytes) throw tooLarge(maskName!, maskBytes);
  return { name, totalBytes, mask: maskName === null ? null : { name: maskName, bytes: maskBytes } };
}

/** A temporary file in the project folder, named like writeFileAtomic's (removed on the next open if left). */
function tempPath(projectDir: string, part: 'film' | 'mask'): string {
  return join(projectDir, `.upload-${part}.${randomBytes(6).toString('hex')}.tmp`);
}

function send(res: ServerResponse, status: number, result: Result<unknown>, after?: () => void): void {
  if (res.headersSent || res.destroyed) {
    after?.();
    return;
  }
  const body = JSON.stringify(result);
  const headers: Record<string, string> = {
    'content-type': 'application/json; charset=utf-8',
    'content-length': String(Buffer.byteLength(body)),
    'cache-control': 'no-store',
    'x-content-type-options': 'nosniff',
  };
  if (status === 429) headers['retry-after'] = '5';
  res.writeHead(status, headers);
  res.end(body, after);
}

/**
 * How long the rest of a refused body is read and dropped (never kept) before the connection is
 * closed: the client holds the token, and a browser only sees the refusal (413 for a film too large)
 * when it is not cut off while sending (see {@link dropBody}).
 */
const LINGER: DrainLimits = { maxBytes: Infinity, maxMs: 5_000 };

function drainThenClose(req: IncomingMessage): void {
  dropBody(req, LINGER);
}

function refusalOf(error: unknown): Refusal {
  if (error instanceof Refusal) return error;
  if (error instanceof PleuraError) {
    const status = error.code === 'disk-full' ? 507 : error.code === 'no-project' ? 409 : 500;
    return new Refusal(status, error.code, error.text ?? say('upload.failedBecause', { reason: error.message }));
  }
  const code = (error as NodeJS.ErrnoException).code;
  if (code === 'ENOSPC') return new Refusal(507, 'disk-full', say('upload.diskFull'));
  console.error('serve: an upload failed', error);
  return new Refusal(500, 'internal', say('upload.failed'));
}

/**
 * Serve mode's upload endpoint: streams a request's body to temporary files in the open project's
 * folder, capped (a declared length over the cap is refused before reading; a chunked body is cut off
 * at the cap) and time-limited (in all, and without data), at most `maxConcurrent` at once; then
 * imports it like a dropped file, one import at a time, and deletes the temporary files whatever
 * happened. Nothing a client sends can end the process.
 */
export function createUploadEndpoint(session: ProjectSession, limits: UploadLimits = defaultUploadLimits) {
  let active = 0;
  let importing: Promise<unknown> = Promise.resolve();
  /** Imports run one after the other: each may hold a whole film and its decoded pixels. */
  const serially = <T>(work: () => Promise<T>): Promise<T> => {
    const run = importing.then(work, work);
    importing = run.catch(() => undefined);
    return run;
  };

  async function handle(req: IncomingMessage, res: ServerResponse, url: URL): Promise<void> {
    // a refusal before the body is read: answered, the body dropped as it comes (for a while)
    const refuseEarly = (refusal: Refusal) => {
      send(res, refusal.status, refusal.result());
      drainThenClose(req);
    };
    if (req.method !== 'PUT') {
      res.setHeader('allow', 'PUT');
      return refuseEarly(new Refusal(405, 'invalid-argument', say('upload.methodPut')));
    }
    let plan: Plan;
    try {
      plan = planOf(req, url, limits);
    } catch (error) {
      return refuseEarly(refusalOf(error));
    }
    const store = session.current();
    if (!store) return refuseEarly(new Refusal(409, 'no-project', say('project.noneOpenOrCreate')));
    if (store.readOnly) return refuseEarly(new Refusal(409, 'conflict', say('upload.readOnly')));
    if (active >= limits.maxConcurrent) return refuseEarly(new Refusal(429, 'io', say('upload.tooMany', { count: limits.maxConcurrent })));
    active++;
    const filmPath = tempPath(store.path, 'film');
    const maskPath = plan.mask ? tempPath(store.path, 'mask') : null;
    try {
      await receive(req, res, plan, filmPath, maskPath);
      if (session.current() !== store) throw new Refusal(409, 'conflict', say('upload.projectClosed'));
      const report = await serially(() => importUploaded(store, { name: plan.name, path: filmPath, ...(plan.mask && maskPath ? { mask: { name: plan.mask.name, path: maskPath } } : {}) }));
      send(res, 200, { ok: true, value: report satisfies ImportReport });
    } catch (error) {
      const refusal = refusalOf(error);
      send(res, refusal.status, refusal.result());
      drainThenClose(req);
    } finally {
      active--;
      await unlink(filmPath).catch(() => undefined);
      if (maskPath) await unlink(maskPath).catch(() => undefined);
    }
  }

  /**
   * Writes the body to the film's file, and its last `mask.bytes` to the mask's. Throws a Refusal when
   * the body passes the cap, stops coming, takes too long or ends early (the client went away).
   */
  async function receive(req: IncomingMessage, res: ServerResponse, plan: Plan, filmPath: string, maskPath: string | null): Promise<void> {
    const filmBytes = plan.totalBytes === null ? null : plan.totalBytes - (plan.mask?.bytes ?? 0);
    let failure: Refusal | null = null;
    let waitFailure = () => undefined as void;
    // answered at once; a client over the cap still sending has the rest dropped (drainThenClose), one
    // that stalls is cut off
    const stop = (refusal: Refusal) => {
      if (failure) return;
      failure = refusal;
      send(res, refusal.status, refusal.result(), refusal.status === 408 ? () => req.destroy() : undefined);
      waitFailure();
    };
    const deadline = setTimeout(() => stop(new Refusal(408, 'timeout', say('upload.tooSlow', { seconds: Math.round(limits.timeoutMs / 1000) }))), limits.timeoutMs);
    let idle = setTimeout(() => undefined, 0);
    const armIdle = () => {
      clearTimeout(idle);
      idle = setTimeout(() => stop(new Refusal(408, 'timeout', say('upload.idle', { seconds: Math.round(limits.idleTimeoutMs / 1000) }))), limits.idleTimeoutMs);
    };
    let film: FileHandle | null = null;
    let mask: FileHandle | null = null;
    let received = 0;
    const interrupted = () => new Refusal(400, 'invalid-argument', say('upload.interrupted', { bytes: received }));
    /** Writes one chunk where it belongs; false when the body went past what it may be. */
    const write = async (chunk: Buffer): Promise<boolean> => {
      const start = received;
      received += chunk.length;
      if (filmBytes === null && received > limits.maxFileBytes) {
        stop(new Refusal(413, 'unsupported', say('upload.tooLargeStreamed', { name: plan.name, maxMiB: Math.round(limits.maxFileBytes / MIB) })));
        return false;
      }
      const split = filmBytes === null ? chunk.length : Math.max(0, Math.min(chunk.length, filmBytes - start));
      if (split > 0) await film!.write(chunk, 0, split);
      if (split < chunk.length && mask) await mask.write(chunk, split, chunk.length - split);
      return true;
    };
    try {
      film = await open(filmPath, 'wx', 0o600);
      if (maskPath) mask = await open(maskPath, 'wx', 0o600);
      armIdle();
      // one chunk at a time: the request is paused while a chunk is written (memory stays a few chunks)
      await new Promise<void>((resolve, reject) => {
        const settle = (error?: unknown) => {
          req.off('data', onData);
          if (error) reject(error);
          else resolve();
        };
        const onData = (chunk: Buffer) => {
          req.pause();
          armIdle();
          write(chunk).then((more) => {
            if (failure || !more) settle();
            else req.resume();
          }, settle);
        };
        req.on('data', onData);
        req.once('end', () => settle());
        req.once('error', (error) => settle(failure ? undefined : error));
        req.once('close', () => {
          if (!req.complete) settle(failure ? undefined : interrupted());
        });
        // a timeout settles the wait too (the client may never send again)
        waitFailure = () => settle();
      });
    } finally {
      clearTimeout(deadline);
      clearTimeout(idle);
      await film?.close().catch(() => undefined);
      await mask?.close().catch(() => undefined);
    }
    if (failure) throw failure;
    if (!req.complete || (plan.totalBytes !== null && received !== plan.totalBytes)) throw interrupted();
  }

  return {
    handle,
    /** Uploads being received or imported now. */
    get active(): number {
      return active;
    },
  };
}

export type UploadEndpoint = ReturnType<typeof createUploadEndpoint>;
