import { z } from 'zod';
import type { PacsProvenance } from './pacs';
import type { Said, ServerText } from './text';

/** Review status of an image; the workflow moves left to right, and back when a mask changes. */
export type ReviewStatus = 'new' | 'predicted' | 'in-review' | 'corrected' | 'approved';
export const reviewStatuses = ['new', 'predicted', 'in-review', 'corrected', 'approved'] as const satisfies readonly ReviewStatus[];

/** Summary of the open project. */
export interface ProjectSummary {
  path: string;
  name: string;
  formatVersion: number;
  imageCount: number;
  createdAt: string;
  settings: ProjectSettings;
  /** Who this app records edits as (the OS user, or the name given to `pleura serve --user`). */
  user: string;
  /** Nothing can be saved (read-only or full disk): view and export elsewhere only. Shown as a banner. */
  readOnly: boolean;
  /** What opening or the background check found and repaired, or why the project is read-only; shown to the user. */
  warnings: string[];
  /** The same warnings by key, in the same order (what the renderer shows, in the user's language). */
  warningTexts?: ServerText[];
}

/** Outcome of checking every log record, the snapshot and every revision and image file of a project. */
export interface VerifyReport {
  ok: boolean;
  records: number;
  revisions: number;
  images: number;
  /** One sentence per problem found, with what to do (notes, such as who holds the lock, last). */
  problems: string[];
  /** The same sentences by key, in the same order. */
  problemTexts?: ServerText[];
}

export interface ProjectSettings {
  /** Copy imported files into the project (true) or reference them where they are (false). */
  copyImages: boolean;
  /** Name given when the project was created (edits are recorded as the app's user, see ProjectSummary.user). */
  userName: string;
}

/** One image of a project as the review queue lists it. */
export interface ImageRecord {
  id: string;
  name: string;
  kind: 'dicom' | 'raster';
  contentHash: string;
  widthPx: number;
  heightPx: number;
  status: ReviewStatus;
  importedAt: string;
  /** Latest mask revision, if any. */
  latestRevisionId: string | null;
  /** Model id@version that made the latest prediction. */
  predictedBy: string | null;
  /** Per-image uncertainty score in 0..1 from test-time augmentation; null before prediction. */
  uncertainty: number | null;
  /** Lung areas of the latest mask, in cm² when spacing is known, else null. */
  areas: { rightCm2: number | null; leftCm2: number | null; totalCm2: number | null; totalPx: number } | null;
  /** A reference annotation imported with the image (not a model prediction). */
  hasReference: boolean;
  /** Set when the image was retrieved from a PACS: the server and its DICOM UIDs. */
  pacs?: PacsProvenance;
}

/** Outcome of an import: what came in, what was already there, what was refused and why. */
export interface ImportReport {
  imported: ImageRecord[];
  duplicates: { path: string; existingId: string }[];
  rejected: ({ path: string } & Said)[];
  /** Masks imported with their films (as reference revisions; the film goes to "in review"). */
  masks?: { path: string; imageId: string }[];
  /** Masks found beside the films and left alone (`masks: 'ignore'`). */
  masksIgnored?: number;
}

/**
 * What an import by path would find, before anything is written: the films, the mask PNGs beside them
 * (`<stem>_mask.png`, `masks/<stem>.png`, `../masks/<name>`), and files already in the project. The UI
 * shows it and asks what to do with the masks; nothing is ever taken silently.
 */
export interface ImportScan {
  images: { path: string; mask: string | null }[];
  duplicates: { path: string; existingId: string }[];
  rejected: ({ path: string } & Said)[];
}

/** How an import by path treats masks found beside the films: import them, or leave them (default). */
export type ImportMasks = 'import' | 'ignore';

/** One audit-log entry: who did what, when. */
export interface AuditEntry {
  seq: number;
  at: string;
  user: string;
  action: 'create' | 'import' | 'predict' | 'edit' | 'status' | 'approve' | 'train' | 'promote' | 'rollback' | 'export' | 'settings' | 'pseudonym-key';
  imageId?: string;
  detail: Record<string, unknown>;
}

/** `dicom-sr` writes a TID 1500 lung-area report per image together with the SEG it references. */
export type ExportFormat = 'png' | 'coco' | 'dicom-seg' | 'dicom-sr' | 'nnunet' | 'csv';

export interface ExportOptions {
  format: ExportFormat;
  outDir: string;
  imageIds?: string[];
  /** Only approved images: the default in every format; false exports every image with a mask (`--all`). */
  approvedOnly?: boolean;
  /** Remove or replace PHI per the DICOM PS3.15 basic profile; files are named by the project's pseudonyms. */
  deidentify?: boolean;
  /** PNG: write 1 right / 2 left labels instead of 0/255. */
  labels?: boolean;
  /**
   * De-identified exports that carry film pixels (COCO, nnU-Net, DICOM SEG) refuse films flagged or
   * suspected to carry burned-in text unless this is set (the user confirmed they checked them).
   */
  confirmBurnedIn?: boolean;
}

/** Why an image is not in an export: left out by the selection, refused by a rule, or failed. */
export type ExportSkipKind = 'excluded' | 'refused' | 'failed';

export interface ExportReport {
  format: ExportFormat;
  outDir: string;
  files: string[];
  skipped: ({ imageId: string; name?: string; kind?: ExportSkipKind } & Said)[];
  /** Films written (each with all its files). */
  exported?: number;
  /** False when the export ran on a read-only view (the project was open elsewhere): not in the log. */
  audited?: boolean;
}

/** A file handed over as bytes (drag and drop in the browser). */
export interface FilePayload {
  name: string;
  bytes: Uint8Array;
}

/** Project storage, import and export. */
export interface ProjectApi {
  create(path: string, options: { name?: string; copyImages?: boolean; userName?: string }): Promise<ProjectSummary>;
  /**
   * Opens a project. A lock held by another computer is refused (`conflict`, details.lock names the
   * holder) unless `breakLock`, which the user must choose deliberately.
   */
  open(path: string, options?: { breakLock?: boolean }): Promise<ProjectSummary>;
  close(): Promise<void>;
  current(): Promise<ProjectSummary | null>;
  listImages(): Promise<ImageRecord[]>;
  /** Imports files or folders (recursive) by path on the main side's disk. */
  importPaths(paths: string[], options: { copy?: boolean; recursive?: boolean; masks?: ImportMasks }): Promise<ImportReport>;
  /** Looks at what importPaths would import (films, masks beside them, duplicates); writes nothing. */
  scanImport(paths: string[], options: { recursive?: boolean }): Promise<ImportScan>;
  /** Imports files given as bytes (drag and drop, browser upload). */
  importFiles(files: FilePayload[]): Promise<ImportReport>;
  /**
   * Sets the review status of the mask the client shows: `revisionId` must be the image's current
   * revision, else `conflict` (details.currentRevision). Approving needs a mask. With `fromStatus` (a
   * change the app makes by itself) it applies only while the image still has that status; otherwise
   * nothing changes and the current record comes back.
   */
  setStatus(imageId: string, status: ReviewStatus, options: { revisionId: string | null; fromStatus?: ReviewStatus }): Promise<ImageRecord>;
  /** Checks every log record, the snapshot and every revision and image file (read only). */
  verify(): Promise<VerifyReport>;
  audit(options: { limit?: number; imageId?: string }): Promise<AuditEntry[]>;
  exportData(options: ExportOptions): Promise<ExportReport>;
  /** Starts an export as a job (progress, cancel); its `result` event carries the {@link ExportReport}. */
  startExport(options: ExportOptions): Promise<{ jobId: string }>;
}

const exportFormat = z.enum(['png', 'coco', 'dicom-seg', 'dicom-sr', 'nnunet', 'csv']);

const exportOptionsSchema = z.object({
  format: exportFormat,
  outDir: z.string().min(1),
  imageIds: z.array(z.string()).optional(),
  approvedOnly: z.boolean().optional(),
  deidentify: z.boolean().optional(),
  labels: z.boolean().optional(),
  confirmBurnedIn: z.boolean().optional(),
});

export const projectSchemas = {
  create: z.tuple([z.string().min(1), z.object({ name: z.string().optional(), copyImages: z.boolean().optional(), userName: z.string().optional() })]),
  open: z.union([z.tuple([z.string().min(1)]), z.tuple([z.string().min(1), z.object({ breakLock: z.boolean().optional() })])]),
  close: z.tuple([]),
  current: z.tuple([]),
  listImages: z.tuple([]),
  importPaths: z.tuple([z.array(z.string().min(1)).min(1), z.object({ copy: z.boolean().optional(), recursive: z.boolean().optional(), masks: z.enum(['import', 'ignore']).optional() })]),
  scanImport: z.tuple([z.array(z.string().min(1)).min(1), z.object({ recursive: z.boolean().optional() })]),
  importFiles: z.tuple([z.array(z.object({ name: z.string().min(1), bytes: z.instanceof(Uint8Array) })).min(1)]),
  setStatus: z.tuple([z.string().min(1), z.enum(reviewStatuses), z.object({ revisionId: z.string().nullable(), fromStatus: z.enum(reviewStatuses).optional() })]),
  verify: z.tuple([]),
  audit: z.tuple([z.object({ limit: z.number().int().positive().optional(), imageId: z.string().optional() })]),
  exportData: z.tuple([exportOptionsSchema]),
  startExport: z.tuple([exportOptionsSchema]),
};
