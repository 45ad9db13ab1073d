// `npm start`: build, then run the Electron app. The Electron binary is downloaded from GitHub on first
// use; where that is impossible (offline build machines) say so once and point to serve mode. Never hang.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const require = createRequire(import.meta.url);
const DOWNLOAD_TIMEOUT_MS = 180_000;

function electronBinary() {
  const pkgDir = dirname(require.resolve('electron/package.json'));
  const pathFile = join(pkgDir, 'path.txt');
  if (!existsSync(pathFile)) return { pkgDir, binary: null };
  const binary = join(pkgDir, 'dist', readFileSync(pathFile, 'utf8').trim());
  return { pkgDir, binary: existsSync(binary) ? binary : null };
}

function fail(reason) {
  console.error(
    `\nPleura could not start the desktop app: ${reason}\n` +
      'The Electron runtime is downloaded from GitHub the first time and this machine could not get it.\n' +
      'Run the same workstation in your browser instead:  npm run serve\n' +
      '(or fetch Electron on a connected machine / set ELECTRON_MIRROR, then npm start again)\n',
  );
  process.exit(1);
}

let { pkgDir, binary } = electronBinary();
if (!binary) {
  console.log('Downloading the Electron runtime (first start)...');
  const result = spawnSync(process.execPath, [join(pkgDir, 'install.js')], {
    stdio: 'inherit',
    timeout: DOWNLOAD_TIMEOUT_MS,
    env: { ...process.env, ELECTRON_SKIP_BINARY_DOWNLOAD: '' },
  });
  if (result.error || result.status !== 0) fail(result.error?.code === 'ETIMEDOUT' ? 'the download timed out' : 'the download failed');
  ({ binary } = electronBinary());
  if (!binary) fail('the Electron binary is still missing after the download');
}

const build = spawnSync(process.execPath, [join(root, 'node_modules', 'electron-vite', 'bin', 'electron-vite.js'), 'build'], { cwd: root, stdio: 'inherit' });
if (build.status !== 0) process.exit(build.status ?? 1);
const child = spawn(binary, [root], { cwd: root, stdio: 'inherit' });
child.on('exit', (code) => process.exit(code ?? 0));
