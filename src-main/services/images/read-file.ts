import { constants } from 'node:fs';
import { open, stat, type FileHandle } from 'node:fs/promises';
import { PleuraError } from '../../../src-shared/api/result';
import { say, type ServerText } from '../../../src-shared/api/text';
import { MAX_FILE_BYTES, READ_TIMEOUT_MS } from './limits';

/** Bytes read per call: a deadline is checked between calls. */
const READ_CHUNK_BYTES = 8 * 2 ** 20;

export interface ReadOptions {
  /** Largest file accepted (default {@link MAX_FILE_BYTES}). */
  maxBytes?: number;
  /** How long reading may take in all (default {@link READ_TIMEOUT_MS}). */
  timeoutMs?: number;
  /** How the file is named in messages (default: the path). */
  label?: string;
}

function kindOf(info: { isDirectory(): boolean; isFIFO(): boolean; isSocket(): boolean; isCharacterDevice(): boolean; isBlockDevice(): boolean }): ServerText {
  if (info.isDirectory()) return say('file.kindFolder');
  if (info.isFIFO()) return say('file.kindFifo');
  if (info.isSocket()) return say('file.kindSocket');
  if (info.isCharacterDevice() || info.isBlockDevice()) return say('file.kindDevice');
  return say('file.kindOther');
}

function ioError(label: string, error: unknown): PleuraError {
  const code = (error as NodeJS.ErrnoException).code;
  if (code === 'ENOENT' || code === 'ENOTDIR') return new PleuraError('not-found', say('file.noSuchFile', { file: label }));
  if (code === 'EACCES' || code === 'EPERM') return new PleuraError('io', say('file.permissionDenied', { file: label }));
  if (code === 'EISDIR') return new PleuraError('invalid-argument', say('file.isFolder', { file: label }));
  return new PleuraError('io', say('file.unreadable', { file: label, code: code ?? 'error' }));
}

/**
 * Reads a whole regular file, refusing everything else before it can block or fill memory: folders,
 * devices (/dev/zero never ends), FIFOs (opening one waits for a writer, holding an I/O thread) and
 * sockets are refused by type; the file is opened non-blocking and checked again on the open handle
 * (so a swap after the first check changes nothing); files over `maxBytes` are refused by size, files
 * that grow past it while read are refused too, and reading stops at the deadline.
 * @throws PleuraError with a one-line message naming the file, never quoting its contents.
 */
export async function readRegularFile(path: string, options: ReadOptions = {}): Promise<Uint8Array> {
  const label = options.label ?? path;
  const maxBytes = options.maxBytes ?? MAX_FILE_BYTES;
  const deadline = Date.now() + (options.timeoutMs ?? READ_TIMEOUT_MS);
  const before = await stat(path).catch((error: unknown) => {
    throw ioError(label, error);
  });
  if (!before.isFile()) throw new PleuraError('invalid-argument', say('file.notRegular', { file: label, kind: kindOf(before) }));
  let handle: FileHandle;
  try {
    handle = await open(path, constants.O_RDONLY | constants.O_NONBLOCK | (constants.O_NOCTTY ?? 0));
  } catch (error) {
    throw ioError(label, error);
  }
  try {
    const info = await handle.stat();
    if (!info.isFile()) throw new PleuraError('invalid-argument', say('file.notRegular', { file: label, kind: kindOf(info) }));
    if (info.size > maxBytes) throw tooLarge(label, info.size, maxBytes);
    const bytes = new Uint8Array(info.size);
    let filled = 0;
    while (filled < bytes.length) {
      if (Date.now() > deadline) throw new PleuraError('io', say('file.readTimeout', { file: label, seconds: Math.round((options.timeoutMs ?? READ_TIMEOUT_MS) / 1000) }));
      const { bytesRead } = await handle.read(bytes, filled, Math.min(READ_CHUNK_BYTES, bytes.length - filled), filled);
      if (bytesRead === 0) break;
      filled += bytesRead;
    }
    // a file that kept growing while read: one more byte means it is no longer the size we sized for
    const { bytesRead: extra } = await handle.read(new Uint8Array(1), 0, 1, filled);
    if (extra > 0) throw new PleuraError('io', say('file.changed', { file: label }));
    return filled === bytes.length ? bytes : bytes.subarray(0, filled);
  } catch (error) {
    if (error instanceof PleuraError) throw error;
    throw ioError(label, error);
  } finally {
    await handle.close().catch(() => undefined);
  }
}

function tooLarge(label: string, sizeBytes: number, maxBytes: number): PleuraError {
  return new PleuraError('unsupported', say('file.tooLarge', { file: label, sizeMiB: Math.round(sizeBytes / 2 ** 20), maxMiB: Math.round(maxBytes / 2 ** 20) }));
}
