import type { EventBus } from './events';
import type { JobHost } from './jobs/job-host';

/**
 * What every main-side service gets. Transports create one context per process; services keep their
 * own state (open project, model sessions) behind it, so the same services serve Electron IPC, the
 * HTTP/WebSocket serve mode and the CLI.
 */
export interface AppContext {
  transport: 'electron' | 'serve' | 'cli';
  /** Who edits are recorded as: the OS user, or the name given to `pleura serve --user`. Never from a client. */
  user: string;
  events: EventBus;
  jobs: JobHost;
  /** Per-user data folder (settings, recent projects, user models when no project is open). */
  dataDir: string;
  /** Folder of the shipped models (`models/` in a checkout, unpacked resources when packaged). */
  builtinModelsDir: string;
  /**
   * Serve mode with `--root`: the real path of the folder every file a service opens on a client's
   * behalf must stay inside (the transport confines path arguments; services check the files they find
   * by themselves, such as a mask beside a film). Unset: no confinement.
   */
  pathRoot?: string;
  /** Lazily created services, keyed by domain; each domain module owns its entry. */
  services: Map<string, unknown>;
}

/** Returns the service for `key`, creating it on first use. */
export function service<T>(ctx: AppContext, key: string, create: () => T): T {
  let value = ctx.services.get(key) as T | undefined;
  if (value === undefined) {
    value = create();
    ctx.services.set(key, value);
  }
  return value;
}
