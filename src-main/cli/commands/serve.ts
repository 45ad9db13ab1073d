import { existsSync, readdirSync, statSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { PleuraError } from '../../../src-shared/api/result';
import { UsageError, type CliCommand } from '../command';
import { createAppContext } from '../../services/create-context';
import { createHandlers } from '../../transport/handlers';
import { startServe } from '../../transport/serve';
import { getSession } from '../../services/project/session';
import { closeOnSignals } from '../../services/project/signals';
import { repoRootOrNull, rendererDirCandidates } from '../paths';
import { defaultServeSettingsPath, resolveServeRoot } from '../serve-settings';

function newestMtime(dir: string): number {
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    newest = Math.max(newest, entry.isDirectory() ? newestMtime(path) : statSync(path).mtimeMs);
  }
  return newest;
}

/** In a checkout, rebuilds the renderer when its sources are newer than the build. */
function ensureRendererBuilt(io: { out(line: string): void }): void {
  const root = repoRootOrNull();
  if (!root) return;
  const index = join(root, 'out', 'renderer', 'index.html');
  const sources = Math.max(newestMtime(join(root, 'src-renderer')), newestMtime(join(root, 'src-shared')));
  if (existsSync(index) && statSync(index).mtimeMs >= sources) return;
  io.out('Building the renderer (electron-vite build)...');
  const result = spawnSync(process.execPath, [join(root, 'node_modules', 'electron-vite', 'bin', 'electron-vite.js'), 'build'], { cwd: root, stdio: 'inherit' });
  if (result.status !== 0) throw new PleuraError('internal', 'Building the renderer failed; see the output above.');
}

export const serveCommand: CliCommand = {
  name: 'serve',
  summary: 'Serve the workstation to a browser on this machine (127.0.0.1, token in the URL)',
  usage: [
    'pleura serve [--port N] [--project DIR] [--user NAME] [--break-lock] [--root DIR] [--no-build]',
    '',
    '  --port N       port on 127.0.0.1 (default: a free one)',
    '  --project DIR  open this project at start',
    '  --user NAME    who edits are recorded as (default: the OS user); browsers cannot change it',
    '  --break-lock   with --project: take over a lock held by another computer (only if it is surely closed there)',
    '  --root DIR     confine every path the browser names (projects, imports, exports, models) to',
    '                 DIR, symlinks resolved (default: $PLEURA_SERVE_ROOT, else the "root" setting',
    `                 in ${defaultServeSettingsPath()}, else no confinement)`,
    '  --no-build     do not rebuild the renderer in a checkout',
  ].join('\n'),
  options: { port: { type: 'string' }, project: { type: 'string' }, user: { type: 'string' }, 'break-lock': { type: 'boolean' }, root: { type: 'string' }, 'no-build': { type: 'boolean' } },
  allowPositionals: false,
  async run({ values }, io) {
    const port = values.port === undefined ? 0 : Number(values.port);
    if (!Number.isInteger(port) || port < 0 || port > 65535) throw new UsageError(`--port must be a port number, got '${String(values.port)}'`);
    // the confinement is settled first: a bad root or settings file stops the start before any build
    const settingsPath = defaultServeSettingsPath();
    const confinement = await resolveServeRoot(values.root, settingsPath);
    const root = confinement?.root;
    if (!values['no-build']) ensureRendererBuilt(io);
    const rendererDir = rendererDirCandidates().find((dir) => existsSync(join(dir, 'index.html')));
    if (!rendererDir) throw new PleuraError('not-found', 'The renderer is not built: run `npm run build` first.');
    if (values.user !== undefined && (typeof values.user !== 'string' || !values.user.trim())) throw new UsageError('--user needs a name');
    const ctx = createAppContext({ transport: 'serve', ...(typeof values.user === 'string' ? { user: values.user } : {}) });
    const api = createHandlers(ctx);
    if (typeof values.project === 'string') {
      const summary = await api.project.open(values.project, { breakLock: values['break-lock'] === true });
      for (const warning of summary.warnings) io.err(`warning: ${warning}`);
    }
    const handle = await startServe({ ctx, api, rendererDir, port, root });
    // Ctrl+C and SIGTERM stop the server, then close the project: snapshot written, lock released. Set up
    // before the URL is printed: whoever reads it may stop the server at once.
    const stopped = new Promise<void>((resolve) => {
      closeOnSignals(async () => {
        await handle.close();
        await getSession(ctx).close();
      }, () => resolve());
    });
    if (io.json) io.result({ url: handle.url, port: handle.port, root: root ?? null, rootFrom: confinement?.source ?? null });
    else {
      io.out(`Pleura is served at ${handle.url}\nOpen it in a browser on this machine. Press Ctrl+C to stop.`);
      const from = { flag: '--root', environment: 'PLEURA_SERVE_ROOT', settings: `the "root" setting in ${settingsPath}` } as const;
      io.out(confinement ? `Paths are confined to ${confinement.root} (${from[confinement.source]}).` : `Paths are not confined: the browser may name any file this user can reach (--root DIR, or "root" in ${settingsPath}, confines them).`);
    }
    await stopped;
  },
};
