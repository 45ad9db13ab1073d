import { defineStore } from 'pinia';
import { computed, ref } from 'vue';
import type { ImageRecord, ImportMasks, ImportReport, ImportScan, ProjectSummary, Result, ReviewStatus } from '../../../src-shared/api';
import { useApi, useFileImporter } from './api';
import type { DroppedFile, ImportProgress } from '../api/upload';
import { useMessagesStore } from './messages';
import { useConfirmStore } from './confirm';

const recentKey = 'pleura.recentProjects';

function loadRecent(): string[] {
  try {
    const raw = typeof localStorage !== 'undefined' ? localStorage.getItem(recentKey) : null;
    const parsed: unknown = raw ? JSON.parse(raw) : [];
    return Array.isArray(parsed) ? parsed.filter((p): p is string => typeof p === 'string').slice(0, 8) : [];
  } catch {
    return [];
  }
}

/** The open project and its images (the `project` domain). */
export const useProjectStore = defineStore('project', () => {
  const api = useApi();
  const importer = useFileImporter(api);
  const messages = useMessagesStore();
  const confirm = useConfirmStore();
  const summary = ref<ProjectSummary | null>(null);
  const images = ref<ImageRecord[]>([]);
  const busy = ref(false);
  const lastImport = ref<ImportReport | null>(null);
  /** How far an import of dropped files is (null when none runs). */
  const importProgress = ref<ImportProgress | null>(null);
  const recentPaths = ref<string[]>(loadRecent());
  const isOpen = computed(() => summary.value !== null);

  function remember(path: string): void {
    recentPaths.value = [path, ...recentPaths.value.filter((p) => p !== path)].slice(0, 8);
    if (typeof localStorage !== 'undefined') localStorage.setItem(recentKey, JSON.stringify(recentPaths.value));
  }

  /** Reloads the summary and the image list (after events or on start). */
  async function refresh(): Promise<void> {
    const current = await api.project.current();
    if (!current.ok) {
      messages.failure('errors.projectLoad', current);
      return;
    }
    summary.value = current.value;
    if (!current.value) {
      images.value = [];
      return;
    }
    await refreshImages();
  }

  async function refreshImages(): Promise<void> {
    const list = await api.project.listImages();
    if (list.ok) images.value = list.value;
    else messages.failure('errors.projectLoad', list);
  }

  async function withBusy<T>(work: () => Promise<T>): Promise<T> {
    busy.value = true;
    try {
      return await work();
    } finally {
      busy.value = false;
    }
  }

  /** Makes an opened or created project the current one; false (with a message) when the call failed. */
  function adopt(call: () => Promise<Result<ProjectSummary>>, errorKey: string): Promise<boolean> {
    return withBusy(async () => {
      const result = await call();
      if (!result.ok) {
        messages.failure(errorKey, result);
        return false;
      }
      summary.value = result.value;
      remember(result.value.path);
      await refreshImages();
      return true;
    });
  }

  /**
   * Opens a project. A lock held on another computer is only broken when the user says so, after being
   * told who holds it.
   */
  async function open(path: string): Promise<boolean> {
    const first = await api.project.open(path);
    if (!first.ok && first.code === 'conflict' && first.details?.foreignHost) {
      const lock = first.details.lock as { host?: string; user?: string; at?: string };
      const params = { host: lock.host ?? '?', user: lock.user || '?', at: lock.at ?? '?' };
      const lines = [{ key: 'project.lockedElsewhere', params }, { key: 'project.breakLockWarning' }];
      if (!(await confirm.ask({ titleKey: 'project.breakLockTitle', lines, okKey: 'project.breakLock', danger: true }))) return false;
      return adopt(() => api.project.open(path, { breakLock: true }), 'errors.projectOpen');
    }
    return adopt(async () => first, 'errors.projectOpen');
  }

  async function create(path: string, options: { name?: string; copyImages?: boolean; userName?: string } = {}): Promise<boolean> {
    return adopt(() => api.project.create(path, options), 'errors.projectCreate');
  }

  async function close(): Promise<void> {
    const result = await api.project.close();
    if (!result.ok) messages.failure('errors.projectClose', result);
    summary.value = null;
    images.value = [];
  }

  function reportImport(report: ImportReport): void {
    lastImport.value = report;
    // Three numbers, each agreeing with its own noun: each part is a plural message of its own.
    messages.push(report.rejected.length > 0 ? 'warning' : 'success', 'project.importDone', {
      importedKey: 'project.importedFilms',
      importedCount: report.imported.length,
      duplicatesKey: 'project.alreadyThere',
      duplicatesCount: report.duplicates.length,
      rejectedKey: 'project.refusedFiles',
      rejectedCount: report.rejected.length,
    });
    if (report.masks?.length) messages.push('info', 'import.masksImported', { count: report.masks.length });
    if (report.masksIgnored) messages.push('info', 'import.masksIgnored', { count: report.masksIgnored });
  }

  /** What an import of these paths would find (films, masks beside them, duplicates); writes nothing. */
  async function scanImport(paths: string[]): Promise<ImportScan | null> {
    return withBusy(async () => {
      const result = await api.project.scanImport(paths, { recursive: true });
      if (result.ok) return result.value;
      messages.failure('errors.import', result);
      return null;
    });
  }

  async function importPaths(paths: string[], options: { copy?: boolean; recursive?: boolean; masks?: ImportMasks } = {}): Promise<ImportReport | null> {
    return withBusy(async () => {
      const result = await api.project.importPaths(paths, { recursive: true, ...options });
      if (!result.ok) {
        messages.failure('errors.import', result);
        return null;
      }
      reportImport(result.value);
      await refreshImages();
      return result.value;
    });
  }

  /** Imports files handed over by the browser (drop or file input): streamed uploads in serve mode. */
  async function importFiles(files: readonly DroppedFile[]): Promise<ImportReport | null> {
    if (files.length === 0) return null;
    return withBusy(async () => {
      let result: Result<ImportReport>;
      try {
        result = await importer(files, (progress) => (importProgress.value = progress));
      } finally {
        importProgress.value = null;
      }
      if (!result.ok) {
        messages.failure('errors.import', result);
        return null;
      }
      reportImport(result.value);
      await refreshImages();
      return result.value;
    });
  }

  /** Replaces one record in the list (after a status change, a prediction or a save). */
  function upsert(record: ImageRecord): void {
    const index = images.value.findIndex((image) => image.id === record.id);
    if (index >= 0) images.value.splice(index, 1, record);
    else images.value.push(record);
  }

  /** Sets the status of the mask the user sees (`revisionId`); the server refuses it if that mask is no longer current. */
  /**
   * Sets a film's review status for the revision on screen. `fromStatus` marks a change the app makes by
   * itself (opened -> in review): the server applies it only while the film still has that status, so it
   * can never undo an approval that got there first.
   */
  async function setStatus(imageId: string, status: ReviewStatus, revisionId: string | null, options: { fromStatus?: ReviewStatus } = {}): Promise<boolean> {
    const existing = images.value.find((image) => image.id === imageId);
    if (existing?.status === status && existing.latestRevisionId === revisionId) return true;
    if (options.fromStatus && existing && existing.status !== options.fromStatus) return true;
    const result = await api.project.setStatus(imageId, status, { revisionId, ...options });
    if (!result.ok) {
      messages.failure('errors.status', result);
      return false;
    }
    upsert(result.value);
    return true;
  }

  function image(imageId: string | null): ImageRecord | null {
    return imageId ? (images.value.find((record) => record.id === imageId) ?? null) : null;
  }

  api.on('project', (event) => {
    if (event.kind === 'closed') {
      summary.value = null;
      images.value = [];
    } else void refresh();
  });

  return { summary, images, busy, lastImport, importProgress, recentPaths, isOpen, refresh, refreshImages, open, create, close, scanImport, importPaths, importFiles, setStatus, upsert, image };
});
