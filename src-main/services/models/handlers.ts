import { copyFile, mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Api } from '../../../src-shared/api';
import { PleuraError } from '../../../src-shared/api/result';
import { modelManifestSchema } from '../../../src-shared/ml/manifest';
import type { AppContext } from '../context';
import { getModelRegistry } from './registry';

/** Handlers of the `models` domain. */
export function createModelsHandlers(ctx: AppContext): Api['models'] {
  const registry = () => getModelRegistry(ctx);
  return {
    list: async () => registry().list(),
    active: async () => registry().active(),
    // A person choosing a version in the Models workspace decides; the validation gate is for automatic promotion.
    activate: async (key) => registry().activate(key, { force: true }),
    rollback: async () => registry().rollback(),
    async importModel(onnxPath, manifestPath) {
      let manifest;
      try {
        manifest = modelManifestSchema.parse(JSON.parse(await readFile(manifestPath, 'utf8')));
      } catch (error) {
        throw new PleuraError('invalid-argument', `${manifestPath} is not a valid model manifest: ${(error as Error).message.split('\n')[0]}`);
      }
      await mkdir(registry().versionsDir(), { recursive: true });
      const staging = await mkdtemp(join(registry().versionsDir(), '.import-'));
      try {
        await copyFile(onnxPath, join(staging, 'model.onnx')).catch((error: unknown) => {
          throw new PleuraError('not-found', `Cannot read ${onnxPath}: ${(error as Error).message}`);
        });
        await writeFile(join(staging, 'model.json'), JSON.stringify({ ...manifest, file: 'model.onnx' }, null, 2));
        return await registry().add(staging);
      } finally {
        await rm(staging, { recursive: true, force: true });
      }
    },
  };
}
