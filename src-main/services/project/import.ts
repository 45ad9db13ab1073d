import { open, readdir, stat } from 'node:fs/promises';
import { basename, dirname, extname, join, resolve } from 'node:path';
import sharp from 'sharp';
import type { FilePayload, ImportMasks, ImportReport } from '../../../src-shared/api/project';
import { say, said, type TextParam, type Said } from '../../../src-shared/api/text';
import type { LabelMask } from '../../../src-shared/api/masks';
import type { PacsProvenance } from '../../../src-shared/api/pacs';
import { PleuraError, textOf } from '../../../src-shared/api/result';
import { maskStem, pairDroppedFiles, stripExtension, unpairedRejections } from '../../../src-shared/api/upload';
import { splitLeftRight } from '../../../src-shared/mask/leftright';
import { realPathInside } from '../confine-path';
import { readRegularFile } from '../images/read-file';
import { sha256Hex } from './revision-file';
import { hasDicomMagic, probeImage } from './probe';
import type { ProjectStore } from './store';

const imageExtensions = new Set(['.png', '.jpg', '.jpeg', '.tif', '.tiff', '.bmp', '.webp', '.dcm', '.dicom']);
const maskExtensions = ['.png'];

/** A file to import, from disk or dropped: bytes are read lazily for disk files. */
export interface Candidate {
  /** Path (disk) or name (dropped); shown in the report. */
  label: string;
  name: string;
  read(): Promise<Uint8Array>;
  /** Absolute path when it is on disk (for referencing and for finding a mask next to it). */
  path?: string;
  /** A dropped mask that pairs with this dropped image. */
  droppedMask?: FilePayload;
}

/**
 * Imports files and folders (recursive unless `recursive: false`). Folders are walked for images by
 * extension or DICOM magic (DICOMDIR indexes and files in `masks/` folders are skipped; symlinks are
 * not followed); paths named explicitly are always tried. With `root` (the real path of serve
 * --root), masks beside the films are only taken from inside it. Never throws for bad input: each
 * refused file is in `rejected`.
 */
export async function importPaths(store: ProjectStore, paths: string[], options: { copy?: boolean; recursive?: boolean; masks?: ImportMasks; root?: string }): Promise<ImportReport> {
  const report: ImportReport = { imported: [], duplicates: [], rejected: [] };
  const candidates = await collectCandidates(paths, options.recursive ?? true, report);
  const copy = options.copy ?? store.settings.copyImages;
  for (const candidate of candidates) await importOne(store, candidate, { copy, masks: options.masks ?? 'ignore', root: options.root }, report);
  return report;
}

/** The files an import by path would try, in order; missing paths and unreadable folders go to `report.rejected`. */
export async function collectCandidates(paths: string[], recursive: boolean, report: Pick<ImportReport, 'rejected'>): Promise<Candidate[]> {
  const candidates: Candidate[] = [];
  for (const raw of paths) {
    const path = resolve(raw);
    const info = await stat(path).catch(() => null);
    if (!info) report.rejected.push({ path: raw, ...said(say('import.notFound')) });
    else if (info.isDirectory()) await walk(path, recursive, candidates, report);
    else candidates.push(diskCandidate(path));
  }
  return candidates;
}

/** Imports dropped files (always copied). `<stem>_mask.png` or `masks/<stem>.png` pair with `<stem>.*`. */
export async function importFiles(store: ProjectStore, files: FilePayload[]): Promise<ImportReport> {
  const report: ImportReport = { imported: [], duplicates: [], rejected: [] };
  const { pairs, unpaired } = pairDroppedFiles(files);
  for (const { film, mask } of pairs) {
    // Masks dropped together with their films were handed over on purpose: they are imported (and listed).
    await importOne(store, { label: film.name, name: droppedName(film.name), read: async () => film.bytes, droppedMask: mask }, { copy: true, masks: 'import' }, report);
  }
  // a mask without its film was handed over on purpose too: it is reported, never dropped silently
  report.rejected.push(...unpairedRejections(unpaired));
  return report;
}

/**
 * Imports one dropped film (with the mask dropped beside it) that an upload streamed to disk: the same
 * checks and decoding as {@link importFiles}, read from `path` as a regular file with the size cap;
 * the audit trail names the file as it was dropped (`name`), never the temporary file.
 */
export async function importUploaded(store: ProjectStore, film: { name: string; path: string; mask?: { name: string; path: string } }): Promise<ImportReport> {
  const report: ImportReport = { imported: [], duplicates: [], rejected: [] };
  let droppedMask: FilePayload | undefined;
  if (film.mask) {
    try {
      droppedMask = { name: film.mask.name, bytes: await readRegularFile(film.mask.path, { label: droppedName(film.mask.name) }) };
    } catch (error) {
      report.rejected.push({ path: film.mask.name, ...said(say('import.maskNotImported', { reason: reasonOf(error) })) });
    }
  }
  const read = () => readRegularFile(film.path, { label: droppedName(film.name) });
  await importOne(store, { label: film.name, name: droppedName(film.name), read, droppedMask }, { copy: true, masks: 'import' }, report);
  return report;
}

/** The last segment of a dropped file's name (`\` taken as `/`): a path in a name never reaches the disk. */
function droppedName(name: string): string {
  return basename(name.replace(/\\/g, '/'));
}

/**
 * Imports one file received over the network (a PACS retrieve) through the same checks as a file from
 * disk: decoded before it becomes a project image, deduplicated by content, always copied. `origin`
 * is what the audit log shows; `pacs` is kept with the image.
 */
export async function importReceived(store: ProjectStore, file: { name: string; bytes: Uint8Array; origin: string; pacs?: PacsProvenance }): Promise<ImportReport> {
  const report: ImportReport = { imported: [], duplicates: [], rejected: [] };
  await importOne(store, { label: file.origin, name: file.name, read: async () => file.bytes }, { copy: true, pacs: file.pacs }, report);
  return report;
}

async function walk(dir: string, recursive: boolean, out: Candidate[], report: Pick<ImportReport, 'rejected'>): Promise<void> {
  const entries = await readdir(dir, { withFileTypes: true }).catch((error: unknown) => {
    report.rejected.push({ path: dir, ...said(say('import.folderUnreadable', { detail: (error as Error).message })) });
    return [];
  });
  entries.sort((a, b) => a.name.localeCompare(b.name));
  for (const entry of entries) {
    if (entry.name.startsWith('.')) continue;
    const path = join(dir, entry.name);
    if (entry.isDirectory()) {
      if (recursive && entry.name.toLowerCase() !== 'masks') await walk(path, recursive, out, report);
    } else if (entry.isFile() && entry.name.toUpperCase() !== 'DICOMDIR' && maskStem(entry.name) === null) {
      const ext = extname(entry.name).toLowerCase();
      if (imageExtensions.has(ext) || (await looksLikeDicom(path))) out.push(diskCandidate(path));
    }
  }
}

function diskCandidate(path: string): Candidate {
  // regular files only, size-capped and time-limited: /dev/zero, FIFOs and sockets are refused unread
  return { label: path, name: basename(path), path, read: () => readRegularFile(path, { label: 'The file' }) };
}

async function looksLikeDicom(path: string): Promise<boolean> {
  const handle = await open(path, 'r').catch(() => null);
  if (!handle) return false;
  try {
    const head = new Uint8Array(132);
    const { bytesRead } = await handle.read(head, 0, 132, 0);
    return bytesRead === 132 && hasDicomMagic(head);
  } finally {
    await handle.close();
  }
}

async function importOne(store: ProjectStore, candidate: Candidate, options: { copy: boolean; pacs?: PacsProvenance; masks?: ImportMasks; root?: string }, report: ImportReport): Promise<void> {
  try {
    const bytes = await candidate.read();
    if (bytes.length === 0) throw new PleuraError('corrupt', say('import.emptyFile'));
    const contentHash = sha256Hex(bytes);
    const existingId = store.findByHash(contentHash);
    if (existingId) {
      report.duplicates.push({ path: candidate.label, existingId });
      return;
    }
    const probed = await probeImage(bytes, candidate.name);
    const reference = !options.copy && candidate.path;
    let record = await store.addImage({ name: candidate.name, ...probed, contentHash, origin: candidate.label, ...(reference ? { referencePath: candidate.path } : { bytes }), ...(options.pacs ? { pacs: options.pacs } : {}) });
    const mask = await findReferenceMask(candidate, { root: options.root });
    if (mask && options.masks !== 'import') report.masksIgnored = (report.masksIgnored ?? 0) + 1;
    else if (mask) {
      try {
        const labels = await decodeMaskPng(mask.bytes, record.widthPx, record.heightPx);
        await store.saveRevision(record.id, labels, { source: { kind: 'reference', file: mask.name }, parentId: null });
        // A film with a mask is not "new": it waits for the user's review (and approval before training).
        record = await store.setStatus(record.id, 'in-review');
        (report.masks ??= []).push({ path: mask.name, imageId: record.id });
      } catch (error) {
        report.rejected.push({ path: mask.name, ...said(say('import.maskNotImported', { reason: reasonOf(error) })) });
      }
    }
    report.imported.push(record);
  } catch (error) {
    if (error instanceof PleuraError && error.code === 'disk-full') throw error;
    report.rejected.push({ path: candidate.label, ...saidReason(error) });
  }
}

/**
 * A mask PNG next to the image: `<stem>_mask.png`, `masks/<stem>.png`, or `../masks/<name|stem.png>`.
 * With `root` (a real path: serve --root), a candidate is only read when it lies inside the root once
 * its symlinks are resolved: `../masks/` of a film at the root's top, or a symlink out, is passed over.
 */
export async function findReferenceMask(candidate: Candidate, options: { root?: string } = {}): Promise<{ name: string; bytes: Uint8Array } | null> {
  if (candidate.droppedMask) return { name: candidate.droppedMask.name, bytes: candidate.droppedMask.bytes };
  if (!candidate.path) return null;
  const dir = dirname(candidate.path);
  const stem = stripExtension(candidate.name);
  const names = [`${stem}_mask.png`, join('masks', `${stem}.png`), join('..', 'masks', candidate.name), ...maskExtensions.map((ext) => join('..', 'masks', stem + ext))];
  for (const name of names) {
    const path = join(dir, name);
    if (path === candidate.path) continue;
    const inside = await realPathInside(options.root, path);
    const bytes = inside === null ? null : await readRegularFile(inside).catch(() => null);
    if (bytes) return { name: path, bytes };
  }
  return null;
}

/**
 * Decodes a mask PNG to labels: a mask whose largest value is 2 holds labels (1 right, 2 left); any
 * other is binary (0/1, or > 127 = lung) and is split into right and left lung at the midline (splitLeftRight).
 */
export async function decodeMaskPng(bytes: Uint8Array, widthPx: number, heightPx: number): Promise<LabelMask> {
  const { data, info } = await sharp(bytes, { failOn: 'error' }).extractChannel(0).raw().toBuffer({ resolveWithObject: true }).catch((error: unknown) => {
    throw new PleuraError('corrupt', say('import.maskDamaged', { reason: reasonOf(error) }));
  });
  if (info.width !== widthPx || info.height !== heightPx) throw new PleuraError('invalid-argument', say('import.maskSize', { maskWidth: info.width, maskHeight: info.height, widthPx, heightPx }));
  let max = 0;
  for (let i = 0; i < data.length; i++) if (data[i] > max) max = data[i];
  if (max === 2) return { widthPx, heightPx, data: new Uint8Array(data) };
  const threshold = max === 1 ? 0 : 127;
  const binary = new Uint8Array(data.length);
  for (let i = 0; i < data.length; i++) binary[i] = data[i] > threshold ? 1 : 0;
  return { widthPx, heightPx, data: splitLeftRight(binary, widthPx, heightPx) };
}

function saidReason(error: unknown): Said {
  const reason = reasonOf(error);
  return typeof reason === 'object' ? said(reason) : { reason: String(reason) };
}

function reasonOf(error: unknown): TextParam {
  if (error instanceof PleuraError) return textOf(error);
  const code = (error as NodeJS.ErrnoException).code;
  if (code === 'ENOENT') return say('import.fileNotFound');
  if (code === 'EACCES') return say('import.permissionDenied');
  return say('import.readFailed', { detail: error instanceof Error ? error.message.split('\n')[0] : String(error) });
}
