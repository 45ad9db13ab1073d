import { describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { repoRoot } from '../../helpers/paths';

const require = createRequire(import.meta.url);
const electronInstalled = existsSync(join(dirname(require.resolve('electron/package.json')), 'path.txt'));

describe('npm start without the Electron binary', () => {
  it.skipIf(electronInstalled)('fails fast with one clear message that points to serve mode', () => {
    // A mirror on a closed local port makes the download fail at once, as it does offline.
    const result = spawnSync(process.execPath, [join(repoRoot, 'scripts', 'start.mjs')], {
      cwd: repoRoot,
      encoding: 'utf8',
      timeout: 60_000,
      env: { ...process.env, ELECTRON_MIRROR: 'http://127.0.0.1:9/', ELECTRON_SKIP_BINARY_DOWNLOAD: '' },
    });
    expect(result.signal).toBeNull();
    expect(result.status).toBe(1);
    expect(result.stderr).toContain('npm run serve');
  });
});
