import type { InjectionKey } from 'vue';
import { apiMethods, eventNames, type ApiClient, type ApiEvents, type Domain, type EventName, type Result } from '../../../src-shared/api';
import { decodeMessage, encodeMessage, type WireResponse } from '../../../src-shared/api/wire';

/** Injection key under which components and stores find the contract client. */
export const apiKey: InjectionKey<ApiClient> = Symbol('pleura-api');

type Listener = (payload: unknown) => void;

/** Builds an ApiClient from one generic `call` function; both transports use this. */
export function clientFromCall(
  call: (domain: string, method: string, args: unknown[]) => Promise<Result<unknown>>,
  subscribe: (event: EventName, listener: Listener) => () => void,
): ApiClient {
  const client: Record<string, unknown> = {
    on: (event: EventName, listener: Listener) => subscribe(event, listener),
  };
  for (const domain of Object.keys(apiMethods) as Domain[]) {
    const methods: Record<string, (...args: unknown[]) => Promise<Result<unknown>>> = {};
    for (const method of apiMethods[domain] as string[]) {
      methods[method] = (...args: unknown[]) => call(domain, method, args);
    }
    client[domain] = methods;
  }
  return client as unknown as ApiClient;
}

/**
 * Why the serve-mode connection failed: the server answers but refuses this page's token (it was
 * restarted with a new one), it does not answer, or the open connection dropped under a call.
 */
export type ConnectionFailure = 'restarted' | 'unreachable' | 'lost';

/**
 * Tells a restarted server from an unreachable one: the page's own URL (with its token) is fetched; a
 * 403 means the server is up but the token is not the one it was started with. Never throws.
 */
export async function diagnoseConnection(pageUrl: string, fetchFn: (url: string, init: RequestInit) => Promise<{ status: number }> = fetch): Promise<ConnectionFailure> {
  try {
    const response = await fetchFn(pageUrl, { cache: 'no-store', method: 'GET' });
    return response.status === 403 || response.status === 401 ? 'restarted' : 'unreachable';
  } catch {
    return 'unreachable';
  }
}

const connectionReasons: Record<ConnectionFailure, string> = {
  restarted: 'The Pleura server was restarted: this page\'s access token is no longer valid. Open the new address that `pleura serve` printed.',
  unreachable: 'Cannot reach the Pleura server. Is `pleura serve` still running?',
  lost: 'The connection to the Pleura server was lost.',
};

/** A failed call for a connection that could not be made, with the diagnosis in `details.connection`. */
export function connectionError(failure: ConnectionFailure): Result<never> {
  return { ok: false, code: 'io', reason: connectionReasons[failure], details: { connection: failure } };
}

/**
 * The contract over WebSocket (serve mode). Calls made while the socket is down wait for it to
 * reconnect; if that fails they resolve to `{ ok: false, code: 'io' }` with a message, never throw.
 */
export function createWebSocketClient(url: string): ApiClient {
  const listeners = new Map<EventName, Set<Listener>>(eventNames.map((e) => [e, new Set<Listener>()]));
  const pending = new Map<number, (result: Result<unknown>) => void>();
  let nextId = 1;
  let socket: WebSocket | null = null;
  let opening: Promise<WebSocket> | null = null;

  const open = (): Promise<WebSocket> => {
    if (socket && socket.readyState === WebSocket.OPEN) return Promise.resolve(socket);
    if (opening) return opening;
    opening = new Promise<WebSocket>((resolve, reject) => {
      const ws = new WebSocket(url);
      ws.binaryType = 'arraybuffer';
      ws.onopen = () => {
        socket = ws;
        opening = null;
        resolve(ws);
      };
      ws.onerror = () => {
        opening = null;
        void diagnoseConnection(typeof location !== 'undefined' ? location.href : url.replace(/^ws/, 'http')).then((failure) => reject(Object.assign(new Error(connectionReasons[failure]), { failure })));
      };
      ws.onclose = () => {
        socket = null;
        for (const [id, settle] of pending) {
          settle(connectionError('lost'));
          pending.delete(id);
        }
      };
      ws.onmessage = (message) => {
        const data = decodeMessage(new Uint8Array(message.data as ArrayBuffer), { runs: true }) as WireResponse;
        if ('event' in data) {
          for (const listener of listeners.get(data.event as EventName) ?? []) listener(data.payload);
        } else {
          pending.get(data.id)?.(data.result as Result<unknown>);
          pending.delete(data.id);
        }
      };
    });
    return opening;
  };

  const call = async (domain: string, method: string, args: unknown[]): Promise<Result<unknown>> => {
    let ws: WebSocket;
    try {
      ws = await open();
    } catch (error) {
      return connectionError((error as { failure?: ConnectionFailure }).failure ?? 'unreachable');
    }
    const id = nextId++;
    return new Promise((resolve) => {
      pending.set(id, resolve);
      ws.send(encodeMessage({ id, domain, method, args }));
    });
  };

  const subscribe = (event: EventName, listener: Listener) => {
    listeners.get(event)?.add(listener);
    void open().catch(() => undefined);
    return () => listeners.get(event)?.delete(listener);
  };
  return clientFromCall(call, subscribe);
}

/** The client for this window: Electron's preload bridge when present, else the serve-mode WebSocket. */
export function createApiClient(): ApiClient {
  const bridge = (window as unknown as { api?: ApiClient }).api;
  if (bridge) return bridge;
  const wsUrl = `${location.protocol === 'https:' ? 'wss' : 'ws'}://${location.host}/api`;
  return createWebSocketClient(wsUrl);
}

export type { ApiClient, ApiEvents };
