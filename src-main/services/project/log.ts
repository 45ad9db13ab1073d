import { open, type FileHandle } from 'node:fs/promises';
import { crc32 } from 'node:zlib';
import { PleuraError } from '../../../src-shared/api/result';
import { say } from '../../../src-shared/api/text';
import { ioFailure, writeAll } from './durable';

/** A record as stored: anything JSON with a sequence number, which the log assigns. */
export interface Sequenced {
  seq: number;
}

/** What opening found: the records after `fromOffset`, and how many torn bytes were cut off the end. */
export interface LogReadResult<T> {
  records: T[];
  truncatedBytes: number;
  /** Where the cut-off bytes were saved (null when none were cut, or the log is open read-only). */
  damagedTailSavedAs: string | null;
  /** True when the cut-off tail held at least one whole line: a damaged record, not only a torn write. */
  damagedTailComplete: boolean;
  /** CRC of the first record read (null when none), to check a snapshot against the log. */
  firstCrc: number | null;
  /** Byte size of the log after recovery. */
  size: number;
}

const newline = 0x0a;

/** One line: the record's JSON with a `crc` field (CRC-32 of the JSON without it) appended. */
export function encodeLine(record: object): string {
  const json = JSON.stringify(record);
  return `${json.slice(0, -1)}${json.length > 2 ? ',' : ''}"crc":${crc32(json)}}\n`;
}

/** Parses one line; null when it is not a whole, intact record (torn or corrupt). */
export function decodeLine<T>(line: string): T | null {
  return decodeLineWithCrc<T>(line)?.record ?? null;
}

/** Like {@link decodeLine}, also giving the record's CRC. */
export function decodeLineWithCrc<T>(line: string): { record: T; crc: number } | null {
  let parsed: unknown;
  try {
    parsed = JSON.parse(line);
  } catch {
    return null;
  }
  if (typeof parsed !== 'object' || parsed === null || !('crc' in parsed)) return null;
  const { crc, ...rest } = parsed as Record<string, unknown>;
  return crc32(JSON.stringify(rest)) === crc ? { record: rest as T, crc } : null;
}

/**
 * An append-only file of JSON lines, each with its own checksum, each fsync'd before `append`
 * resolves. A crash can only tear the record being written, always the last; opening detects it and
 * truncates it away, keeping every earlier record. A bad record followed by good ones is not a torn
 * write but damage, and is refused rather than silently skipped.
 */
export class AppendLog<T extends Sequenced> {
  private queue: Promise<unknown> = Promise.resolve();

  private constructor(
    readonly path: string,
    private handle: FileHandle,
    private sizeBytes: number,
    private lastSeq: number,
    private lastStart: number,
    private lastCrcValue: number,
    /** Opened without write access: appends are refused. */
    readonly readOnly: boolean,
  ) {}

  get size(): number {
    return this.sizeBytes;
  }

  /** Byte offset where the last record starts, and its CRC (for snapshots). */
  get lastRecord(): { offset: number; crc: number } {
    return { offset: this.lastStart, crc: this.lastCrcValue };
  }

  get seq(): number {
    return this.lastSeq;
  }

  /** Creates an empty log; fails if one exists. */
  static async create<T extends Sequenced>(path: string): Promise<AppendLog<T>> {
    const handle = await open(path, 'wx+').catch((error: unknown) => {
      throw ioFailure(error, 'log.jsonl');
    });
    await handle.sync();
    return new AppendLog<T>(path, handle, 0, 0, 0, 0, false);
  }

  /**
   * Opens a log and reads its records from `fromOffset` (a snapshot's offset, 0 for all), recovering a
   * torn tail. `afterSeq` is the sequence number of the last record before `fromOffset`. A bad tail is
   * handed to `saveTail` (which keeps it in a side file) before it is cut off; `readOnly` opens without
   * write access and cuts nothing.
   */
  static async open<T extends Sequenced>(path: string, options: { fromOffset: number; afterSeq: number; readOnly?: boolean; saveTail?: (bytes: Buffer) => Promise<string> }): Promise<{ log: AppendLog<T> } & LogReadResult<T>> {
    const readOnly = options.readOnly ?? false;
    const handle = await open(path, readOnly ? 'r' : 'r+').catch((error: unknown) => {
      throw (error as NodeJS.ErrnoException).code === 'ENOENT' ? new PleuraError('corrupt', say('project.noLog')) : ioFailure(error, 'log.jsonl');
    });
    try {
      const { size } = await handle.stat();
      const start = Math.min(options.fromOffset, size);
      const bytes = Buffer.alloc(size - start);
      if (bytes.length) await handle.read(bytes, 0, bytes.length, start);
      const parsed = parseRecords<T>(bytes, start);
      const { records, goodBytes } = parsed;
      const truncatedBytes = bytes.length - goodBytes;
      let damagedTailSavedAs: string | null = null;
      if (truncatedBytes > 0 && !readOnly) {
        // Kept aside before it is cut: a damaged record is evidence, never silently deleted.
        if (options.saveTail) damagedTailSavedAs = await options.saveTail(bytes.subarray(goodBytes));
        await handle.truncate(start + goodBytes);
        await handle.sync();
      }
      const lastSeq = records.length ? records[records.length - 1].seq : options.afterSeq;
      const log = new AppendLog<T>(path, handle, start + goodBytes, lastSeq, parsed.lastStart, parsed.lastCrc, readOnly);
      const damagedTailComplete = bytes.subarray(goodBytes).includes(newline);
      return { log, records, truncatedBytes, damagedTailSavedAs, damagedTailComplete, firstCrc: parsed.firstCrc, size: start + goodBytes };
    } catch (error) {
      await handle.close();
      throw error;
    }
  }

  /**
   * Appends one record (its `seq` is assigned here) and resolves once it is on disk. Appends are
   * serialised. On failure (disk full) the partial line is cut off again, so the log stays whole.
   */
  append(record: Omit<T, 'seq'>): Promise<T> {
    const run = async (): Promise<T> => {
      if (this.readOnly) throw new PleuraError('forbidden', say('project.readOnlySave'));
      const full = { seq: this.lastSeq + 1, ...record } as T;
      const line = encodeLine(full);
      const bytes = Buffer.from(line, 'utf8');
      try {
        await writeAll(this.handle, bytes, this.sizeBytes);
        await this.handle.datasync();
      } catch (error) {
        await this.handle.truncate(this.sizeBytes).catch(() => undefined);
        throw ioFailure(error, 'the project log');
      }
      this.lastStart = this.sizeBytes;
      this.lastCrcValue = crc32(JSON.stringify(full));
      this.sizeBytes += bytes.length;
      this.lastSeq = full.seq;
      return full;
    };
    const result = this.queue.then(run, run);
    this.queue = result.catch(() => undefined);
    return result;
  }

  async close(): Promise<void> {
    await this.queue;
    await this.handle.close();
  }
}

interface Parsed<T> {
  records: T[];
  goodBytes: number;
  firstCrc: number | null;
  /** Absolute offset and CRC of the last good record (0, 0 when none). */
  lastStart: number;
  lastCrc: number;
}

/** Splits bytes into records; stops at the first bad or unterminated line if only bad lines follow. */
function parseRecords<T extends Sequenced>(bytes: Buffer, baseOffset: number): Parsed<T> {
  const records: T[] = [];
  let position = 0;
  let goodBytes = 0;
  let badAt: number | null = null;
  let firstCrc: number | null = null;
  let lastStart = 0;
  let lastCrc = 0;
  while (position < bytes.length) {
    const end = bytes.indexOf(newline, position);
    if (end === -1) break; // unterminated: a torn last write
    const decoded = decodeLineWithCrc<T>(bytes.toString('utf8', position, end));
    const record = decoded?.record ?? null;
    if (decoded && record && badAt === null && (records.length === 0 || record.seq === records[records.length - 1].seq + 1)) {
      records.push(record);
      goodBytes = end + 1;
      firstCrc ??= decoded.crc;
      lastStart = baseOffset + position;
      lastCrc = decoded.crc;
    } else if (record && badAt !== null) {
      throw new PleuraError('corrupt', say('project.logDamagedAt', { byte: baseOffset + badAt }));
    } else if (badAt === null) {
      badAt = position;
    }
    position = end + 1;
  }
  return { records, goodBytes, firstCrc, lastStart, lastCrc };
}
