import { open, readFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import type { ImageRecord, ProjectSettings } from '../../../src-shared/api/project';
import { say } from '../../../src-shared/api/text';
import type { LabelMask, MaskRevision } from '../../../src-shared/api/masks';
import { PleuraError } from '../../../src-shared/api/result';
import { ioFailure, safeJoin } from './durable';
import { readManifest, readSnapshot } from './files';
import { decodeLine } from './log';
import { decodeRevisionFile } from './revision-file';
import { ProjectIndex, applyChange, emptyState, publicRecord, publicRevision, type LogRecord, type StoredImage } from './state';

/**
 * A read-only view of a project at one point of its log, for reading while another process has the
 * project open (`pleura export` next to the workstation). It takes no lock and writes nothing: it
 * reads the snapshot (if its offset and sequence agree with the log) and the log's whole records
 * after it, up to the last complete line at the moment of reading (a record being appended by the
 * owner is not yet there). Revision files and copied images are immutable once logged, so what the
 * view lists stays readable. Damage (a bad record followed by good ones) is refused as the store does.
 */
export class SnapshotView {
  private constructor(
    readonly path: string,
    private readonly index: ProjectIndex,
    /** Sequence number of the last log record in the view. */
    readonly seq: number,
  ) {}

  static async open(path: string): Promise<SnapshotView> {
    const root = resolve(path);
    await readManifest(root);
    const logPath = join(root, 'log.jsonl');
    const bytes = await readLogBytes(logPath);
    const read = await readSnapshot(root);
    const snapshot = read.kind === 'ok' ? read.snapshot : null;
    if (snapshot && snapshot.logOffset <= bytes.length && (snapshot.logOffset === 0 || bytes[snapshot.logOffset - 1] === 0x0a)) {
      const tail = wholeRecords(bytes, snapshot.logOffset);
      if (tail.length === 0 || tail[0].seq === snapshot.seq + 1) {
        const index = new ProjectIndex(snapshot.state);
        for (const record of tail) if (record.change) applyChange(index, record.change);
        return new SnapshotView(root, index, tail.at(-1)?.seq ?? snapshot.seq);
      }
    }
    const records = wholeRecords(bytes, 0);
    const index = new ProjectIndex(emptyState());
    for (const record of records) if (record.change) applyChange(index, record.change);
    return new SnapshotView(root, index, records.at(-1)?.seq ?? 0);
  }

  get name(): string {
    return this.index.state.name;
  }

  get settings(): ProjectSettings {
    return { ...this.index.state.settings };
  }

  listImages(): ImageRecord[] {
    return this.index.state.images.map(publicRecord);
  }

  stored(imageId: string): StoredImage {
    const image = this.index.byId.get(imageId);
    if (!image) throw new PleuraError('not-found', say('project.noImage', { imageId }));
    return image;
  }

  /** The current revision of the image in this view, or null; throws 'corrupt' if its file is damaged. */
  async loadRevision(imageId: string): Promise<{ revision: MaskRevision; mask: LabelMask } | null> {
    const image = this.stored(imageId);
    // The current mask, not the last revision: a prediction kept beside a person's work comes later.
    const revision = this.index.state.revisions[image.id]?.find((r) => r.id === image.latestRevisionId);
    if (!revision) return null;
    const bytes = await readFile(safeJoin(this.path, revision.file)).catch((error: unknown) => {
      throw (error as NodeJS.ErrnoException).code === 'ENOENT' ? new PleuraError('corrupt', say('revision.missing', { revisionId: revision.id })) : ioFailure(error, revision.file);
    });
    return { revision: publicRevision(revision), mask: decodeRevisionFile(bytes, revision.sha256) };
  }

  async readImageBytes(imageId: string): Promise<Uint8Array> {
    const image = this.stored(imageId);
    const path = image.storage.mode === 'copy' ? safeJoin(this.path, image.storage.file) : image.storage.path;
    try {
      return new Uint8Array(await readFile(path));
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') throw new PleuraError('not-found', say('image.fileMoved', { name: image.name, path }));
      throw ioFailure(error, path);
    }
  }
}

async function readLogBytes(path: string): Promise<Buffer> {
  const handle = await open(path, 'r').catch((error: unknown) => {
    throw (error as NodeJS.ErrnoException).code === 'ENOENT' ? new PleuraError('corrupt', say('project.noLog')) : ioFailure(error, 'log.jsonl');
  });
  try {
    // One size, read once: later appends by the owner are after this point and not in the view.
    const { size } = await handle.stat();
    const bytes = Buffer.alloc(size);
    let read = 0;
    while (read < size) {
      const { bytesRead } = await handle.read(bytes, read, size - read, read);
      if (bytesRead === 0) break;
      read += bytesRead;
    }
    return bytes.subarray(0, read);
  } finally {
    await handle.close();
  }
}

/**
 * The whole records from `offset` on, in sequence. A line without its newline (being written) or a
 * bad last line (a torn write the owner will cut off) ends the view; a bad line followed by good
 * ones is damage and is refused.
 */
function wholeRecords(bytes: Buffer, offset: number): LogRecord[] {
  const records: LogRecord[] = [];
  let position = offset;
  let badAt: number | null = null;
  while (position < bytes.length) {
    const end = bytes.indexOf(0x0a, position);
    if (end === -1) break;
    const record = decodeLine<LogRecord>(bytes.toString('utf8', position, end));
    const inSequence = record && (records.length === 0 || record.seq === records[records.length - 1].seq + 1);
    if (record && badAt !== null) throw new PleuraError('corrupt', say('project.logDamagedAt', { byte: badAt }));
    if (inSequence) records.push(record);
    else badAt ??= position;
    position = end + 1;
  }
  return records;
}
