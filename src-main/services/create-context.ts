import { homedir, userInfo } from 'node:os';
import { join } from 'node:path';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { EventBus } from './events';
import { JobHost } from './jobs/job-host';
import type { AppContext } from './context';

/** Finds the shipped `models/` folder: next to the checkout or in packaged resources. */
export function findBuiltinModelsDir(): string {
  const here = fileURLToPath(new URL('.', import.meta.url));
  const resources = (process as unknown as { resourcesPath?: string }).resourcesPath;
  const candidates = [
    process.env.PLEURA_MODELS_DIR,
    resources ? join(resources, 'models') : undefined,
    join(here, '..', '..', 'models'),
    join(here, '..', '..', '..', 'models'),
    join(process.cwd(), 'models'),
  ].filter((p): p is string => !!p);
  return candidates.find((p) => existsSync(p)) ?? candidates[candidates.length - 1];
}

/** Creates the services' shared context for one process. */
export function createAppContext(options: { transport: AppContext['transport']; dataDir?: string; builtinModelsDir?: string; user?: string }): AppContext {
  const events = new EventBus();
  return {
    transport: options.transport,
    user: options.user?.trim() || osUser(),
    events,
    jobs: new JobHost(events),
    dataDir: options.dataDir ?? process.env.PLEURA_DATA_DIR ?? join(homedir(), '.pleura'),
    builtinModelsDir: options.builtinModelsDir ?? findBuiltinModelsDir(),
    services: new Map(),
  };
}

/** The OS user name ('user' when the OS will not say). */
function osUser(): string {
  try {
    return userInfo().username || 'user';
  } catch {
    return 'user';
  }
}
