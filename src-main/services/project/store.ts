import { unlink } from 'node:fs/promises';
import { readArtifactFile, readImageFile, readRevisionFile, writeArtifactFile } from './artifacts';
import { join, resolve } from 'node:path';
import { randomBytes } from 'node:crypto';
import type { AuditEntry, ImageRecord, ProjectSettings, ProjectSummary, ReviewStatus } from '../../../src-shared/api/project';
import { say, englishOf, type ServerText } from '../../../src-shared/api/text';
import type { LabelMask, MaskRevision, RevisionSource } from '../../../src-shared/api/masks';
import { PleuraError } from '../../../src-shared/api/result';
import { ioFailure, safeJoin, writeFileAtomic } from './durable';
import type { AppendLog } from './log';
import { encodeRevisionFile, sha256Hex } from './revision-file';
import { applyChange, publicRecord, publicRevision, type ImagePatch, type ProjectIndex, type LogRecord, type StoredImage, type StoredRevision } from './state';
import { writeManifest, writeSnapshot, type ProjectManifest } from './files';
import { createProjectFolder, openParts, type CreateOptions, type OpenedParts, type OpenOptions } from './open';
import { changedImages, checkMask, expectRevision, holdsUserWork, readAudit, toAuditEntry } from './store-rules';
import type { NewImage } from './add-image';
import { storeImage } from './add-image';

/** Records between snapshots: bounds the log tail replayed on open. */
const snapshotEvery = 1000;

/**
 * A new revision id: base-36 milliseconds, then 40 random bits (sorted by time, never reused). The
 * inference service takes one before the save so that a viewer can show a prediction under the id it
 * will be saved as (see `saveRevision`'s `id`).
 */
export function newRevisionId(): string {
  return `${Date.now().toString(36).padStart(9, '0')}-${randomBytes(5).toString('hex')}`;
}

/**
 * One open project folder. The log (log.jsonl) is both the metadata store and the audit trail; the
 * in-memory state is its replay. Every mutation is serialised, durable on disk before it resolves,
 * and then applied in memory. See docs/storage.md.
 */
export class ProjectStore {
  /**
   * Called with the ids of images whose record changed and each one's current revision after the change
   * (the session turns it into an event).
   */
  onChange: ((imageIds: string[], latestRevisionIds: Record<string, string | null>) => void) | null = null;
  readonly path: string;
  /** Who edits are recorded as: decided when the project is opened, never by a client. */
  readonly user: string;
  /** Bytes cut off a torn log tail when the project was opened (0 normally). */
  readonly recoveredBytes: number;
  private readonly manifest: ProjectManifest;
  private readonly index: ProjectIndex;
  private readonly log: AppendLog<LogRecord>;
  private readonly releaseLock: () => Promise<void>;
  private readonly warningList: ServerText[];
  private readOnlyReason: ServerText | null;
  private mutex: Promise<unknown> = Promise.resolve();
  private snapshotSeq: number;
  private readonly snapshotWanted: boolean;
  private closed = false;

  private constructor(parts: OpenedParts) {
    ({ root: this.path, user: this.user, recoveredBytes: this.recoveredBytes, manifest: this.manifest, index: this.index, log: this.log } = parts);
    ({ release: this.releaseLock, warnings: this.warningList } = parts);
    this.readOnlyReason = parts.readOnly ? say('project.readOnlyNoSave') : null;
    this.snapshotSeq = parts.snapshotSeq;
    this.snapshotWanted = parts.snapshotWanted;
  }

  /** Creates a project in an empty or missing folder. */
  static async create(path: string, options: CreateOptions = {}): Promise<ProjectStore> {
    const { root, user } = await createProjectFolder(resolve(path), options);
    return ProjectStore.open(root, { user });
  }

  /**
   * Opens a project: checks its version, takes the lock, loads the checked snapshot, replays the log's
   * tail. Repairs are reported in {@link warnings}; a folder that cannot be written opens read-only.
   */
  static async open(path: string, options: OpenOptions = {}): Promise<ProjectStore> {
    const store = new ProjectStore(await openParts(resolve(path), options));
    if (!store.readOnly && (store.log.seq - store.snapshotSeq >= snapshotEvery / 2 || store.snapshotWanted)) {
      await store.snapshot().catch((error: unknown) => store.degrade(error));
    }
    return store;
  }

  /** A write failed on open (full disk): keep the project viewable, read-only, and say so. */
  private degrade(error: unknown): void {
    const failure = ioFailure(error, 'state.json');
    this.readOnlyReason = say('project.readOnlyBecause', { reason: failure.text ?? failure.message });
    this.warningList.push(this.readOnlyReason);
  }

  /** Bytes of the log on disk now (everything before is durable). */
  get logBytes(): number {
    return this.log.size;
  }

  /** True when nothing can be saved (read-only or full disk): view and export only. */
  get readOnly(): boolean {
    return this.readOnlyReason !== null;
  }

  /** What opening (and the background check) found and repaired; empty for a healthy project. */
  get warnings(): string[] {
    return this.warningList.map(englishOf);
  }

  /** The same warnings by key, for the renderer to show in the user's language. */
  get warningTexts(): ServerText[] {
    return [...this.warningList];
  }

  /** Adds warnings found after opening (the background verification). */
  addWarnings(warnings: ServerText[]): void {
    const known = new Set(this.warnings);
    for (const warning of warnings) if (!known.has(englishOf(warning))) this.warningList.push(warning);
  }

  /**
   * Writes a snapshot if anything changed since the last one, then releases the folder. The log and the
   * lock are released even when the snapshot cannot be written (it is only a cache of the log).
   */
  async close(): Promise<void> {
    if (this.closed) return;
    try {
      await this.serial(async () => {
        this.closed = true;
        try {
          if (!this.readOnly && this.log.seq !== this.snapshotSeq) await this.snapshot().catch(() => undefined);
        } finally {
          await this.log.close().catch(() => undefined);
        }
      });
    } finally {
      await this.releaseLock();
    }
  }

  get name(): string {
    return this.index.state.name;
  }

  get settings(): ProjectSettings {
    return { ...this.index.state.settings };
  }

  /** Folder of the project's model registry (versions are written there by the models service). */
  get modelsDir(): string {
    return join(this.path, 'models');
  }

  summary(): ProjectSummary {
    const { state } = this.index;
    return {
      path: this.path, name: state.name, formatVersion: this.manifest.formatVersion, imageCount: state.images.length, createdAt: state.createdAt,
      settings: { ...state.settings }, user: this.user, readOnly: this.readOnly, warnings: this.warnings, warningTexts: this.warningTexts,
    };
  }

  listImages(): ImageRecord[] {
    return this.index.state.images.map(publicRecord);
  }

  getImage(imageId: string): ImageRecord {
    return publicRecord(this.stored(imageId));
  }

  /** The stored record with storage details (for import, export and the image source). */
  stored(imageId: string): StoredImage {
    const image = this.index.byId.get(imageId);
    if (!image) throw new PleuraError('not-found', say('project.noImage', { imageId }));
    return image;
  }

  /** The id of the image with this content sha256, if any. */
  findByHash(sha256: string): string | undefined {
    return this.index.byHash.get(sha256);
  }

  /** Adds an image: copies its bytes into images/ (or references its path) and logs it. */
  async addImage(image: NewImage): Promise<ImageRecord> {
    const existing = this.findByHash(image.contentHash);
    if (existing) throw new PleuraError('conflict', say('project.alreadyIn', { name: image.name }), { existingId: existing });
    const stored = await storeImage(this.path, image, (id) => this.index.byId.has(id));
    await this.commit(() => ({ action: 'import', imageId: stored.id, detail: { name: stored.name, origin: stored.origin, storage: stored.storage.mode, ...(stored.pacs ? { pacs: stored.pacs } : {}) }, change: { type: 'image', image: stored } }));
    return publicRecord(stored);
  }

  async readImageBytes(imageId: string): Promise<Uint8Array> {
    return readImageFile(this.path, this.stored(imageId));
  }

  /**
   * Saves a new immutable revision. Resolves only when both the revision file and its log record are
   * on disk, so a revision whose save returned survives any crash.
   *
   * `parentId` is the revision the caller shows (null: none); when given it must be the image's current
   * revision, else the save is refused as `conflict` carrying the current one (nothing is overwritten).
   * `source` defaults to the project's user. A model revision on an image holding user work (a user or
   * reference revision, or approval) is stored beside it and does not become current unless `replace`.
   * `id`: one taken from {@link newRevisionId} before (a prediction shown while it is saved), else a new one.
   */
  async saveRevision(imageId: string, mask: LabelMask, options: { source?: RevisionSource; parentId?: string | null; replace?: boolean; id?: string } = {}): Promise<MaskRevision> {
    const image = this.stored(imageId);
    const labelCounts = checkMask(mask, image);
    this.writable();
    const id = options.id ?? newRevisionId();
    const file = `masks/${imageId}/${id}.bin`;
    const bytes = encodeRevisionFile(mask);
    await writeFileAtomic(safeJoin(this.path, file), bytes, { exclusive: true });
    const source = options.source ?? { kind: 'user', user: this.user };
    const action = source.kind === 'model' ? 'predict' : source.kind === 'reference' ? 'import' : 'edit';
    let revision: StoredRevision | undefined;
    try {
      await this.commit(() => {
        const latestId = this.expectRevision(image, options.parentId);
        const current = source.kind !== 'model' || options.replace === true || !holdsUserWork(image, this.index.state.revisions[imageId] ?? []);
        revision = { id, imageId, createdAt: new Date().toISOString(), source, parentId: latestId, labelCounts, file, sha256: sha256Hex(bytes), widthPx: mask.widthPx, heightPx: mask.heightPx };
        return { action, imageId, detail: { revisionId: id, source, current }, change: { type: 'revision', revision, current } };
      });
    } catch (error) {
      // Without its log record the file is unreachable; remove it so a failed save leaves nothing.
      await unlink(safeJoin(this.path, file)).catch(() => undefined);
      throw error;
    }
    return publicRevision(revision as StoredRevision);
  }

  /** The given revision, or the current one; null when the image has none. Throws 'corrupt' if damaged. */
  async loadRevision(imageId: string, revisionId?: string): Promise<{ revision: MaskRevision; mask: LabelMask } | null> {
    const image = this.stored(imageId);
    const revisions = this.index.state.revisions[image.id] ?? [];
    const revision = revisions.find((r) => r.id === (revisionId ?? image.latestRevisionId));
    if (!revision) {
      if (revisionId) throw new PleuraError('not-found', say('revision.notFound', { revisionId, imageId }));
      return null;
    }
    return { revision: publicRevision(revision), mask: await readRevisionFile(this.path, revision) };
  }

  listRevisions(imageId: string): MaskRevision[] {
    return (this.index.state.revisions[this.stored(imageId).id] ?? []).map(publicRevision);
  }

  /** Updates review fields (server-side: prediction results, spacing). Status changes go through setStatus. */
  async updateImage(imageId: string, patch: ImagePatch): Promise<ImageRecord> {
    this.stored(imageId);
    const action = patch.status === 'approved' ? 'approve' : patch.status !== undefined ? 'status' : patch.predictedBy ? 'predict' : 'edit';
    await this.commit(() => ({ action, imageId, detail: { ...patch }, change: { type: 'patch', imageId, patch } }));
    return this.getImage(imageId);
  }

  /**
   * Changes the review status, logged as 'status' ('approve' for approved) with the revision it applies
   * to. With `expected`, the caller's revision must still be current (else `conflict`). Approving needs a
   * mask. With `expected.fromStatus` the change is one the app makes by itself (a predicted film opened
   * moves to in review): it applies only while the film still has that status, so it can never undo a
   * person's approval or correction that landed first; otherwise nothing is written.
   */
  async setStatus(imageId: string, status: ReviewStatus, expected?: { revisionId: string | null; fromStatus?: ReviewStatus }): Promise<ImageRecord> {
    this.stored(imageId);
    await this.commitIf(() => {
      const image = this.stored(imageId);
      if (expected?.fromStatus && image.status !== expected.fromStatus) return null;
      if (expected) this.expectRevision(image, expected.revisionId);
      if (expected && status === 'approved' && !image.latestRevisionId) throw new PleuraError('invalid-argument', say('approve.noMask', { name: image.name }));
      const action = status === 'approved' ? 'approve' : 'status';
      return { action, imageId, detail: { status, revisionId: image.latestRevisionId }, change: { type: 'patch', imageId, patch: { status } } };
    });
    return this.getImage(imageId);
  }

  /** Throws `conflict` unless `parentId` (when given) is the image's current revision; returns the current id. */
  private expectRevision(image: StoredImage, parentId: string | null | undefined): string | null {
    return expectRevision(image, this.index.state.revisions[image.id] ?? [], parentId);
  }

  private writable(): void {
    if (this.closed) throw new PleuraError('no-project', say('project.closed'));
    if (this.readOnlyReason) throw new PleuraError('forbidden', this.readOnlyReason);
  }

  async updateSettings(patch: Partial<ProjectSettings>): Promise<ProjectSettings> {
    const settings = { ...this.settings, ...patch };
    await this.commit(() => ({ action: 'settings', detail: { ...patch }, change: { type: 'settings', settings } }));
    await writeManifest(this.path, { ...this.manifest, settings });
    return settings;
  }

  /** Records an action that changes no image record (train, promote, rollback, export...). */
  async appendAudit(action: AuditEntry['action'], detail: Record<string, unknown>, imageId?: string): Promise<AuditEntry> {
    const record = await this.commit(() => ({ action, detail, ...(imageId ? { imageId } : {}) }));
    return toAuditEntry(record);
  }

  /** Audit entries, newest first. Reads the log file (the snapshot does not keep old entries). */
  async audit(options: { limit?: number; imageId?: string } = {}): Promise<AuditEntry[]> {
    await this.mutex;
    return readAudit(join(this.path, 'log.jsonl'), options);
  }

  /** Writes a derived file (uncertainty map...) under artifacts/<imageId>/<name>; names are checked. */
  async writeArtifact(imageId: string, name: string, bytes: Uint8Array): Promise<string> {
    this.stored(imageId);
    this.writable();
    return writeArtifactFile(this.path, imageId, name, bytes);
  }

  async readArtifact(imageId: string, name: string): Promise<Uint8Array | null> {
    this.stored(imageId);
    return readArtifactFile(this.path, imageId, name);
  }

  /**
   * Appends a record and applies its change, one at a time; snapshots now and then. `build` runs inside
   * the serial section, so the checks it makes (the expected revision) hold when the record is written.
   */
  private commit(build: () => Omit<LogRecord, 'seq' | 'at' | 'user'>): Promise<LogRecord> {
    return this.commitIf(build) as Promise<LogRecord>;
  }

  /** As `commit`, but `build` may decide (inside the serial section) that there is nothing to write. */
  private commitIf(build: () => Omit<LogRecord, 'seq' | 'at' | 'user'> | null): Promise<LogRecord | null> {
    return this.serial(async () => {
      this.writable();
      const record = build();
      if (!record) return null;
      const full = await this.log.append({ at: new Date().toISOString(), user: this.user, ...record });
      if (record.change) applyChange(this.index, record.change);
      if (this.log.seq - this.snapshotSeq >= snapshotEvery) await this.snapshot().catch(() => undefined);
      const changed = changedImages(record.change);
      if (changed.length) this.onChange?.(changed, Object.fromEntries(changed.map((imageId) => [imageId, this.index.byId.get(imageId)?.latestRevisionId ?? null])));
      return full;
    });
  }

  private serial<T>(run: () => Promise<T>): Promise<T> {
    const result = this.mutex.then(run, run);
    this.mutex = result.catch(() => undefined);
    return result;
  }

  private async snapshot(): Promise<void> {
    const last = this.log.lastRecord;
    await writeSnapshot(this.path, { seq: this.log.seq, logOffset: this.log.size, lastRecordOffset: last.offset, lastRecordCrc: last.crc, state: this.index.state });
    this.snapshotSeq = this.log.seq;
  }
}

