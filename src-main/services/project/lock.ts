import { open, readFile, unlink, type FileHandle } from 'node:fs/promises';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { PleuraError } from '../../../src-shared/api/result';
import { say, type ServerText } from '../../../src-shared/api/text';
import { fsyncDir, ioFailure, writeAll } from './durable';

/** Who holds a project's `.lock`, as written there. */
export interface LockHolder {
  pid: number;
  host: string;
  user: string;
  /** ISO time the lock was taken. */
  at: string;
}

/** What taking the lock gave: a release function, or a read-only open when the folder cannot be written. */
export interface LockOutcome {
  release: () => Promise<void>;
  /** True when the lock could not be written (read-only or full disk): open the project read-only. */
  readOnly: boolean;
  warnings: ServerText[];
}

/** Error codes that mean "this folder cannot be written now" (read-only medium, permissions, full disk). */
export const unwritableCodes = new Set(['EROFS', 'EACCES', 'EPERM', 'ENOSPC', 'EDQUOT']);

/** Project folders this process holds locked (a second open in the same process is refused). */
const heldHere = new Set<string>();

function describe(holder: LockHolder): ServerText {
  const user = holder.user || say('lock.userUnknown');
  return holder.at ? say('lock.holderSince', { user, pid: String(holder.pid), sinceAt: holder.at }) : say('lock.holder', { user, pid: String(holder.pid) });
}

/** Parses a lock file; null when it is empty or garbled (a crash while it was written). */
export function parseLock(text: string): LockHolder | null {
  try {
    const raw = JSON.parse(text) as Partial<LockHolder>;
    if (typeof raw !== 'object' || raw === null || !Number.isInteger(raw.pid) || typeof raw.host !== 'string' || !raw.host) return null;
    return { pid: raw.pid as number, host: raw.host, user: typeof raw.user === 'string' ? raw.user : '', at: typeof raw.at === 'string' ? raw.at : '' };
  } catch {
    return null;
  }
}

/**
 * Takes the project's lock so that two processes never append to one log. The lock names its holder
 * (pid, host, user, time) and is fsync'd. A lock of a live process on this host, or of any process on
 * another host (a shared folder: we cannot tell whether it still runs), is refused as `conflict` naming
 * the holder; `breakLock` takes a foreign one over deliberately. A lock of a dead local process, or an
 * empty or garbled one, is stale: taken over with a warning. When the folder cannot be written (read-only
 * medium, permissions, full disk) the outcome is `readOnly`, with a warning, instead of a failure.
 */
export async function acquireLock(root: string, options: { user: string; breakLock?: boolean }): Promise<LockOutcome> {
  const path = join(root, '.lock');
  const mine: LockHolder = { pid: process.pid, host: hostname(), user: options.user, at: new Date().toISOString() };
  const text = JSON.stringify(mine);
  const warnings: ServerText[] = [];
  for (let attempt = 0; attempt < 3; attempt++) {
    let handle: FileHandle | undefined;
    try {
      handle = await open(path, 'wx');
      await writeAll(handle, Buffer.from(text), 0);
      await handle.sync();
      await handle.close();
      handle = undefined;
      await fsyncDir(root);
      heldHere.add(root);
      return { release: () => releaseLock(root, text), readOnly: false, warnings };
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code ?? '';
      if (handle) {
        // Created but not written (full disk): an empty lock would only confuse the next open.
        await handle.close().catch(() => undefined);
        await unlink(path).catch(() => undefined);
      }
      if (unwritableCodes.has(code)) {
        const why = code === 'ENOSPC' || code === 'EDQUOT' ? say('lock.whyDiskFull') : say('lock.whyUnwritable');
        warnings.push(say('lock.readOnly', { why }));
        return { release: async () => undefined, readOnly: true, warnings };
      }
      if (code !== 'EEXIST') throw ioFailure(error, '.lock');
    }
    const existing = await readFile(path, 'utf8').catch(() => '');
    const holder = parseLock(existing);
    if (!holder) {
      warnings.push(say('lock.emptyTakenOver'));
    } else if (holder.host !== mine.host) {
      if (!options.breakLock) {
        throw new PleuraError('conflict', say('lock.otherComputer', { host: holder.host, holder: describe(holder) }), { lock: holder, foreignHost: true });
      }
      warnings.push(say('lock.broken', { host: holder.host, holder: describe(holder) }));
    } else if (heldHere.has(root)) {
      throw new PleuraError('conflict', say('lock.openHere'), { lock: holder });
    } else if (holder.pid !== process.pid && isAlive(holder.pid)) {
      throw new PleuraError('conflict', say('lock.otherProcess', { holder: describe(holder) }), { lock: holder });
    } else {
      warnings.push(say('lock.staleTakenOver', { pid: String(holder.pid), user: holder.user || say('common.unknownUser') }));
    }
    await unlink(path).catch(() => undefined);
  }
  throw new PleuraError('conflict', say('lock.cannotLock'));
}

async function releaseLock(root: string, text: string): Promise<void> {
  heldHere.delete(root);
  const path = join(root, '.lock');
  const current = await readFile(path, 'utf8').catch(() => '');
  if (current !== text) return;
  await unlink(path).catch(() => undefined);
  await fsyncDir(root).catch(() => undefined);
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}
