import type { IncomingMessage } from 'node:http';

/** How much of a refused request's body is read and dropped before the connection is cut. */
export interface DrainLimits {
  /** Bytes of body read at most (Infinity: no byte limit). */
  maxBytes: number;
  /** Longest the body is waited for. */
  maxMs: number;
}

/**
 * What a request that is not let in (no token, a foreign Origin, a malformed target, a method that
 * takes no body) may make the server read: 1 MiB within 2 s. A small body (a film of a few hundred KB
 * sent without the token) is read to its end, so the client reads the answer; a larger or slower one
 * costs the server about this much, then the connection is destroyed.
 */
export const REFUSED_DRAIN: DrainLimits = { maxBytes: 2 ** 20, maxMs: 2_000 };

/**
 * Reads and drops the rest of a request's body, within `limits`, after (or while) it is answered; past
 * them the connection is destroyed. Dropping the body instead of closing at once matters: a socket
 * closed with unread data makes the kernel send a reset, and the client's kernel then discards the
 * answer it has not read yet (a browser sees a failed fetch, not the refusal). Without this, Node reads
 * the whole body of a keep-alive request, however large, until its request timeout (5 minutes).
 */
export function dropBody(req: IncomingMessage, limits: DrainLimits = REFUSED_DRAIN): void {
  if (req.destroyed || req.readableEnded) return;
  let bytes = 0;
  const cut = () => {
    if (!req.complete) req.destroy();
  };
  const timer = setTimeout(cut, limits.maxMs);
  timer.unref();
  const onData = (chunk: Buffer) => {
    bytes += chunk.length;
    if (bytes > limits.maxBytes) {
      req.off('data', onData);
      clearTimeout(timer);
      cut();
    }
  };
  const done = () => {
    clearTimeout(timer);
    req.off('data', onData);
  };
  req.once('end', done);
  req.once('close', done);
  req.on('data', onData);
  // a request paused by a reader that gave up stays paused on a new 'data' listener
  req.resume();
}
