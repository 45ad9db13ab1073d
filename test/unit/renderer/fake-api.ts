import { createApp } from 'vue';
import { createPinia, setActivePinia, type Pinia } from 'pinia';
import { vi } from 'vitest';
import { apiMethods, type ApiClient, type ApiEvents, type Domain, type EventName, type ImageRecord, type Result } from '../../../src-shared/api';
import { apiKey } from '../../../src-renderer/src/api/client';

type Handler = (...args: never[]) => Promise<Result<unknown>> | Result<unknown>;
export type FakeHandlers = { [D in Domain]?: Partial<Record<string, Handler>> };

/**
 * A fake contract client: every method is a vi.fn; those without a handler answer like a backend that is
 * not there yet (`unsupported`). `emit` pushes an event as main would.
 */
export function fakeApi(handlers: FakeHandlers = {}) {
  const listeners = new Map<EventName, Set<(payload: unknown) => void>>();
  const client: Record<string, unknown> = {
    on: (event: EventName, listener: (payload: unknown) => void) => {
      if (!listeners.has(event)) listeners.set(event, new Set());
      listeners.get(event)!.add(listener);
      return () => listeners.get(event)?.delete(listener);
    },
  };
  for (const domain of Object.keys(apiMethods) as Domain[]) {
    const methods: Record<string, unknown> = {};
    for (const method of apiMethods[domain] as string[]) {
      const handler = handlers[domain]?.[method];
      methods[method] = vi.fn(async (...args: never[]) =>
        handler ? handler(...args) : { ok: false, code: 'unsupported', reason: `The ${domain} service is not available in this build yet.` },
      );
    }
    client[domain] = methods;
  }
  const api = client as unknown as ApiClient;
  const emit = <E extends EventName>(event: E, payload: ApiEvents[E]) => {
    for (const listener of listeners.get(event) ?? []) listener(payload);
  };
  return { api, emit };
}

/** An app context with the fake client provided and Pinia active, as main.ts sets it up. */
export function installStores(api: ApiClient): Pinia {
  const app = createApp({ render: () => null });
  app.provide(apiKey, api);
  const pinia = createPinia();
  app.use(pinia);
  setActivePinia(pinia);
  return pinia;
}

export function ok<T>(value: T): Result<T> {
  return { ok: true, value };
}

export function record(overrides: Partial<ImageRecord> & { id: string }): ImageRecord {
  return {
    name: `${overrides.id}.png`,
    kind: 'raster',
    contentHash: overrides.id,
    widthPx: 4,
    heightPx: 3,
    status: 'new',
    importedAt: '2026-01-01T00:00:00Z',
    latestRevisionId: null,
    predictedBy: null,
    uncertainty: null,
    areas: null,
    hasReference: false,
    ...overrides,
  };
}
