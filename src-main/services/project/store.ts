import { mkdir, readFile, readdir, unlink } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { randomBytes } from 'node:crypto';
import { userInfo } from 'node:os';
import type { AuditEntry, ImageRecord, ProjectSettings, ProjectSummary, ReviewStatus } from '../../../src-shared/api/project';
import type { LabelMask, MaskRevision, RevisionSource } from '../../../src-shared/api/masks';
import { PleuraError } from '../../../src-shared/api/result';
import { ioFailure, safeJoin, writeFileAtomic } from './durable';
import { AppendLog, decodeLine } from './log';
import { countLabels, decodeRevisionFile, encodeRevisionFile, sha256Hex } from './revision-file';
import { ProjectIndex, applyChange, emptyState, publicRecord, publicRevision, type Change, type ImagePatch, type LogRecord, type StoredImage, type StoredRevision } from './state';
import { acquireLock, readManifest, readSnapshot, writeManifest, writeSnapshot, type ProjectManifest, projectFormatVersion } from './files';
import type { NewImage } from './add-image';
import { storeImage } from './add-image';

/** Records between snapshots: bounds the log tail replayed on open. */
const snapshotEvery = 1000;

/**
 * One open project folder. The log (log.jsonl) is both the metadata store and the audit trail; the
 * in-memory state is its replay. Every mutation is serialised, durable on disk before it resolves,
 * and then applied in memory. See docs/storage.md.
 */
export class ProjectStore {
  /** Called with the ids of images whose record changed (the session turns it into an event). */
  onChange: ((imageIds: string[]) => void) | null = null;
  private mutex: Promise<unknown> = Promise.resolve();
  private snapshotSeq: number;
  private closed = false;

  private constructor(
    readonly path: string,
    private readonly manifest: ProjectManifest,
    private readonly index: ProjectIndex,
    private readonly log: AppendLog<LogRecord>,
    snapshotSeq: number,
    private readonly releaseLock: () => Promise<void>,
    /** Bytes cut off a torn log tail when the project was opened (0 normally). */
    readonly recoveredBytes: number,
  ) {
    this.snapshotSeq = snapshotSeq;
  }

  /** Creates a project in an empty or missing folder. */
  static async create(path: string, options: { name?: string; copyImages?: boolean; userName?: string } = {}): Promise<ProjectStore> {
    const root = resolve(path);
    await mkdir(root, { recursive: true }).catch((error: unknown) => {
      throw ioFailure(error, root);
    });
    const entries = await readdir(root);
    if (entries.length) throw new PleuraError('conflict', `The folder ${root} is not empty; choose an empty folder for a new project.`);
    for (const dir of ['images', 'masks', 'artifacts', 'models']) await mkdir(join(root, dir));
    const settings: ProjectSettings = { copyImages: options.copyImages ?? true, userName: options.userName ?? defaultUser() };
    const name = options.name?.trim() || root.split(/[\\/]/).filter(Boolean).pop() || 'Project';
    const createdAt = new Date().toISOString();
    const manifest: ProjectManifest = { format: 'pleura-project', formatVersion: projectFormatVersion, name, createdAt, settings };
    const log = await AppendLog.create<LogRecord>(join(root, 'log.jsonl'));
    await log.append({ at: createdAt, user: settings.userName, action: 'create', detail: { name }, change: { type: 'create', name, createdAt, settings } });
    await log.close();
    await writeManifest(root, manifest);
    return ProjectStore.open(root);
  }

  /** Opens a project: checks its version, loads the snapshot, replays the log's tail. */
  static async open(path: string): Promise<ProjectStore> {
    const root = resolve(path);
    const manifest = await readManifest(root);
    const releaseLock = await acquireLock(root);
    try {
      const snapshot = await readSnapshot(root);
      let opened = snapshot ? await AppendLog.open<LogRecord>(join(root, 'log.jsonl'), { fromOffset: snapshot.logOffset, afterSeq: snapshot.seq }).catch(() => null) : null;
      if (opened && snapshot && (opened.size < snapshot.logOffset || (opened.records.length > 0 && opened.records[0].seq !== snapshot.seq + 1))) {
        await opened.log.close();
        opened = null;
      }
      const useSnapshot = !!(opened && snapshot);
      opened ??= await AppendLog.open<LogRecord>(join(root, 'log.jsonl'), { fromOffset: 0, afterSeq: 0 });
      const index = new ProjectIndex(useSnapshot && snapshot ? snapshot.state : emptyState());
      for (const record of opened.records) if (record.change) applyChange(index, record.change);
      const store = new ProjectStore(root, manifest, index, opened.log, useSnapshot && snapshot ? snapshot.seq : 0, releaseLock, opened.truncatedBytes);
      if (opened.log.seq - store.snapshotSeq >= snapshotEvery / 2) await store.snapshot();
      return store;
    } catch (error) {
      await releaseLock();
      throw error;
    }
  }

  /** Writes a snapshot if anything changed since the last one, then releases the folder. */
  async close(): Promise<void> {
    if (this.closed) return;
    await this.serial(async () => {
      if (this.log.seq !== this.snapshotSeq) await this.snapshot();
      this.closed = true;
      await this.log.close();
    });
    await this.releaseLock();
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
    return { path: this.path, name: state.name, formatVersion: this.manifest.formatVersion, imageCount: state.images.length, createdAt: state.createdAt, settings: { ...state.settings } };
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
    if (!image) throw new PleuraError('not-found', `No image ${imageId} in this project.`);
    return image;
  }

  /** The id of the image with this content sha256, if any. */
  findByHash(sha256: string): string | undefined {
    return this.index.byHash.get(sha256);
  }

  /** Adds an image: copies its bytes into images/ (or references its path) and logs it. */
  async addImage(image: NewImage): Promise<ImageRecord> {
    const existing = this.findByHash(image.contentHash);
    if (existing) throw new PleuraError('conflict', `${image.name} is already in the project.`, { existingId: existing });
    const stored = await storeImage(this.path, image, (id) => this.index.byId.has(id));
    await this.commit({ action: 'import', imageId: stored.id, detail: { name: stored.name, origin: stored.origin, storage: stored.storage.mode, ...(stored.pacs ? { pacs: stored.pacs } : {}) }, change: { type: 'image', image: stored } });
    return publicRecord(stored);
  }

  async readImageBytes(imageId: string): Promise<Uint8Array> {
    const image = this.stored(imageId);
    const path = image.storage.mode === 'copy' ? safeJoin(this.path, image.storage.file) : image.storage.path;
    try {
      return new Uint8Array(await readFile(path));
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') throw new PleuraError('not-found', `The image file of ${image.name} was moved or deleted (${path}).`);
      throw ioFailure(error, path);
    }
  }

  /**
   * Saves a new immutable revision. Resolves only when both the revision file and its log record are
   * on disk, so a revision whose save returned survives any crash.
   */
  async saveRevision(imageId: string, mask: LabelMask, options: { source?: RevisionSource; parentId?: string | null } = {}): Promise<MaskRevision> {
    const image = this.stored(imageId);
    if (mask.widthPx !== image.widthPx || mask.heightPx !== image.heightPx) {
      throw new PleuraError('invalid-argument', `Mask is ${mask.widthPx}x${mask.heightPx} but ${image.name} is ${image.widthPx}x${image.heightPx}.`);
    }
    if (mask.data.length !== mask.widthPx * mask.heightPx) throw new PleuraError('invalid-argument', 'Mask data length must be widthPx * heightPx.');
    const id = `${Date.now().toString(36).padStart(9, '0')}-${randomBytes(5).toString('hex')}`;
    const file = `masks/${imageId}/${id}.bin`;
    const bytes = encodeRevisionFile(mask);
    await writeFileAtomic(safeJoin(this.path, file), bytes, { exclusive: true });
    const source = options.source ?? { kind: 'user', user: this.settings.userName };
    const parentId = options.parentId === undefined ? image.latestRevisionId : options.parentId;
    const revision: StoredRevision = { id, imageId, createdAt: new Date().toISOString(), source, parentId, labelCounts: countLabels(mask.data), file, sha256: sha256Hex(bytes), widthPx: mask.widthPx, heightPx: mask.heightPx };
    const action = source.kind === 'model' ? 'predict' : source.kind === 'reference' ? 'import' : 'edit';
    try {
      await this.commit({ action, imageId, detail: { revisionId: id, source }, change: { type: 'revision', revision } });
    } catch (error) {
      // Without its log record the file is unreachable; remove it so a failed save leaves nothing.
      await unlink(safeJoin(this.path, file)).catch(() => undefined);
      throw error;
    }
    return publicRevision(revision);
  }

  /** The given revision, or the latest; null when the image has none. Throws 'corrupt' if damaged. */
  async loadRevision(imageId: string, revisionId?: string): Promise<{ revision: MaskRevision; mask: LabelMask } | null> {
    const revisions = this.index.state.revisions[this.stored(imageId).id] ?? [];
    const revision = revisionId ? revisions.find((r) => r.id === revisionId) : revisions.at(-1);
    if (!revision) {
      if (revisionId) throw new PleuraError('not-found', `No revision ${revisionId} for image ${imageId}.`);
      return null;
    }
    const bytes = await readFile(safeJoin(this.path, revision.file)).catch((error: unknown) => {
      throw (error as NodeJS.ErrnoException).code === 'ENOENT' ? new PleuraError('corrupt', `Mask revision ${revision.id} is missing from the project folder.`) : ioFailure(error, revision.file);
    });
    return { revision: publicRevision(revision), mask: decodeRevisionFile(bytes, revision.sha256) };
  }

  listRevisions(imageId: string): MaskRevision[] {
    return (this.index.state.revisions[this.stored(imageId).id] ?? []).map(publicRevision);
  }

  /** Updates review fields. A status change is logged as 'status' ('approve' for approved). */
  async updateImage(imageId: string, patch: ImagePatch): Promise<ImageRecord> {
    this.stored(imageId);
    const action = patch.status === 'approved' ? 'approve' : patch.status !== undefined ? 'status' : patch.predictedBy ? 'predict' : 'edit';
    await this.commit({ action, imageId, detail: { ...patch }, change: { type: 'patch', imageId, patch } });
    return this.getImage(imageId);
  }

  setStatus(imageId: string, status: ReviewStatus): Promise<ImageRecord> {
    return this.updateImage(imageId, { status });
  }

  async updateSettings(patch: Partial<ProjectSettings>): Promise<ProjectSettings> {
    const settings = { ...this.settings, ...patch };
    await this.commit({ action: 'settings', detail: { ...patch }, change: { type: 'settings', settings } });
    await writeManifest(this.path, { ...this.manifest, settings });
    return settings;
  }

  /** Records an action that changes no image record (train, promote, rollback, export...). */
  async appendAudit(action: AuditEntry['action'], detail: Record<string, unknown>, imageId?: string): Promise<AuditEntry> {
    const record = await this.commit({ action, detail, ...(imageId ? { imageId } : {}) });
    return toAuditEntry(record);
  }

  /** Audit entries, newest first. Reads the log file (the snapshot does not keep old entries). */
  async audit(options: { limit?: number; imageId?: string } = {}): Promise<AuditEntry[]> {
    await this.mutex;
    const text = await readFile(join(this.path, 'log.jsonl'), 'utf8');
    const entries: AuditEntry[] = [];
    for (const line of text.split('\n')) {
      const record = line ? decodeLine<LogRecord>(line) : null;
      if (record && (!options.imageId || record.imageId === options.imageId)) entries.push(toAuditEntry(record));
    }
    entries.reverse();
    return options.limit ? entries.slice(0, options.limit) : entries;
  }

  /** Writes a derived file (uncertainty map...) under artifacts/<imageId>/<name>; names are checked. */
  async writeArtifact(imageId: string, name: string, bytes: Uint8Array): Promise<string> {
    this.stored(imageId);
    const path = safeJoin(this.path, 'artifacts', imageId, name);
    await writeFileAtomic(path, bytes);
    return path;
  }

  async readArtifact(imageId: string, name: string): Promise<Uint8Array | null> {
    this.stored(imageId);
    const path = safeJoin(this.path, 'artifacts', imageId, name);
    return readFile(path).then((b) => new Uint8Array(b), (error: unknown) => {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null;
      throw ioFailure(error, path);
    });
  }

  /** Appends a record and applies its change, one at a time; snapshots now and then. */
  private commit(record: Omit<LogRecord, 'seq' | 'at' | 'user'>): Promise<LogRecord> {
    return this.serial(async () => {
      if (this.closed) throw new PleuraError('no-project', 'The project was closed.');
      const full = await this.log.append({ at: new Date().toISOString(), user: this.index.state.settings.userName, ...record });
      if (record.change) applyChange(this.index, record.change);
      if (this.log.seq - this.snapshotSeq >= snapshotEvery) await this.snapshot().catch(() => undefined);
      const changed = changedImages(record.change);
      if (changed.length) this.onChange?.(changed);
      return full;
    });
  }

  private serial<T>(run: () => Promise<T>): Promise<T> {
    const result = this.mutex.then(run, run);
    this.mutex = result.catch(() => undefined);
    return result;
  }

  private async snapshot(): Promise<void> {
    await writeSnapshot(this.path, { seq: this.log.seq, logOffset: this.log.size, state: this.index.state });
    this.snapshotSeq = this.log.seq;
  }
}

function changedImages(change: Change | undefined): string[] {
  if (!change) return [];
  if (change.type === 'image') return [change.image.id];
  if (change.type === 'revision') return [change.revision.imageId];
  if (change.type === 'patch') return [change.imageId];
  return [];
}

function toAuditEntry(record: LogRecord): AuditEntry {
  const entry: AuditEntry = { seq: record.seq, at: record.at, user: record.user, action: record.action, detail: record.detail };
  if (record.imageId) entry.imageId = record.imageId;
  return entry;
}

function defaultUser(): string {
  try {
    return userInfo().username;
  } catch {
    return 'user';
  }
}
