import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { PacsSendReport } from '../../../src-shared/api/pacs';
import { say, said } from '../../../src-shared/api/text';
import { PleuraError, saidOf } from '../../../src-shared/api/result';
import { exportProject } from '../export/export';
import { readDicom } from '../export/dicom-seg';
import type { ProjectStore } from '../project/store';
import type { DicomWebClient } from './dicomweb';
import type { RetrieveProgress } from './retrieve';

/** What is sent per image: the SEG alone, or the SEG with the SR measurement report that references it. */
export type SendFormat = 'dicom-seg' | 'dicom-sr';

/**
 * Sends each image's results to the PACS with STOW-RS, into the image's own study: the DICOM SEG and
 * (format `dicom-sr`, the default) the TID 1500 SR with the lung areas. Without `imageIds`, every
 * approved image is sent. Files are written by the export service into `outDir` (a temp folder that is
 * removed afterwards when none is given), one image at a time, so an image that cannot be exported (no
 * mask, raster source, no spacing for the SR) is skipped with the reason and the rest is sent. Each
 * send is recorded in the audit log with the UIDs the PACS now holds.
 */
export async function sendResults(
  client: DicomWebClient,
  server: string,
  store: ProjectStore,
  options: { imageIds?: string[]; format?: SendFormat; outDir?: string },
  run: RetrieveProgress = {},
): Promise<PacsSendReport> {
  const format = options.format ?? 'dicom-sr';
  const ids = options.imageIds ?? store.listImages().filter((image) => image.status === 'approved').map((image) => image.id);
  const report: PacsSendReport = { sent: [], skipped: [] };
  const temp = options.outDir ? null : await mkdtemp(join(tmpdir(), 'pleura-send-'));
  const outDir = options.outDir ?? temp!;
  try {
    for (const [index, imageId] of ids.entries()) {
      if (run.signal?.aborted) throw new PleuraError('cancelled', say('job.cancelled'));
      const exported = await exportProject(store, { format, outDir: join(outDir, imageId), imageIds: [imageId], approvedOnly: false });
      const segPath = exported.files.find((f) => f.endsWith('.seg.dcm'));
      const srPath = exported.files.find((f) => f.endsWith('.sr.dcm'));
      if (!segPath || (format === 'dicom-sr' && !srPath)) {
        report.skipped.push({ imageId, ...(exported.skipped[0] ? { reason: exported.skipped.map((s) => s.reason).join(' '), ...(exported.skipped[0].text ? { text: exported.skipped[0].text } : {}) } : said(say('pacs.nothingToSend'))) });
        continue;
      }
      const files = [new Uint8Array(await readFile(segPath)), ...(srPath ? [new Uint8Array(await readFile(srPath))] : [])];
      const [seg, sr] = files.map((bytes) => readDicom(bytes));
      try {
        await client.store(String(seg.StudyInstanceUID), files, run.signal);
      } catch (error) {
        if (error instanceof PleuraError && error.code !== 'cancelled' && error.code !== 'unauthorized' && error.code !== 'unreachable' && error.code !== 'timeout') {
          report.skipped.push({ imageId, ...saidOf(error) });
          continue;
        }
        throw error;
      }
      const sent = { imageId, segSopInstanceUid: String(seg.SOPInstanceUID), srSopInstanceUid: sr ? String(sr.SOPInstanceUID) : '' };
      report.sent.push(sent);
      await store.appendAudit('export', { pacs: { server, studyInstanceUid: seg.StudyInstanceUID, sent: format, segSopInstanceUid: sent.segSopInstanceUid, srSopInstanceUid: sent.srSopInstanceUid } }, imageId);
      run.progress?.((index + 1) / ids.length, say('job.countOf', { done: index + 1, total: ids.length }));
    }
  } finally {
    if (temp) await rm(temp, { recursive: true, force: true });
  }
  return report;
}
