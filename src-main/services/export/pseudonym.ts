import { createHmac, randomBytes } from 'node:crypto';
import { link, open, readFile, unlink } from 'node:fs/promises';
import { join } from 'node:path';
import { PleuraError } from '../../../src-shared/api/result';
import { say } from '../../../src-shared/api/text';
import { ioFailure } from '../project/durable';
import { canLog, type ExportSource } from './export';

/** The project's pseudonym key: inside the project folder, never written into an export. */
export const pseudonymKeyFile = 'pseudonym-key.json';

interface KeyFile {
  format: 'pleura-pseudonym-key';
  formatVersion: 1;
  createdAt: string;
  /** 32 random bytes, base64. */
  key: string;
}

/**
 * The pseudonyms of one project: one case id per film and one new UID per source UID, derived from a
 * secret key kept in the project (HMAC-SHA-256), so they are the same in every format and every run,
 * and cannot be traced back by hashing known UIDs or ids without the key.
 */
export class Pseudonyms {
  private readonly uids = new Map<string, string>();

  private constructor(private readonly key: Buffer) {}

  /**
   * Loads the project's key; creates it (and records that in the log) on the first de-identified
   * export. A read-only view (the project is open in another process) cannot log, so it refuses to
   * create one.
   */
  static async load(source: ExportSource): Promise<Pseudonyms> {
    const path = join(source.path, pseudonymKeyFile);
    const existing = await readKey(path);
    if (existing) return new Pseudonyms(existing);
    if (!canLog(source) || !source.appendAudit) {
      throw new PleuraError('conflict', say('export.noPseudonymKey'));
    }
    const file: KeyFile = { format: 'pleura-pseudonym-key', formatVersion: 1, createdAt: new Date().toISOString(), key: randomBytes(32).toString('base64') };
    const temp = `${path}.${randomBytes(6).toString('hex')}.tmp`;
    try {
      const handle = await open(temp, 'wx', 0o600);
      await handle.writeFile(JSON.stringify(file, null, 2) + '\n');
      await handle.sync();
      await handle.close();
      // link() fails if the key exists: two exports racing both end up with the one that won.
      const created = await link(temp, path).then(() => true, (error: NodeJS.ErrnoException) => {
        if (error.code === 'EEXIST') return false;
        throw error;
      });
      if (created) await source.appendAudit('pseudonym-key', { file: pseudonymKeyFile, createdAt: file.createdAt });
    } catch (error) {
      throw ioFailure(error, pseudonymKeyFile);
    } finally {
      await unlink(temp).catch(() => undefined);
    }
    const key = await readKey(path);
    if (!key) throw new PleuraError('io', say('export.keyNotReadBack', { file: pseudonymKeyFile }));
    return new Pseudonyms(key);
  }

  /** The film's case id: `case_` and 12 hex digits, the same for the film in every export. */
  caseId(imageId: string): string {
    return `case_${this.hmac(`film:${imageId}`).slice(0, 12)}`;
  }

  /** The patient's pseudonym (PatientID; PatientName is ANON^<it>): the same patient always gets the same one. */
  patient(patientId: string): string {
    return this.hmac(`patient:${patientId}`).slice(0, 16).toUpperCase();
  }

  /** A new instance UID for a source UID: 2.25.<128 bits of the keyed hash>, stable across exports. */
  uid(original: string): string {
    let mapped = this.uids.get(original);
    if (!mapped) {
      mapped = `2.25.${BigInt(`0x${this.hmac(`uid:${original}`).slice(0, 32)}`).toString()}`;
      this.uids.set(original, mapped);
    }
    return mapped;
  }

  private hmac(text: string): string {
    return createHmac('sha256', this.key).update(text).digest('hex');
  }
}

async function readKey(path: string): Promise<Buffer | null> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw ioFailure(error, pseudonymKeyFile);
  }
  try {
    const parsed = JSON.parse(text) as Partial<KeyFile>;
    const key = Buffer.from(String(parsed.key ?? ''), 'base64');
    if (parsed.format === 'pleura-pseudonym-key' && key.length === 32) return key;
  } catch {
    // falls through to the error below
  }
  throw new PleuraError('corrupt', say('export.keyDamaged', { file: pseudonymKeyFile }));
}
