import { mkdir } from 'node:fs/promises';
import { resolve } from 'node:path';
import type { ExportOptions, ExportReport } from '../../../src-shared/api/project';
import type { LabelMask, MaskRevision } from '../../../src-shared/api/masks';
import { PleuraError } from '../../../src-shared/api/result';
import { ioFailure, sanitizeName } from '../project/durable';
import type { StoredImage } from '../project/state';
import type { ProjectStore } from '../project/store';
import { exportPng, exportNnunet } from './raster';
import { exportCoco } from './coco';
import { exportCsv } from './csv';
import { exportDicomSeg } from './dicom-seg';
import { exportDicomSr } from './dicom-sr';

/** One image to export with its latest mask and the name its files get. */
export interface ExportItem {
  image: StoredImage;
  revision: MaskRevision;
  mask: LabelMask;
  /** Safe file stem: the image's name, or a case number when de-identifying. */
  stem: string;
}

/** What each format writer gets and fills in. */
export interface ExportJob {
  store: ProjectStore;
  options: ExportOptions;
  outDir: string;
  items: ExportItem[];
  report: ExportReport;
}

/** Formats meant for training: they default to approved images only. */
const trainingFormats = new Set(['coco', 'nnunet']);

/**
 * Exports the latest mask of each selected image. Images without a mask (or not approved when only
 * approved ones are asked for) are listed in `skipped` with the reason; the export is recorded in the
 * audit log.
 */
export async function exportProject(store: ProjectStore, options: ExportOptions): Promise<ExportReport> {
  const outDir = resolve(options.outDir);
  await mkdir(outDir, { recursive: true }).catch((error: unknown) => {
    throw ioFailure(error, outDir);
  });
  const report: ExportReport = { format: options.format, outDir, files: [], skipped: [] };
  const approvedOnly = options.approvedOnly ?? trainingFormats.has(options.format);
  const ids = options.imageIds ?? store.listImages().map((image) => image.id);
  const items: ExportItem[] = [];
  const usedStems = new Set<string>();
  for (const id of ids) {
    let image: StoredImage;
    try {
      image = store.stored(id);
    } catch {
      report.skipped.push({ imageId: id, reason: 'No such image in the project.' });
      continue;
    }
    if (approvedOnly && image.status !== 'approved') {
      report.skipped.push({ imageId: id, reason: `Not approved (status ${image.status}).` });
      continue;
    }
    const latest = await store.loadRevision(id).catch((error: unknown) => {
      report.skipped.push({ imageId: id, reason: error instanceof PleuraError ? error.message : String(error) });
      return undefined;
    });
    if (latest === undefined) continue;
    if (latest === null) {
      report.skipped.push({ imageId: id, reason: 'The image has no mask yet.' });
      continue;
    }
    items.push({ image, revision: latest.revision, mask: latest.mask, stem: uniqueStem(image, items.length, options, usedStems) });
  }
  const job: ExportJob = { store, options, outDir, items, report };
  switch (options.format) {
    case 'png':
      await exportPng(job);
      break;
    case 'nnunet':
      await exportNnunet(job);
      break;
    case 'coco':
      await exportCoco(job);
      break;
    case 'csv':
      await exportCsv(job);
      break;
    case 'dicom-seg':
      await exportDicomSeg(job);
      break;
    case 'dicom-sr':
      await exportDicomSr(job);
      break;
  }
  await store.appendAudit('export', { format: options.format, outDir, files: report.files.length, skipped: report.skipped.length, deidentified: !!options.deidentify });
  return report;
}

/** File stem for an item: never a path, never a clash; a case number when de-identifying. */
function uniqueStem(image: StoredImage, index: number, options: ExportOptions, used: Set<string>): string {
  const base = options.deidentify ? `case_${String(index + 1).padStart(4, '0')}` : sanitizeName(image.name.replace(/\.[A-Za-z0-9]{1,5}$/, ''), image.id);
  let stem = base;
  for (let n = 2; used.has(stem.toLowerCase()); n++) stem = `${base}_${n}`;
  used.add(stem.toLowerCase());
  return stem;
}
