import { copyFile, mkdir, mkdtemp, rm, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Api } from '../../../src-shared/api';
import { say } from '../../../src-shared/api/text';
import { PleuraError } from '../../../src-shared/api/result';
import { modelManifestSchema } from '../../../src-shared/ml/manifest';
import type { AppContext } from '../context';
import { readRegularFile } from '../images/read-file';
import { getModelRegistry } from './registry';
import { getSession } from '../project/session';

/** Largest manifest read (a model.json is a few KB) and largest ONNX file copied. */
const MAX_MANIFEST_BYTES = 2 ** 20;
const MAX_MODEL_BYTES = 2 * 2 ** 30;

/**
 * Reads and checks a manifest. Errors name the file and what is wrong with it, never its contents:
 * JSON.parse quotes the text it stopped at, so its message is not passed on.
 */
async function readManifest(manifestPath: string) {
  const bytes = await readRegularFile(manifestPath, { maxBytes: MAX_MANIFEST_BYTES });
  let json: unknown;
  try {
    json = JSON.parse(new TextDecoder('utf-8', { fatal: false }).decode(bytes));
  } catch {
    throw new PleuraError('invalid-argument', say('model.manifestNotJson', { path: manifestPath }));
  }
  const parsed = modelManifestSchema.safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const where = issue?.path.length ? issue.path.join('.') : 'the manifest';
    throw new PleuraError('invalid-argument', say('model.manifestField', { path: manifestPath, field: where, code: issue?.code ?? 'invalid' }));
  }
  return parsed.data;
}

/** The ONNX file must be a regular file of a plausible size (a device or FIFO would never end). */
async function checkModelFile(onnxPath: string): Promise<void> {
  const info = await stat(onnxPath).catch((error: unknown) => {
    throw new PleuraError('not-found', say('model.cannotRead', { path: onnxPath, code: (error as NodeJS.ErrnoException).code ?? 'error' }));
  });
  if (!info.isFile()) throw new PleuraError('invalid-argument', say('model.notRegular', { path: onnxPath }));
  if (info.size > MAX_MODEL_BYTES) throw new PleuraError('unsupported', say('model.tooLarge', { path: onnxPath, sizeMiB: Math.round(info.size / 2 ** 20) }));
}

/** Handlers of the `models` domain. */
export function createModelsHandlers(ctx: AppContext): Api['models'] {
  const registry = () => getModelRegistry(ctx);
  const audit = async (action: 'promote' | 'rollback', detail: Record<string, unknown>): Promise<void> => {
    const store = getSession(ctx).current();
    if (store && !store.readOnly) await store.appendAudit(action, detail);
  };
  return {
    list: async () => registry().list(),
    active: async () => registry().active(),
    // A person choosing a version in the Models workspace decides; the validation gate is for automatic promotion.
    async activate(key) {
      const before = (await registry().active())?.key ?? null;
      const version = await registry().activate(key, { force: true });
      await audit('promote', { key: version.key, from: before, by: 'user' });
      return version;
    },
    // Going back is recorded in the open project's audit log like any other change of the active model.
    async rollback() {
      const before = (await registry().active())?.key ?? null;
      const version = await registry().rollback();
      await audit('rollback', { from: before, to: version.key });
      return version;
    },
    async importModel(onnxPath, manifestPath) {
      const manifest = await readManifest(manifestPath);
      await checkModelFile(onnxPath);
      await mkdir(registry().versionsDir(), { recursive: true });
      const staging = await mkdtemp(join(registry().versionsDir(), '.import-'));
      try {
        await copyFile(onnxPath, join(staging, 'model.onnx')).catch((error: unknown) => {
          throw new PleuraError('not-found', say('model.cannotRead', { path: onnxPath, code: (error as NodeJS.ErrnoException).code ?? 'error' }));
        });
        await writeFile(join(staging, 'model.json'), JSON.stringify({ ...manifest, file: 'model.onnx' }, null, 2));
        return await registry().add(staging);
      } finally {
        await rm(staging, { recursive: true, force: true });
      }
    },
  };
}
