import { cpus, totalmem, platform, arch } from 'node:os';
import type { Api, RuntimeReport, SystemInfo } from '../../../src-shared/api';
import { FOLDER_DIALOG_KEY } from '../../../src-shared/api/system';
import { PleuraError } from '../../../src-shared/api/result';
import { say } from '../../../src-shared/api/text';
import type { AppContext } from '../context';
import { appVersion, dependencyVersions } from './versions';

/** A service that can say which runtime it uses (inference, training), registered in ctx.services. */
export interface RuntimeReporter {
  runtimeReport(): Promise<RuntimeReport>;
}

async function report(ctx: AppContext, key: string, fallback: RuntimeReport): Promise<RuntimeReport> {
  const reporter = ctx.services.get(key) as RuntimeReporter | undefined;
  return reporter?.runtimeReport ? reporter.runtimeReport() : fallback;
}

/** Handlers of the `system` domain. */
export function createSystemHandlers(ctx: AppContext): Api['system'] {
  return {
    async chooseFolder(options) {
      const dialog = ctx.services.get(FOLDER_DIALOG_KEY) as ((title?: string) => Promise<string | null>) | undefined;
      if (!dialog) throw new PleuraError('unsupported', say('system.noFolderDialog'));
      return dialog(options.title);
    },
    async info(): Promise<SystemInfo> {
      const inference = await report(ctx, 'inference.runtime', { available: ['cpu'], active: null, note: 'Not started yet' });
      const training = await report(ctx, 'training.runtime', { available: ['wasm'], active: null, note: 'Not started yet' });
      const gpuNames = [inference.active, training.active].filter((name): name is string => !!name && /cuda|gpu|dml|coreml/i.test(name));
      return {
        app: { name: 'Pleura', version: appVersion() },
        transport: ctx.transport,
        platform: { os: platform(), arch: arch(), cpus: cpus().length, memoryMb: Math.round(totalmem() / 2 ** 20) },
        versions: dependencyVersions(),
        inference,
        training,
        gpu: gpuNames.length
          ? { found: true, name: gpuNames[0], detail: `In use: ${gpuNames.join(', ')}` }
          : { found: false, detail: [inference.note, training.note].filter(Boolean).join('; ') || 'No GPU runtime in use' },
      };
    },
  };
}
