import { inject } from 'vue';
import type { ApiClient } from '../../../src-shared/api';
import { apiKey } from '../api/client';
import { contractImporter, importerKey, type FileImporter } from '../api/upload';

/**
 * The contract client for a store or component. Stores are Pinia setup stores, which run inside the
 * app's injection context, so tests install a fake client with `app.provide(apiKey, fake)`.
 */
export function useApi(): ApiClient {
  const api = inject(apiKey, null);
  if (!api) throw new Error('The api client is not provided: call app.provide(apiKey, client) before using a store.');
  return api;
}

/** How dropped files reach main: the window's importer (uploads in serve mode), else the contract call. */
export function useFileImporter(api: ApiClient): FileImporter {
  return inject(importerKey, null) ?? contractImporter(api);
}
