import { randomUUID } from 'node:crypto';
import { chmod, mkdir, readFile, rename, stat, writeFile } from 'node:fs/promises';
import { homedir } from 'node:os';
import { dirname, join } from 'node:path';
import type { PacsConnection, PacsConnectionInput } from '../../../src-shared/api/pacs';
import { say } from '../../../src-shared/api/text';
import { PleuraError } from '../../../src-shared/api/result';
import type { DicomWebTarget } from './dicomweb';

/** Default time-out of one PACS request. */
export const defaultPacsTimeoutMs = 30_000;

/**
 * How a secret is kept at rest. The file store keeps it as is in a file only its owner can read (serve
 * mode and the CLI, like ~/.pgpass or ~/.netrc); the desktop app passes Electron's safeStorage (the OS
 * keychain) so the file holds only ciphertext.
 */
export interface SecretCodec {
  /** Short name written next to the secret, so a file is never read with the wrong codec. */
  kind: string;
  seal(secret: string): string;
  open(sealed: string): string;
}

export const plainCodec: SecretCodec = { kind: 'file-0600', seal: (s) => s, open: (s) => s };

interface StoredConnection extends Omit<PacsConnection, 'hasSecret'> {
  secret?: { codec: string; value: string };
}

/** The config file of PACS connections: PLEURA_PACS_CONFIG, else ~/.config/pleura/pacs.json. */
export function defaultPacsConfigPath(): string {
  return process.env.PLEURA_PACS_CONFIG ?? join(process.env.XDG_CONFIG_HOME ?? join(homedir(), '.config'), 'pleura', 'pacs.json');
}

/**
 * Saved PACS connections in one JSON file written 0600 (temp file, fsync-free rename: settings, not
 * patient data). The secret never leaves this module except inside a {@link DicomWebTarget}.
 */
export class PacsConnectionStore {
  constructor(readonly path: string = defaultPacsConfigPath(), private readonly codec: SecretCodec = plainCodec) {}

  async list(): Promise<PacsConnection[]> {
    return (await this.read()).map(publicConnection);
  }

  async get(id: string): Promise<PacsConnection> {
    return publicConnection(await this.stored(id));
  }

  /** Adds or updates a connection; `secret` undefined keeps the stored one, '' removes it. */
  async save(input: PacsConnectionInput): Promise<PacsConnection> {
    const all = await this.read();
    const id = input.id ?? randomUUID();
    const previous = all.find((c) => c.id === id);
    if (input.id && !previous) throw new PleuraError('not-found', say('pacs.noConnection', { id: input.id }));
    const next: StoredConnection = {
      id,
      name: input.name.trim(),
      baseUrl: normalizeUrl(input.baseUrl),
      ...(input.qidoUrl ? { qidoUrl: normalizeUrl(input.qidoUrl) } : {}),
      ...(input.wadoUrl ? { wadoUrl: normalizeUrl(input.wadoUrl) } : {}),
      ...(input.stowUrl ? { stowUrl: normalizeUrl(input.stowUrl) } : {}),
      auth: input.auth,
      ...(input.user ? { user: input.user } : {}),
      timeoutMs: input.timeoutMs ?? previous?.timeoutMs ?? defaultPacsTimeoutMs,
    };
    const secret = input.secret === undefined ? previous?.secret : input.secret === '' ? undefined : { codec: this.codec.kind, value: this.codec.seal(input.secret) };
    if (secret && input.auth !== 'none') next.secret = secret;
    await this.write([...all.filter((c) => c.id !== id), next]);
    return publicConnection(next);
  }

  async remove(id: string): Promise<void> {
    const all = await this.read();
    if (!all.some((c) => c.id === id)) throw new PleuraError('not-found', say('pacs.noConnection', { id }));
    await this.write(all.filter((c) => c.id !== id));
  }

  /** The saved connection whose base URL is `url` (trailing slashes ignored), if any. */
  async findByUrl(url: string): Promise<PacsConnection | null> {
    const wanted = normalizeUrl(url);
    const found = (await this.read()).find((c) => c.baseUrl === wanted);
    return found ? publicConnection(found) : null;
  }

  /** What the DICOMweb client needs for a connection, with its secret opened. */
  async target(id: string): Promise<DicomWebTarget> {
    const stored = await this.stored(id);
    let secret = '';
    if (stored.secret) {
      if (stored.secret.codec !== this.codec.kind) throw new PleuraError('unsupported', say('pacs.secretOtherCodec', { name: stored.name, codec: stored.secret.codec }));
      secret = this.codec.open(stored.secret.value);
    }
    return targetFor(stored, secret);
  }

  private async stored(id: string): Promise<StoredConnection> {
    const found = (await this.read()).find((c) => c.id === id);
    if (!found) throw new PleuraError('not-found', say('pacs.noConnection', { id }));
    return found;
  }

  private async read(): Promise<StoredConnection[]> {
    const info = await stat(this.path).catch(() => null);
    if (!info) return [];
    if (process.platform !== 'win32' && (info.mode & 0o077) !== 0) {
      throw new PleuraError('forbidden', say('pacs.settingsReadable', { path: this.path }));
    }
    try {
      const parsed = JSON.parse(await readFile(this.path, 'utf8')) as { connections?: StoredConnection[] };
      return Array.isArray(parsed.connections) ? parsed.connections : [];
    } catch (error) {
      throw new PleuraError('corrupt', say('pacs.settingsInvalid', { path: this.path, detail: (error as Error).message }));
    }
  }

  private async write(connections: StoredConnection[]): Promise<void> {
    await mkdir(dirname(this.path), { recursive: true, mode: 0o700 });
    const temp = `${this.path}.${process.pid}.tmp`;
    await writeFile(temp, `${JSON.stringify({ format: 'pleura-pacs', connections }, null, 2)}\n`, { mode: 0o600 });
    await chmod(temp, 0o600);
    await rename(temp, this.path);
  }
}

/** A target for a URL given on the command line: auth from the environment, never from argv. */
export function targetFromUrl(url: string, options: { user?: string; timeoutMs?: number } = {}): DicomWebTarget {
  const token = process.env.PLEURA_PACS_TOKEN;
  const password = process.env.PLEURA_PACS_PASSWORD;
  const base = normalizeUrl(url);
  const auth: PacsConnection['auth'] = token ? 'bearer' : options.user ? 'basic' : 'none';
  return targetFor({ id: 'cli', name: base, baseUrl: base, auth, user: options.user, timeoutMs: options.timeoutMs ?? defaultPacsTimeoutMs }, token ?? password ?? '');
}

function targetFor(connection: Omit<PacsConnection, 'hasSecret'>, secret: string): DicomWebTarget {
  const auth: DicomWebTarget['auth'] =
    connection.auth === 'basic' ? { kind: 'basic', user: connection.user ?? '', password: secret } : connection.auth === 'bearer' ? { kind: 'bearer', token: secret } : { kind: 'none' };
  return {
    qidoUrl: connection.qidoUrl ?? connection.baseUrl,
    wadoUrl: connection.wadoUrl ?? connection.baseUrl,
    stowUrl: connection.stowUrl ?? connection.baseUrl,
    auth,
    timeoutMs: connection.timeoutMs,
  };
}

function publicConnection(stored: StoredConnection): PacsConnection {
  const { secret, ...rest } = stored;
  return { ...rest, hasSecret: !!secret };
}

/** An http(s) URL without trailing slashes; user info in a URL is refused (it would end up in logs). */
export function normalizeUrl(url: string): string {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new PleuraError('invalid-argument', say('pacs.notUrl'));
  }
  if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') throw new PleuraError('invalid-argument', say('pacs.notHttp'));
  if (parsed.username || parsed.password) throw new PleuraError('invalid-argument', say('pacs.credentialsInUrl'));
  return `${parsed.protocol}//${parsed.host}${parsed.pathname.replace(/\/+$/, '')}`;
}
