// The confinement root as a setting: `pleura serve` (the real command, its own process) without
// --root reads "root" from its settings file (PLEURA_SERVE_CONFIG here, ~/.config/pleura/serve.json by
// default) and confines every path the browser names to it exactly like --root; --root wins over it.
// A settings file that others could change, or that misspells its key, stops the start.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spawn, spawnSync } from 'node:child_process';
import { chmodSync, mkdirSync, mkdtempSync, realpathSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { repoRoot } from '../../helpers/paths';
import { call, expectServing, type ServeChild } from './harness';

let base: string;
let rendererDir: string;
const running: ServeChild[] = [];

/** The serve command's environment: its own data folder and settings file, no PLEURA_SERVE_ROOT. */
function envFor(settings: string): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env, PLEURA_DATA_DIR: mkdtempSync(join(base, 'data-')), PLEURA_SERVE_CONFIG: settings, PLEURA_RENDERER_DIR: rendererDir };
  delete env.PLEURA_SERVE_ROOT;
  return env;
}

/** Writes a settings file (0600 unless told) and returns its path. */
function settingsFile(content: string, mode = 0o600): string {
  const path = join(mkdtempSync(join(base, 'config-')), 'serve.json');
  writeFileSync(path, content);
  chmodSync(path, mode);
  return path;
}

/** Runs `pleura serve --json` until it prints its URL. */
async function serve(settings: string, args: string[] = []): Promise<ServeChild & { started: { root: string | null; rootFrom: string | null } }> {
  const child = spawn(process.execPath, [join(repoRoot, 'bin', 'pleura.mjs'), 'serve', '--json', '--no-build', ...args], { cwd: base, env: envFor(settings), stdio: ['ignore', 'pipe', 'pipe'] });
  let stderr = '';
  child.stderr.on('data', (chunk) => (stderr += String(chunk)));
  const started = await new Promise<{ url: string; root: string | null; rootFrom: string | null }>((resolve, reject) => {
    let stdout = '';
    const timer = setTimeout(() => reject(new Error(`serve did not start: ${stderr}`)), 90_000);
    child.stdout.on('data', (chunk) => {
      stdout += String(chunk);
      const line = stdout.split('\n').find((l) => l.includes('"url"'));
      if (line) {
        clearTimeout(timer);
        resolve(JSON.parse(line));
      }
    });
    child.once('exit', (code) => reject(new Error(`serve exited with ${code}: ${stderr}`)));
  });
  const url = new URL(started.url);
  const server: ServeChild & { started: typeof started } = {
    port: Number(url.port),
    token: url.searchParams.get('token') ?? '',
    origin: url.origin,
    work: base,
    child,
    started,
    stderr: () => stderr,
    stop: () =>
      new Promise<void>((resolve) => {
        if (child.exitCode !== null || child.signalCode !== null) return resolve();
        child.once('exit', () => resolve());
        child.kill('SIGTERM');
        setTimeout(() => child.kill('SIGKILL'), 5_000).unref();
      }),
  };
  running.push(server);
  return server;
}

/** `pleura serve` that must not start: its exit code and what it said. */
function refusedStart(settings: string): { status: number | null; stderr: string } {
  const result = spawnSync(process.execPath, [join(repoRoot, 'bin', 'pleura.mjs'), 'serve', '--no-build'], { cwd: base, env: envFor(settings), encoding: 'utf8', timeout: 90_000 });
  return { status: result.status, stderr: result.stderr };
}

beforeAll(() => {
  base = realpathSync(mkdtempSync(join(tmpdir(), 'pleura-serve-settings-')));
  rendererDir = join(base, 'renderer');
  mkdirSync(rendererDir);
  writeFileSync(join(rendererDir, 'index.html'), '<!doctype html><title>Pleura</title>');
  for (const dir of ['set-root', 'flag-root', 'outside']) mkdirSync(join(base, dir));
});
afterAll(async () => {
  await Promise.all(running.map((server) => server.stop()));
  rmSync(base, { recursive: true, force: true });
});

describe('the serve root as a setting', () => {
  it('confines like --root: relative paths from the setting root, anything outside refused', async () => {
    const server = await serve(settingsFile(JSON.stringify({ format: 'pleura-serve', root: join(base, 'set-root') })));
    expect(server.started).toMatchObject({ root: join(base, 'set-root'), rootFrom: 'settings' });
    const outside = await call(server, 'project', 'create', [join(base, 'outside', 'p'), {}]);
    expect(outside).toMatchObject({ ok: false, code: 'forbidden' });
    const escape = await call(server, 'project', 'create', ['../outside/p', {}]);
    expect(escape).toMatchObject({ ok: false, code: 'forbidden' });
    const inside = await call(server, 'project', 'create', ['p', { name: 'p' }]);
    expect(inside.ok, JSON.stringify(inside)).toBe(true);
    expect((inside.value as { path: string }).path).toBe(join(base, 'set-root', 'p'));
    expect(await call(server, 'project', 'importPaths', [['/etc/hostname'], {}])).toMatchObject({ ok: false, code: 'forbidden' });
    await expectServing(server);
    await server.stop();
  });

  it('--root wins over the setting', async () => {
    const server = await serve(settingsFile(JSON.stringify({ root: join(base, 'set-root') })), ['--root', join(base, 'flag-root')]);
    expect(server.started).toMatchObject({ root: join(base, 'flag-root'), rootFrom: 'flag' });
    expect(await call(server, 'project', 'create', [join(base, 'set-root', 'q'), {}])).toMatchObject({ ok: false, code: 'forbidden' });
    const inside = await call(server, 'project', 'create', ['q', { name: 'q' }]);
    expect((inside.value as { path: string }).path).toBe(join(base, 'flag-root', 'q'));
    await server.stop();
  });

  it('no settings file and no flag: not confined, and it says so', async () => {
    const server = await serve(join(base, 'no-such-config', 'serve.json'));
    expect(server.started).toMatchObject({ root: null, rootFrom: null });
    await server.stop();
  });

  it('refuses to start with a settings file others could change (exit 1, one line, no stack)', () => {
    // every other malformed file is refused the same way: test/unit/main/cli/serve-settings.test.ts
    const { status, stderr } = refusedStart(settingsFile(JSON.stringify({ root: '/tmp' }), 0o666));
    expect(status).toBe(1);
    expect(stderr).toMatch(/can be changed by other users/);
    expect(stderr).not.toMatch(/\n\s+at /);
  });

  it('refuses a settings path that is a FIFO without hanging', () => {
    const fifo = join(base, 'serve.fifo');
    spawnSync('mkfifo', ['-m', '600', fifo]);
    const { status, stderr } = refusedStart(fifo);
    expect(status).toBe(1);
    expect(stderr).toMatch(/not a regular file/);
  });
});
