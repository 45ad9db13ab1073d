import { readdir, readFile, stat, writeFile, rename, mkdir } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { modelManifestSchema, type ModelManifest } from '../../../src-shared/ml/manifest';

/** A version folder on disk: `model.json` (manifest) beside the ONNX file, optionally `tfjs/`. */
export interface StoredVersion {
  key: string;
  dir: string;
  manifest: ModelManifest;
  onnxPath: string;
  /** TF.js weights for further fine-tuning, when the version has them. */
  tfjsDir: string | null;
  builtIn: boolean;
  sizeBytes: number;
}

/** The registry's own state in `<modelsDir>/registry.json`. */
export interface RegistryState {
  /** Explicitly chosen active version; null = the default (the built-in model). */
  active: string | null;
  /** Previously active versions, most recent last (rollback pops). */
  previous: string[];
  /** Validation Dice per version and validation set, written when a version is evaluated. */
  validations: Record<string, { set: string; dice: number; iou: number }>;
}

/** `id@version`, the key every part of Pleura uses for a model version. */
export function versionKey(manifest: Pick<ModelManifest, 'id' | 'version'>): string {
  return `${manifest.id}@${manifest.version}`;
}

/** A folder name for a key (versions may hold characters a file system refuses). */
export function folderName(key: string): string {
  return key.replace(/[^A-Za-z0-9._@-]/g, '_');
}

/** Reads a manifest file (validated) and describes its version folder; null when unreadable. */
export async function readVersion(manifestPath: string, builtIn: boolean): Promise<StoredVersion | null> {
  try {
    const manifest = modelManifestSchema.parse(JSON.parse(await readFile(manifestPath, 'utf8')));
    const dir = dirname(manifestPath);
    const onnxPath = join(dir, manifest.file);
    if (!existsSync(onnxPath)) return null;
    const tfjsDir = existsSync(join(dir, 'tfjs', 'model.json')) ? join(dir, 'tfjs') : null;
    return { key: versionKey(manifest), dir, manifest, onnxPath, tfjsDir, builtIn, sizeBytes: (await stat(onnxPath)).size };
  } catch {
    return null;
  }
}

/**
 * Versions read before, by manifest path, with what their manifest and ONNX file looked like then (size,
 * modification time, inode): every prediction resolves its model, and reading and validating each
 * manifest again took the main thread 10-20 ms per call.
 */
const scanned = new Map<string, { stamp: string; version: StoredVersion }>();

/** A file's identity for the cache: changed by any rewrite (a new file, a new size or time). */
async function stampOf(path: string): Promise<string | null> {
  try {
    const info = await stat(path);
    return `${info.ino}:${info.size}:${info.mtimeMs}`;
  } catch {
    return null;
  }
}

/** {@link readVersion}, from the cache while neither the manifest nor its ONNX file has changed. */
async function readVersionCached(manifestPath: string, builtIn: boolean): Promise<StoredVersion | null> {
  const cached = scanned.get(manifestPath);
  if (cached && cached.version.builtIn === builtIn) {
    const stamps = await Promise.all([stampOf(manifestPath), stampOf(cached.version.onnxPath)]);
    if (stamps[0] !== null && stamps[1] !== null && stamps.join('|') === cached.stamp) return cached.version;
  }
  const manifestStamp = await stampOf(manifestPath);
  const version = await readVersion(manifestPath, builtIn);
  const onnxStamp = version ? await stampOf(version.onnxPath) : null;
  if (version && manifestStamp !== null && onnxStamp !== null) scanned.set(manifestPath, { stamp: `${manifestStamp}|${onnxStamp}`, version });
  else scanned.delete(manifestPath);
  return version;
}

/** Every readable version in the sub-folders of `root` (none if it does not exist). */
export async function scanVersions(root: string, builtIn: boolean): Promise<StoredVersion[]> {
  if (!existsSync(root)) return [];
  const entries = await readdir(root, { withFileTypes: true });
  const found = await Promise.all(
    entries.filter((e) => e.isDirectory() && !e.name.startsWith('.')).map((e) => readVersionCached(join(root, e.name, 'model.json'), builtIn)),
  );
  return found.filter((v): v is StoredVersion => v !== null).sort((a, b) => a.manifest.createdAt.localeCompare(b.manifest.createdAt) || a.key.localeCompare(b.key));
}

const emptyState = (): RegistryState => ({ active: null, previous: [], validations: {} });

export async function readState(modelsDir: string): Promise<RegistryState> {
  const path = join(modelsDir, 'registry.json');
  if (!existsSync(path)) return emptyState();
  try {
    return { ...emptyState(), ...(JSON.parse(await readFile(path, 'utf8')) as Partial<RegistryState>) };
  } catch {
    return emptyState();
  }
}

/** Writes the state atomically (temp file + rename). */
export async function writeState(modelsDir: string, state: RegistryState): Promise<void> {
  await mkdir(modelsDir, { recursive: true });
  const path = join(modelsDir, 'registry.json');
  await writeFile(`${path}.tmp`, JSON.stringify(state, null, 2));
  await rename(`${path}.tmp`, path);
}
