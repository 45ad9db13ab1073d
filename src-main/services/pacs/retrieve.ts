import type { PacsInstance, PacsRetrieveReport, PacsSeries } from '../../../src-shared/api/pacs';
import { say, said, type ServerText } from '../../../src-shared/api/text';
import { PleuraError, saidOf, textOf } from '../../../src-shared/api/result';
import { importReceived } from '../project/import';
import type { ProjectStore } from '../project/store';
import type { DicomWebClient } from './dicomweb';
import { listStudySeries } from './study';

/** What a retrieve reports to whoever runs it (a job, the CLI). */
export interface RetrieveProgress {
  signal?: AbortSignal;
  progress?(fraction: number, message?: string | ServerText): void;
}

/** Failures after which the rest of a study is not asked for: the server is gone or refuses us. */
const fatalCodes = new Set(['unreachable', 'timeout', 'unauthorized']);

/** SOP Instance UID → project image id, for every image retrieved from a PACS. */
export function pacsInstancesInProject(store: ProjectStore): Map<string, string> {
  const map = new Map<string, string>();
  for (const image of store.listImages()) if (image.pacs) map.set(image.pacs.sopInstanceUid, image.id);
  return map;
}

/**
 * Retrieves a study's films (optionally only some series) into the project, one instance at a time,
 * through the same import path as files from disk (decoded and checked before they are added). Each
 * instance is fetched whole before anything is written, so a transfer cut off half way leaves no half
 * image; instances already in the project (by SOP Instance UID, or identical bytes) are not fetched
 * again, so a retry completes a study without duplicates. SEG, SR, other non-image objects, lateral
 * views and other modalities are listed in `skipped`. An instance that cannot be decoded is in
 * `failed` with the decoder's message and the rest is imported; when the server becomes unreachable,
 * times out or refuses the credentials, the remaining instances are in `failed` with that reason.
 */
export async function retrieveStudy(
  client: DicomWebClient,
  server: string,
  store: ProjectStore,
  options: { studyInstanceUid: string; seriesInstanceUids?: string[] },
  run: RetrieveProgress = {},
): Promise<PacsRetrieveReport> {
  const { studyInstanceUid } = options;
  const report: PacsRetrieveReport = { studyInstanceUid, imported: [], alreadyInProject: [], skipped: [], failed: [] };
  const known = pacsInstancesInProject(store);
  run.progress?.(0);
  let series: PacsSeries[] = await listStudySeries(client, studyInstanceUid, known, run.signal);
  if (options.seriesInstanceUids) {
    const wanted = new Set(options.seriesInstanceUids);
    series = series.filter((s) => wanted.has(s.seriesInstanceUid));
    if (series.length === 0) throw new PleuraError('not-found', say('pacs.noSelectedSeries'));
  }
  const todo: { seriesInstanceUid: string; sopInstanceUid: string; name: string }[] = [];
  for (const entry of series) {
    for (const instance of entry.instances) {
      if (instance.skip) report.skipped.push({ sopInstanceUid: instance.sopInstanceUid, kind: instance.skip });
      else if (instance.imageId) report.alreadyInProject.push({ sopInstanceUid: instance.sopInstanceUid, imageId: instance.imageId });
      else todo.push({ seriesInstanceUid: entry.seriesInstanceUid, sopInstanceUid: instance.sopInstanceUid, name: filmName(entry, instance) });
    }
  }
  let stopped: PleuraError | null = null;
  // The next instance is fetched while this one is decoded and written: the PACS and Pleura work at once.
  const fetchItem = (item: (typeof todo)[number]) => {
    const pending = client.retrieveInstance(studyInstanceUid, item.seriesInstanceUid, item.sopInstanceUid, run.signal);
    pending.catch(() => undefined);
    return pending;
  };
  let next = todo.length ? fetchItem(todo[0]) : null;
  for (const [index, item] of todo.entries()) {
    const fetching = next;
    next = !stopped && index + 1 < todo.length ? fetchItem(todo[index + 1]) : null;
    if (run.signal?.aborted) throw new PleuraError('cancelled', say('job.cancelled'));
    if (stopped) {
      report.failed.push({ sopInstanceUid: item.sopInstanceUid, code: stopped.code, ...said(say('pacs.notRetrieved', { reason: textOf(stopped) })) });
      continue;
    }
    try {
      const bytes = await fetching!;
      const pacs = { server, studyInstanceUid, seriesInstanceUid: item.seriesInstanceUid, sopInstanceUid: item.sopInstanceUid };
      const imported = await importReceived(store, { name: item.name, bytes, origin: `${server} ${item.sopInstanceUid}`, pacs });
      if (imported.imported[0]) report.imported.push({ sopInstanceUid: item.sopInstanceUid, imageId: imported.imported[0].id });
      else if (imported.duplicates[0]) report.alreadyInProject.push({ sopInstanceUid: item.sopInstanceUid, imageId: imported.duplicates[0].existingId });
      else report.failed.push({ sopInstanceUid: item.sopInstanceUid, code: 'unsupported', ...(imported.rejected[0] ? { reason: imported.rejected[0].reason, ...(imported.rejected[0].text ? { text: imported.rejected[0].text } : {}) } : said(say('pacs.notImported'))) });
    } catch (error) {
      if (!(error instanceof PleuraError) || error.code === 'cancelled' || error.code === 'disk-full' || error.code === 'no-project') throw error;
      report.failed.push({ sopInstanceUid: item.sopInstanceUid, code: error.code, ...saidOf(error) });
      if (fatalCodes.has(error.code)) stopped = error;
    }
    run.progress?.((index + 1) / todo.length, say('job.countOf', { done: index + 1, total: todo.length }));
  }
  await store.appendAudit('import', {
    pacs: { server, studyInstanceUid },
    imported: report.imported.length,
    alreadyInProject: report.alreadyInProject.length,
    skipped: report.skipped.length,
    failed: report.failed.map((f) => ({ sopInstanceUid: f.sopInstanceUid, code: f.code })),
  });
  return report;
}

/** A film's name in the project: modality, view, series and instance number (`CR_PA_s1_i2.dcm`), as a reading list shows it. */
function filmName(series: PacsSeries, instance: PacsInstance): string {
  const safe = (value: string) => value.replace(/[^A-Za-z0-9-]+/g, '').slice(0, 16);
  const parts = [safe(instance.modality) || 'film', safe(instance.viewPosition), `s${series.seriesNumber ?? 0}`, `i${instance.instanceNumber ?? 0}`].filter(Boolean);
  return `${parts.join('_')}.dcm`;
}
