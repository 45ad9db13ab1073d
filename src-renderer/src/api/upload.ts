import type { InjectionKey } from 'vue';
import type { ApiClient, FilePayload, ImportReport, Result } from '../../../src-shared/api';
import { pairDroppedFiles, unpairedRejections, UPLOAD_PATH } from '../../../src-shared/api/upload';
import { connectionError } from './client';
import { said, say } from '../../../src-shared/api/text';

/** A file the user dropped or picked: a browser File (a Blob with a name). */
export type DroppedFile = Blob & { readonly name: string };

/** How far an import of dropped files is: `done` of `total` films, `name` the one on its way. */
export interface ImportProgress {
  done: number;
  total: number;
  name: string;
}

/**
 * Imports dropped files into the open project and says how far it is. The same renderer runs in
 * Electron, where the bytes go over IPC, and in a browser, where each film is streamed to the server.
 */
export type FileImporter = (files: readonly DroppedFile[], onProgress: (progress: ImportProgress) => void) => Promise<Result<ImportReport>>;

/** Injection key of the window's {@link FileImporter} (stores fall back to {@link contractImporter}). */
export const importerKey: InjectionKey<FileImporter> = Symbol('pleura-file-importer');

/** Through the contract: every file's bytes in one `project.importFiles` call (Electron's IPC, tests). */
export function contractImporter(api: ApiClient): FileImporter {
  return async (files, onProgress) => {
    onProgress({ done: 0, total: files.length, name: files[0]?.name ?? '' });
    const payload: FilePayload[] = await Promise.all(files.map(async (file) => ({ name: file.name, bytes: new Uint8Array(await file.arrayBuffer()) })));
    return api.project.importFiles(payload);
  };
}

function merge(into: ImportReport, part: ImportReport): void {
  into.imported.push(...part.imported);
  into.duplicates.push(...part.duplicates);
  into.rejected.push(...part.rejected);
  if (part.masks?.length) (into.masks ??= []).push(...part.masks);
  if (part.masksIgnored) into.masksIgnored = (into.masksIgnored ?? 0) + part.masksIgnored;
}

type FetchLike = (url: string, init: RequestInit) => Promise<Pick<Response, 'status' | 'json'>>;

/** What one upload came to: its report, or a failure (HTTP status kept: 403 means a new token). */
async function uploadOne(fetchFn: FetchLike, origin: string, film: DroppedFile, mask: DroppedFile | undefined): Promise<Result<ImportReport> & { status?: number }> {
  const query = new URLSearchParams({ name: film.name, ...(mask ? { mask: mask.name, maskBytes: String(mask.size) } : {}) });
  let response: Pick<Response, 'status' | 'json'>;
  try {
    // a File body is streamed from its file by the browser, never read into this page's memory
    response = await fetchFn(`${origin}${UPLOAD_PATH}?${query.toString()}`, { method: 'PUT', body: mask ? new Blob([film, mask]) : film, credentials: 'same-origin', cache: 'no-store' });
  } catch {
    return { ok: false, code: 'io', ...said(say('upload.lost')) };
  }
  const body = (await response.json().catch(() => null)) as Result<ImportReport> | null;
  if (body && typeof body === 'object' && typeof body.ok === 'boolean') return { ...body, status: response.status };
  return { ok: false, code: 'io', ...said(say('upload.refusedHttp', { status: String(response.status) })), status: response.status };
}

/**
 * Serve mode: each dropped film (with the mask dropped beside it, `<stem>_mask.png`) is sent in its own
 * streamed PUT to the server, one after the other. A film the server refuses (too large, too many at
 * once) is listed in the report's `rejected` like any refused file; no open project, or a server
 * restarted with a new token, fails the whole import.
 */
export function uploadImporter(origin: string, fetchFn: FetchLike = fetch): FileImporter {
  return async (files, onProgress) => {
    const { pairs, unpaired } = pairDroppedFiles(files);
    const report: ImportReport = { imported: [], duplicates: [], rejected: [] };
    for (const [index, { film, mask }] of pairs.entries()) {
      onProgress({ done: index, total: pairs.length, name: film.name });
      const result = await uploadOne(fetchFn, origin, film, mask);
      if (result.ok) merge(report, result.value);
      else if (result.status === 403) return connectionError('restarted');
      else if (result.code === 'no-project') return { ok: false, code: result.code, reason: result.reason, ...(result.text ? { text: result.text } : {}) };
      // the server's sentence by key when it gave one: the page shows it in its language
      else report.rejected.push({ path: film.name, reason: result.reason, ...(result.text ? { text: result.text } : {}) });
    }
    // a mask dropped without its film is never sent; the report says so, with why
    report.rejected.push(...unpairedRejections(unpaired));
    onProgress({ done: pairs.length, total: pairs.length, name: '' });
    return { ok: true, value: report };
  };
}

/** The importer for this window: over IPC when Electron's preload bridge is there, else uploads. */
export function createFileImporter(api: ApiClient): FileImporter {
  const bridge = (window as unknown as { api?: ApiClient }).api;
  return bridge ? contractImporter(api) : uploadImporter(location.origin);
}
