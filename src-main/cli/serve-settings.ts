import { constants, existsSync, statSync } from 'node:fs';
import { open } from 'node:fs/promises';
import { homedir } from 'node:os';
import { isAbsolute, join, resolve } from 'node:path';
import { PleuraError } from '../../src-shared/api/result';
import { UsageError } from './command';

/*
 * Settings of `pleura serve` that belong to the machine rather than to one run: the folder every path
 * the browser names is confined to. They live in one small JSON file beside the PACS connections:
 *
 *   ~/.config/pleura/serve.json   ($XDG_CONFIG_HOME/pleura/serve.json; PLEURA_SERVE_CONFIG overrides)
 *   { "format": "pleura-serve", "root": "/srv/films" }
 *
 * The browser cannot see or change them: confinement is decided by whoever starts the server.
 */

/** The settings file of serve mode: PLEURA_SERVE_CONFIG, else $XDG_CONFIG_HOME/pleura/serve.json. */
export function defaultServeSettingsPath(): string {
  return process.env.PLEURA_SERVE_CONFIG || join(process.env.XDG_CONFIG_HOME || join(homedir(), '.config'), 'pleura', 'serve.json');
}

export interface ServeSettings {
  /** Absolute folder every path argument is confined to (`--root` without the flag). */
  root?: string;
}

/** A settings file is a few lines; anything larger is not one (and is not read into memory). */
const MAX_SETTINGS_BYTES = 64 * 1024;
const KNOWN_KEYS = new Set(['format', 'root']);

/**
 * Reads the serve settings; a missing file is no settings. Refuses (PleuraError, exit code 1) a file
 * that other users could change (it decides what the browser may reach), one that is not a regular
 * file or too large, malformed JSON, an unknown key (a misspelt "root" must not silently leave paths
 * unconfined) and a root that is not an absolute path.
 */
export async function readServeSettings(path: string = defaultServeSettingsPath()): Promise<ServeSettings> {
  let handle;
  try {
    // O_NONBLOCK: a FIFO put in its place does not hang the start
    handle = await open(path, constants.O_RDONLY | constants.O_NONBLOCK).catch(async (error: NodeJS.ErrnoException) => {
      if (error.code === 'ENOENT') return null;
      throw error;
    });
  } catch (error) {
    throw new PleuraError('io', `The serve settings ${path} could not be read (${(error as NodeJS.ErrnoException).code ?? String(error)}).`);
  }
  if (!handle) return {};
  let text: string;
  try {
    const info = await handle.stat();
    if (!info.isFile()) throw new PleuraError('invalid-argument', `The serve settings ${path} is not a regular file.`);
    if (process.platform !== 'win32' && (info.mode & 0o022) !== 0) {
      throw new PleuraError('forbidden', `The serve settings ${path} can be changed by other users; run chmod go-w on it (it decides which folders the browser may reach).`);
    }
    if (info.size > MAX_SETTINGS_BYTES) throw new PleuraError('invalid-argument', `The serve settings ${path} is ${info.size} bytes, more than a settings file (${MAX_SETTINGS_BYTES}).`);
    const buffer = Buffer.alloc(info.size);
    const { bytesRead } = await handle.read(buffer, 0, info.size, 0);
    text = buffer.subarray(0, bytesRead).toString('utf8');
  } finally {
    await handle.close();
  }
  return parseServeSettings(text, path);
}

/** Checks a settings file's text (see {@link readServeSettings}); `path` names it in errors. */
export function parseServeSettings(text: string, path: string): ServeSettings {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (error) {
    throw new PleuraError('corrupt', `The serve settings ${path} is not valid JSON (${(error as Error).message}).`);
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) throw new PleuraError('corrupt', `The serve settings ${path} must hold one JSON object, like {"root": "/srv/films"}.`);
  const settings = parsed as Record<string, unknown>;
  const unknown = Object.keys(settings).filter((key) => !KNOWN_KEYS.has(key));
  if (unknown.length) throw new PleuraError('invalid-argument', `The serve settings ${path} has unknown keys (${unknown.map((key) => JSON.stringify(key.slice(0, 40))).join(', ')}); it takes "root".`);
  if (settings.format !== undefined && settings.format !== 'pleura-serve') throw new PleuraError('invalid-argument', `The serve settings ${path} has "format" ${JSON.stringify(String(settings.format).slice(0, 40))}; it must be "pleura-serve".`);
  if (settings.root === undefined || settings.root === null) return {};
  if (typeof settings.root !== 'string' || !isAbsolute(settings.root) || settings.root.includes('\0')) {
    throw new PleuraError('invalid-argument', `The "root" in the serve settings ${path} must be an absolute folder path.`);
  }
  return { root: settings.root };
}

/** Where the confinement root of a run came from. */
export type ServeRootSource = 'flag' | 'environment' | 'settings';

/**
 * The folder paths are confined to, and where it came from: `--root` wins, then $PLEURA_SERVE_ROOT,
 * then the settings file's "root"; none of them: no confinement. Whichever is used must be an
 * existing folder.
 */
export async function resolveServeRoot(flag: unknown, settingsPath: string = defaultServeSettingsPath()): Promise<{ root: string; source: ServeRootSource } | null> {
  let given: string;
  let source: ServeRootSource;
  if (typeof flag === 'string') [given, source] = [flag, 'flag'];
  else if (process.env.PLEURA_SERVE_ROOT) [given, source] = [process.env.PLEURA_SERVE_ROOT, 'environment'];
  else {
    const { root } = await readServeSettings(settingsPath);
    if (root === undefined) return null;
    [given, source] = [root, 'settings'];
  }
  const root = resolve(given);
  if (!existsSync(root) || !statSync(root).isDirectory()) {
    if (source === 'settings') throw new PleuraError('not-found', `The "root" in the serve settings ${settingsPath} must be an existing folder, got '${given}'.`);
    throw new UsageError(`${source === 'flag' ? '--root' : 'PLEURA_SERVE_ROOT'} must be an existing folder, got '${given}'`);
  }
  return { root, source };
}
