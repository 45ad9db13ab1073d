import { open, readdir, stat } from 'node:fs/promises';
import { basename, extname, join, relative, resolve, sep } from 'node:path';
import { UsageError } from './command';
import { readRegularFile } from '../services/images/read-file';

/** Extensions of images found in folders when no --pattern is given (extensionless files are sniffed). */
const IMAGE_EXTENSIONS = new Set(['.dcm', '.dicom', '.dic', '.png', '.jpg', '.jpeg', '.tif', '.tiff']);
/** Largest --from list read (a path a line: millions of films). */
const MAX_LIST_BYTES = 64 * 2 ** 20;

/** One input of a command: the file, and the name its outputs get (folders keep their layout). */
export interface CliInput {
  path: string;
  /** Output name without extension: the stem, or the path under the folder it was found in. */
  outName: string;
}

/** The options that add inputs, for a command's `options` (and its help text). */
export const inputOptions = { pattern: { type: 'string' }, from: { type: 'string' } } as const;
export const inputUsage = [
  '  FILE|DIR...      image files, and folders searched recursively (hidden entries skipped)',
  '  --pattern GLOB   in folders, take files whose name (or path under the folder, when GLOB has a /)',
  '                   matches: * ? [abc] {a,b} and ** (default: DICOM and PNG/JPEG/TIFF files)',
  '  --from LIST      also read inputs from LIST, one a line (- for stdin; blank and # lines skipped)',
];

/** A glob as a regular expression: `*` and `?` stay inside one path segment, `**` crosses them. */
export function globToRegExp(glob: string): RegExp {
  let out = '';
  for (let i = 0; i < glob.length; i++) {
    const char = glob[i];
    if (char === '*') {
      if (glob[i + 1] === '*') {
        out += glob[i + 2] === '/' ? '(?:.*/)?' : '.*';
        i += glob[i + 2] === '/' ? 2 : 1;
      } else out += '[^/]*';
    } else if (char === '?') out += '[^/]';
    else if (char === '[') {
      const end = glob.indexOf(']', i + 1);
      if (end < 0) out += '\\[';
      else {
        const body = glob.slice(i + 1, end).replace(/\\/g, '\\\\');
        out += `[${body.startsWith('!') ? `^${body.slice(1)}` : body}]`;
        i = end;
      }
    } else if (char === '{') {
      const end = glob.indexOf('}', i + 1);
      if (end < 0) out += '\\{';
      else {
        out += `(?:${glob.slice(i + 1, end).split(',').map((part) => part.replace(/[.+^$()|\\]/g, '\\$&').replace(/\*/g, '[^/]*').replace(/\?/g, '[^/]')).join('|')})`;
        i = end;
      }
    } else out += char.replace(/[.+^$()|\\]/g, '\\$&');
  }
  return new RegExp(`^${out}$`);
}

async function looksLikeDicomFile(path: string): Promise<boolean> {
  const handle = await open(path, 'r').catch(() => null);
  if (!handle) return false;
  try {
    const head = new Uint8Array(132);
    const { bytesRead } = await handle.read(head, 0, 132, 0);
    return bytesRead === 132 && head[128] === 0x44 && head[129] === 0x49 && head[130] === 0x43 && head[131] === 0x4d;
  } finally {
    await handle.close();
  }
}

async function walk(dir: string, top: string, matches: (relativePath: string) => Promise<boolean>, out: CliInput[]): Promise<void> {
  const entries = await readdir(dir, { withFileTypes: true });
  entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  for (const entry of entries) {
    if (entry.name.startsWith('.')) continue;
    const path = join(dir, entry.name);
    // symlinks are not followed in folders (a loop or an escape); regular files only
    if (entry.isDirectory()) await walk(path, top, matches, out);
    else if (entry.isFile()) {
      const rel = relative(top, path).split(sep).join('/');
      if (await matches(rel)) out.push({ path, outName: rel.slice(0, rel.length - extname(rel).length) });
    }
  }
}

async function readList(from: string): Promise<string[]> {
  let text: string;
  if (from === '-') {
    const chunks: Buffer[] = [];
    let size = 0;
    for await (const chunk of process.stdin) {
      size += (chunk as Buffer).length;
      if (size > MAX_LIST_BYTES) throw new UsageError(`--from -: the list is larger than ${MAX_LIST_BYTES / 2 ** 20} MiB.`);
      chunks.push(chunk as Buffer);
    }
    text = Buffer.concat(chunks).toString('utf8');
  } else {
    text = Buffer.from(await readRegularFile(from, { maxBytes: MAX_LIST_BYTES, label: `--from ${from}` })).toString('utf8');
  }
  return text.split(/\r?\n/).map((line) => line.trim()).filter((line) => line.length > 0 && !line.startsWith('#'));
}

/**
 * The inputs of a command: files as given, folders searched recursively (--pattern, else images by
 * extension or DICOM marker), plus the lines of --from. Paths named explicitly are kept even when
 * they do not exist, so the command reports them in order; duplicates (same resolved path) once.
 * Any number of inputs: they never need to fit on a command line.
 */
export async function expandInputs(positionals: string[], values: { pattern?: unknown; from?: unknown }): Promise<CliInput[]> {
  const pattern = typeof values.pattern === 'string' ? globToRegExp(values.pattern) : null;
  const byPath = typeof values.pattern === 'string' && values.pattern.includes('/');
  const matchesPattern = (rel: string) => pattern!.test(byPath ? rel : basename(rel));
  const named = [...positionals, ...(typeof values.from === 'string' ? await readList(values.from) : [])];
  const found: CliInput[] = [];
  for (const path of named) {
    const info = await stat(path).catch(() => null);
    if (info?.isDirectory()) {
      const top = resolve(path);
      await walk(top, top, async (rel) => (pattern ? matchesPattern(rel) : matchesDefault(join(top, rel))), found);
    } else found.push({ path, outName: basename(path, extname(path)) });
  }
  const seen = new Set<string>();
  return found.filter((input) => {
    const key = resolve(input.path);
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

async function matchesDefault(path: string): Promise<boolean> {
  const ext = extname(path).toLowerCase();
  return IMAGE_EXTENSIONS.has(ext) || (ext === '' && (await looksLikeDicomFile(path)));
}
