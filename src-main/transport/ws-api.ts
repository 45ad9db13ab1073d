import type { Duplex } from 'node:stream';
import type { WebSocket } from 'ws';
import { decodeMessage, encodeMessage } from '../../src-shared/api/wire';
import type { Api, Result } from '../../src-shared/api';
import { MAX_MESSAGE_HEADER_BYTES } from '../services/images/limits';
import type { ByteBudget } from './byte-budget';
import { dispatch } from './dispatch';

/** Calls one connection may have running at once; more is a runaway client. */
const MAX_PENDING_CALLS = 64;

/** WebSocket close codes (RFC 6455 7.4.1). */
const CLOSE = { unsupported: 1003, invalid: 1007, policy: 1008 } as const;

/** A decoded request whose shape was checked: id, domain and method as the contract needs them. */
type CheckedRequest = { id: number; domain: string; method: string; args: unknown } | { id: number; reason: string };

/** Checks the decoded header before anything reads it (a header may be `null`, an array, anything). */
export function checkRequest(value: unknown): CheckedRequest | null {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return null;
  const record = value as Record<string, unknown>;
  if (!Number.isSafeInteger(record.id)) return null;
  const id = record.id as number;
  if (typeof record.domain !== 'string' || typeof record.method !== 'string') return { id, reason: 'A request needs a string domain and method.' };
  if (!Array.isArray(record.args)) return { id, reason: 'A request needs an argument list (args).' };
  return { id, domain: record.domain, method: record.method, args: record.args };
}

/** The header length a message declares, checked against its size and the header limit. */
function headerFits(bytes: Uint8Array): boolean {
  if (bytes.byteLength < 4) return false;
  const length = new DataView(bytes.buffer, bytes.byteOffset, 4).getUint32(0, true);
  return length <= MAX_MESSAGE_HEADER_BYTES && 4 + length <= bytes.byteLength;
}

function asBytes(data: Buffer | ArrayBuffer | Buffer[]): Uint8Array {
  if (Array.isArray(data)) return Buffer.concat(data);
  if (data instanceof ArrayBuffer) return new Uint8Array(data);
  return new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
}

function safeEncode(value: { id: number; result: Result<unknown> }): Uint8Array {
  try {
    return encodeMessage(value, { runs: true });
  } catch (error) {
    console.error('a result could not be encoded', error);
    return encodeMessage({ id: value.id, result: { ok: false, code: 'internal', reason: 'The result could not be encoded.' } });
  }
}

/**
 * Serves the contract on one upgraded connection. Nothing a client sends can end the process: frame
 * errors close the connection, malformed messages close it or answer an error, every handler outcome
 * becomes a Result. Bytes being received count against `budget` (shared by all connections) until
 * their message is decoded; a connection that would pass it is closed with 1013 (try again later).
 */
export function serveApiConnection(ws: WebSocket, socket: Duplex, api: Api, budget: ByteBudget): void {
  let receivingBytes = 0;
  let pendingCalls = 0;
  const releaseReceived = () => {
    budget.release(receivingBytes);
    receivingBytes = 0;
  };
  const closeWith = (code: number, reason: string) => {
    releaseReceived();
    if (ws.readyState === ws.OPEN) ws.close(code, reason);
    else ws.terminate();
  };
  ws.on('error', (error) => {
    // ws has already failed the connection (RFC 6455 7.1.7) and closes it; only log the cause
    console.warn(`WebSocket connection dropped: ${error.message}`);
    releaseReceived();
  });
  ws.on('close', releaseReceived);
  // counted before ws reads the chunk (prepend), so a message it completes is released right after
  socket.prependListener('data', (chunk: Buffer) => {
    if (budget.tryTake(chunk.length)) receivingBytes += chunk.length;
    else {
      // over the shared ceiling: drop the connection at once (a close handshake would keep reading)
      console.warn('WebSocket connection dropped: too much data in flight on all connections');
      releaseReceived();
      ws.terminate();
    }
  });
  ws.on('message', (data, isBinary) => {
    const bytes = asBytes(data);
    let request: CheckedRequest | null = null;
    try {
      if (!isBinary) return closeWith(CLOSE.unsupported, 'binary messages only');
      if (!headerFits(bytes)) return closeWith(CLOSE.invalid, 'malformed message header');
      // typed arrays stay views into the received message: an upload is held once, not twice
      request = checkRequest(decodeMessage(bytes, { copy: false }));
    } catch {
      request = null;
    } finally {
      releaseReceived();
    }
    if (!request) return closeWith(CLOSE.invalid, 'malformed message');
    if (++pendingCalls > MAX_PENDING_CALLS) return closeWith(CLOSE.policy, 'too many calls at once');
    void answer(request).finally(() => pendingCalls--);
  });

  async function answer(request: CheckedRequest): Promise<void> {
    let result: Result<unknown>;
    try {
      result = 'reason' in request
        ? { ok: false, code: 'invalid-argument', reason: request.reason }
        : await dispatch(api, request.domain, request.method, request.args);
    } catch (error) {
      console.error('a call failed outside its handler', error);
      result = { ok: false, code: 'internal', reason: 'Internal error.' };
    }
    if (ws.readyState !== ws.OPEN) return;
    ws.send(safeEncode({ id: request.id, result }), (error) => {
      if (error) console.warn(`a result could not be sent: ${error.message}`);
    });
  }
}
