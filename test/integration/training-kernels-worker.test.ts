import { describe, expect, it } from 'vitest';
import { Worker } from 'node:worker_threads';
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { createRequire } from 'node:module';
import { pathToFileURL } from 'node:url';
import { repoRoot } from '../helpers/paths';

// The training worker runs TF.js inside worker_threads; the threaded WASM build starts its own pthread
// workers from there. This checks that it comes up with both threads and trains.

describe('WASM training backend inside a worker thread', () => {
  it('starts threaded SIMD WASM and lowers the loss of a tiny U-Net', async () => {
    // The test process has no TypeScript loader for workers: the worker registers tsx itself.
    // tsx's ESM API (its CommonJS twin cannot register ESM hooks from an eval worker).
    const tsxRoot = join(createRequire(import.meta.url).resolve('tsx/esm/api'), '..', '..', '..', '..');
    const tsx = pathToFileURL(join(tsxRoot, 'dist', 'esm', 'api', 'index.mjs')).href;
    const fixture = pathToFileURL(join(repoRoot, 'test', 'integration', 'training-kernels-worker.fixture.ts')).href;
    const bootstrap = `import(${JSON.stringify(tsx)}).then(({ register }) => { register(); return import(${JSON.stringify(fixture)}); });`;
    const worker = new Worker(bootstrap, { eval: true });
    const result = await new Promise<{ report: { name: string; device: string; note?: string }; losses: number[] }>(
      (resolve, reject) => {
        worker.once('message', resolve);
        worker.once('error', reject);
      },
    );
    await worker.terminate();
    expect(result.report.name).toBe('wasm');
    expect(result.report.device).toMatch(/WASM SIMD, 2 threads/);
    expect(result.report.note ?? '').not.toMatch(/threads unavailable|asked for/);
    expect(result.losses.every(Number.isFinite)).toBe(true);
    expect(result.losses[result.losses.length - 1]).toBeLessThan(result.losses[0]);
  });

  it('lets a process that used the threaded backend exit by itself', () => {
    const fixture = join(repoRoot, 'test', 'integration', 'training-kernels-exit.fixture.ts');
    // execFileSync throws on a non-zero exit and on the timeout (a process kept alive by its threads).
    const output = execFileSync(process.execPath, ['--import', 'tsx', fixture], { encoding: 'utf8', timeout: 60_000, cwd: repoRoot });
    const result = JSON.parse(output.trim().split('\n').pop() ?? '{}') as { device: string; centre: number };
    expect(result.device).toMatch(/2 threads/);
    expect(result.centre).toBe(36);
  });
});
