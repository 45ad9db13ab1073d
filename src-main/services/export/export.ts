import { mkdir } from 'node:fs/promises';
import { resolve } from 'node:path';
import type { ExportOptions, ExportReport, ExportSkipKind, ImageRecord, ProjectSettings } from '../../../src-shared/api/project';
import { say, said, type ServerText } from '../../../src-shared/api/text';
import type { LabelMask, MaskRevision } from '../../../src-shared/api/masks';
import { PleuraError } from '../../../src-shared/api/result';
import { ioFailure, sanitizeName } from '../project/durable';
import type { StoredImage } from '../project/state';
import { exportPng, exportNnunet } from './raster';
import { exportCoco } from './coco';
import { exportCsv } from './csv';
import { exportDicomSeg } from './dicom-seg';
import { exportDicomSr } from './dicom-sr';
import { burnedInRisk } from './burned-in';
import { Pseudonyms } from './pseudonym';

/**
 * What an export reads: a {@link ProjectStore} (which also logs the export), or a read-only view of one
 * point in the log (no `appendAudit`: the project is open in another process, which owns the log).
 */
export interface ExportSource {
  readonly path: string;
  readonly name: string;
  readonly settings: ProjectSettings;
  /** Nothing can be written (a full or read-only disk): the export runs, its audit entry is skipped. */
  readonly readOnly?: boolean;
  listImages(): ImageRecord[];
  stored(imageId: string): StoredImage;
  loadRevision(imageId: string): Promise<{ revision: MaskRevision; mask: LabelMask } | null>;
  readImageBytes(imageId: string): Promise<Uint8Array>;
  appendAudit?(action: 'export' | 'pseudonym-key', detail: Record<string, unknown>): Promise<unknown>;
}

/** Whether the export can be recorded in the project's log. */
export function canLog(source: ExportSource): boolean {
  return !!source.appendAudit && !source.readOnly;
}

/** One image to export with its latest mask and the name its files get. */
export interface ExportItem {
  image: StoredImage;
  revision: MaskRevision;
  mask: LabelMask;
  /** Safe file stem and case id: the image's name, or the film's pseudonym when de-identifying. */
  stem: string;
}

/** Progress and cancel, for the job that runs an export. */
export interface ExportControl {
  signal?: AbortSignal;
  progress?(fraction: number, message?: string): void;
}

/** What each format writer gets and fills in. */
export interface ExportJob {
  source: ExportSource;
  options: ExportOptions;
  outDir: string;
  items: ExportItem[];
  report: ExportReport;
  /** Pseudonyms and UID mapping of the project (de-identified exports only). */
  pseudonyms: Pseudonyms | null;
  /** Called before each item: reports progress, throws 'cancelled' once the signal is aborted. */
  step(index: number, item: ExportItem): void;
  /** The item's files are written. */
  done(item: ExportItem, files: string[]): void;
  /** The item is not in the export after all: listed in `skipped` with the kind and reason. */
  skip(item: ExportItem, kind: ExportSkipKind, reason: string | ServerText): void;
}

/** Formats that carry the film's pixels (and so burned-in text) into the export. */
const pixelFormats = new Set(['coco', 'nnunet', 'dicom-seg', 'dicom-sr']);

/**
 * Exports the latest mask of each selected image. By default only approved images, in every format
 * (`approvedOnly: false` for all). Images left out, refused or failed are listed in `skipped` with
 * the reason and kind; the export is recorded in the audit log when the source can write it.
 */
export async function exportProject(source: ExportSource, options: ExportOptions, control: ExportControl = {}): Promise<ExportReport> {
  const outDir = resolve(options.outDir);
  await mkdir(outDir, { recursive: true }).catch((error: unknown) => {
    throw ioFailure(error, outDir);
  });
  const report: ExportReport = { format: options.format, outDir, files: [], skipped: [], exported: 0, audited: canLog(source) };
  const skip = (image: { id: string; name?: string }, kind: ExportSkipKind, reason: string | ServerText) => report.skipped.push({ imageId: image.id, ...(image.name ? { name: image.name } : {}), kind, ...(typeof reason === 'string' ? { reason } : said(reason)) });
  const approvedOnly = options.approvedOnly ?? true;
  const pseudonyms = options.deidentify ? await Pseudonyms.load(source) : null;
  const ids = options.imageIds ?? source.listImages().map((image) => image.id);
  const items: ExportItem[] = [];
  const usedStems = new Set<string>();
  for (const id of ids) {
    let image: StoredImage;
    try {
      image = source.stored(id);
    } catch {
      skip({ id }, 'excluded', say('export.noSuchImage'));
      continue;
    }
    if (approvedOnly && image.status !== 'approved') {
      skip(image, 'excluded', say('export.notApproved', { status: say(`status.${image.status}` as const) }));
      continue;
    }
    const latest = await source.loadRevision(id).catch((error: unknown) => {
      skip(image, 'failed', error instanceof PleuraError ? (error.text ?? error.message) : String(error));
      return undefined;
    });
    if (latest === undefined) continue;
    if (latest === null) {
      skip(image, 'excluded', say('export.noMask'));
      continue;
    }
    if (pseudonyms && pixelFormats.has(options.format) && !options.confirmBurnedIn) {
      const risk = await burnedInRisk(source, image);
      if (risk) {
        skip(image, 'refused', say('export.refusedBurnedIn', { risk }));
        continue;
      }
    }
    const stem = pseudonyms ? pseudonyms.caseId(image.id) : uniqueStem(image, usedStems);
    items.push({ image, revision: latest.revision, mask: latest.mask, stem });
  }
  const job: ExportJob = {
    source, options, outDir, items, report, pseudonyms,
    step(index, item) {
      if (control.signal?.aborted) throw new PleuraError('cancelled', say('export.cancelledAfter', { exported: report.exported ?? 0, count: items.length }));
      control.progress?.(index / Math.max(1, items.length), pseudonyms ? item.stem : item.image.name);
    },
    done(_item, files) {
      report.files.push(...files);
      report.exported = (report.exported ?? 0) + 1;
    },
    skip(item, kind, reason) {
      skip(item.image, kind, reason);
    },
  };
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
  control.progress?.(1);
  // A read-only project (full or read-only disk) still exports elsewhere; only its audit entry cannot be written.
  if (canLog(source)) await source.appendAudit?.('export', { format: options.format, outDir, files: report.files.length, exported: report.exported, skipped: report.skipped.length, deidentified: !!options.deidentify, approvedOnly });
  return report;
}

/** File stem for an item: never a path, never a clash. */
function uniqueStem(image: StoredImage, used: Set<string>): string {
  const base = sanitizeName(image.name.replace(/\.[A-Za-z0-9]{1,5}$/, ''), image.id);
  let stem = base;
  for (let n = 2; used.has(stem.toLowerCase()); n++) stem = `${base}_${n}`;
  used.add(stem.toLowerCase());
  return stem;
}
