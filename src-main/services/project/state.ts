import type { AuditEntry, ImageRecord, ProjectSettings, ReviewStatus } from '../../../src-shared/api/project';
import type { MaskRevision } from '../../../src-shared/api/masks';
import type { PixelSpacing } from '../../../src-shared/api/images';

/** Where an image's bytes live: copied into `images/` (path relative to the project) or referenced. */
export type ImageStorage = { mode: 'copy'; file: string } | { mode: 'reference'; path: string };

/** An image as the store keeps it: the public record plus where its bytes are and its spacing. */
export interface StoredImage extends ImageRecord {
  storage: ImageStorage;
  /** Where it was imported from (a path, or the dropped file's name). */
  origin: string;
  /** Spacing read from the file at import (DICOM), null for most raster images. */
  fileSpacing: PixelSpacing | null;
  /** Spacing set by the user (mm per pixel, square pixels), overrides nothing in a DICOM file. */
  userSpacingMm: number | null;
}

/** A revision as the store keeps it: the public record plus its file and that file's checksum. */
export interface StoredRevision extends MaskRevision {
  file: string;
  sha256: string;
  widthPx: number;
  heightPx: number;
}

export interface ImagePatch {
  status?: ReviewStatus;
  predictedBy?: string | null;
  uncertainty?: number | null;
  areas?: ImageRecord['areas'];
  userSpacingMm?: number | null;
}

/** The state change a log record carries; audit-only records carry none. */
export type Change =
  | { type: 'create'; name: string; createdAt: string; settings: ProjectSettings }
  | { type: 'settings'; settings: ProjectSettings }
  | { type: 'image'; image: StoredImage }
  /** `current`: whether the revision became the image's mask (absent in older logs: see applyChange). */
  | { type: 'revision'; revision: StoredRevision; current?: boolean }
  | { type: 'patch'; imageId: string; patch: ImagePatch };

/** One line of log.jsonl: an audit entry that may also change the project's state. */
export interface LogRecord extends AuditEntry {
  change?: Change;
}

/** Everything the store knows, rebuilt by replaying the log (or a snapshot plus the log's tail). */
export interface ProjectState {
  name: string;
  createdAt: string;
  settings: ProjectSettings;
  /** Images in import order. */
  images: StoredImage[];
  revisions: Record<string, StoredRevision[]>;
}

export function emptyState(): ProjectState {
  return { name: '', createdAt: '', settings: { copyImages: true, userName: '' }, images: [], revisions: {} };
}

/** Indexes over a state, kept in step by {@link applyChange}. */
export class ProjectIndex {
  readonly byId = new Map<string, StoredImage>();
  readonly byHash = new Map<string, string>();

  constructor(readonly state: ProjectState) {
    for (const image of state.images) this.add(image);
  }

  add(image: StoredImage): void {
    this.byId.set(image.id, image);
    this.byHash.set(image.contentHash, image.id);
  }
}

/** Physical area of one pixel in cm², or null when the spacing is unknown. */
export function pixelAreaCm2(image: StoredImage): number | null {
  if (image.userSpacingMm) return (image.userSpacingMm * image.userSpacingMm) / 100;
  if (image.fileSpacing) return (image.fileSpacing.rowMm * image.fileSpacing.colMm) / 100;
  return null;
}

/** Areas from label counts: label 1 is the patient's right lung, 2 the left. */
export function areasFromCounts(counts: number[], image: StoredImage): NonNullable<ImageRecord['areas']> {
  const right = counts[1] ?? 0;
  const left = counts[2] ?? 0;
  const totalPx = counts.slice(1).reduce((a, b) => a + b, 0);
  const cm2 = pixelAreaCm2(image);
  const round = (v: number) => Math.round(v * 100) / 100;
  return {
    rightCm2: cm2 === null ? null : round(right * cm2),
    leftCm2: cm2 === null ? null : round(left * cm2),
    totalCm2: cm2 === null ? null : round(totalPx * cm2),
    totalPx,
  };
}

/**
 * Applies one change. Deterministic (replay gives the same state). A revision recorded with
 * `current: false` is only kept (a prediction stored beside a person's work). Otherwise it becomes the
 * image's mask: a model revision marks the image predicted, a user revision corrected (also after
 * approval: a changed mask needs review again), a reference revision leaves the status; areas follow the
 * current revision. Records older than the `current` flag: a model revision on an approved image was kept.
 */
export function applyChange(index: ProjectIndex, change: Change): void {
  const state = index.state;
  switch (change.type) {
    case 'create':
      state.name = change.name;
      state.createdAt = change.createdAt;
      state.settings = change.settings;
      return;
    case 'settings':
      state.settings = change.settings;
      return;
    case 'image':
      if (index.byId.has(change.image.id)) return;
      state.images.push(change.image);
      index.add(change.image);
      return;
    case 'revision': {
      const image = index.byId.get(change.revision.imageId);
      if (!image) return;
      (state.revisions[image.id] ??= []).push(change.revision);
      const source = change.revision.source;
      const current = change.current ?? !(source.kind === 'model' && image.status === 'approved');
      if (!current) {
        // Kept beside the person's work for comparison; their mask stays current.
        if (source.kind === 'model') image.predictedBy = `${source.modelId}@${source.modelVersion}`;
        return;
      }
      image.latestRevisionId = change.revision.id;
      if (source.kind === 'model') {
        image.status = 'predicted';
        image.predictedBy = `${source.modelId}@${source.modelVersion}`;
      } else if (source.kind === 'user') {
        image.status = 'corrected';
      } else {
        image.hasReference = true;
      }
      image.areas = areasFromCounts(change.revision.labelCounts, image);
      return;
    }
    case 'patch': {
      const image = index.byId.get(change.imageId);
      if (!image) return;
      const { patch } = change;
      if (patch.status !== undefined) image.status = patch.status;
      if (patch.predictedBy !== undefined) image.predictedBy = patch.predictedBy;
      if (patch.uncertainty !== undefined) image.uncertainty = patch.uncertainty;
      if (patch.areas !== undefined) image.areas = patch.areas;
      if (patch.userSpacingMm !== undefined) {
        image.userSpacingMm = patch.userSpacingMm;
        const latest = state.revisions[image.id]?.find((r) => r.id === image.latestRevisionId);
        if (latest) image.areas = areasFromCounts(latest.labelCounts, image);
      }
      return;
    }
  }
}

/** The public record of a stored image (drops storage details). */
export function publicRecord(image: StoredImage): ImageRecord {
  return {
    id: image.id,
    name: image.name,
    kind: image.kind,
    contentHash: image.contentHash,
    widthPx: image.widthPx,
    heightPx: image.heightPx,
    status: image.status,
    importedAt: image.importedAt,
    latestRevisionId: image.latestRevisionId,
    predictedBy: image.predictedBy,
    uncertainty: image.uncertainty,
    areas: image.areas ? { ...image.areas } : null,
    hasReference: image.hasReference,
    ...(image.pacs ? { pacs: { ...image.pacs } } : {}),
  };
}

/** The public record of a stored revision. */
export function publicRevision(revision: StoredRevision): MaskRevision {
  return {
    id: revision.id,
    imageId: revision.imageId,
    createdAt: revision.createdAt,
    source: revision.source,
    parentId: revision.parentId,
    labelCounts: [...revision.labelCounts],
  };
}
