import { Worker, type WorkerOptions } from 'node:worker_threads';
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { dirname, join } from 'node:path';

export type WorkerName = 'inference' | 'training' | 'decode';

/**
 * Starts a worker thread from source (tests, `npm run cli` in a checkout: through tsx) or from the
 * built bundle (electron-vite puts `<name>.worker.js` beside the main bundle).
 */
export function spawnWorker(name: WorkerName, options: WorkerOptions = {}): Worker {
  const here = dirname(fileURLToPath(import.meta.url));
  const candidates = [
    { file: join(here, `${name}.worker.js`), execArgv: [] as string[] },
    { file: join(here, `${name}.worker.mjs`), execArgv: [] as string[] },
    // Bundled: this module may sit in out/main/chunks while the worker entries are in out/main.
    { file: join(here, '..', `${name}.worker.js`), execArgv: [] as string[] },
    { file: join(here, `${name}.worker.ts`), execArgv: ['--import', 'tsx'] },
    { file: join(here, '..', 'workers', `${name}.worker.ts`), execArgv: ['--import', 'tsx'] },
  ];
  const found = candidates.find((c) => existsSync(c.file));
  if (!found) throw new Error(`worker ${name} not found next to ${here}`);
  if (found.execArgv.length === 0) return new Worker(found.file, options);
  // `--import tsx` in a worker's execArgv fails ("Unknown file extension .ts") when the parent itself
  // runs under tsx or vitest; registering tsx from a small bootstrap works in every parent. An eval'd
  // worker resolves bare specifiers from the working directory, so tsx is located here, from this
  // package, and imported by URL: `pleura` then works from any folder and through `npm link`.
  const tsxApi = pathToFileURL(tsxEsmApiPath()).href;
  const bootstrap = `import(${JSON.stringify(tsxApi)}).then((tsx) => { tsx.register(); return import(${JSON.stringify(pathToFileURL(found.file).href)}); });`;
  return new Worker(bootstrap, { ...options, eval: true });
}

/** The ESM entry of tsx's register API, resolved from this module's own location (not the cwd). */
export function tsxEsmApiPath(): string {
  const manifest = createRequire(import.meta.url).resolve('tsx/package.json');
  return join(dirname(manifest), 'dist', 'esm', 'api', 'index.mjs');
}
