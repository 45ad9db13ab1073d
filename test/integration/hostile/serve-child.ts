// A `pleura serve` for the hostile-input suite, run as its own process (`node --import tsx`), so that
// a crash ends it and not the test runner, and its memory can be read from /proc. It serves a tiny
// renderer folder and the real contract with a data folder of its own; it prints one JSON line.
// PLEURA_TEST_UPLOAD_IDLE_MS / _TIMEOUT_MS shorten the upload time limits.
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createAppContext } from '../../../src-main/services/create-context';
import { createHandlers } from '../../../src-main/transport/handlers';
import { startServe } from '../../../src-main/transport/serve';

const work = mkdtempSync(join(tmpdir(), 'pleura-hostile-serve-'));
const rendererDir = join(work, 'renderer');
mkdirSync(join(rendererDir, 'assets'), { recursive: true });
writeFileSync(join(rendererDir, 'index.html'), '<!doctype html><title>Pleura</title>');
writeFileSync(join(rendererDir, 'assets', 'app.js'), 'console.log(1);');
const ctx = createAppContext({ transport: 'serve', dataDir: join(work, 'data') });
const api = createHandlers(ctx);
const uploadLimits = {
  ...(process.env.PLEURA_TEST_UPLOAD_IDLE_MS ? { idleTimeoutMs: Number(process.env.PLEURA_TEST_UPLOAD_IDLE_MS) } : {}),
  ...(process.env.PLEURA_TEST_UPLOAD_TIMEOUT_MS ? { timeoutMs: Number(process.env.PLEURA_TEST_UPLOAD_TIMEOUT_MS) } : {}),
};
const handle = await startServe({ ctx, api, rendererDir, token: process.env.PLEURA_TEST_TOKEN, root: process.env.PLEURA_TEST_ROOT || undefined, uploadLimits });
process.stdout.write(`${JSON.stringify({ port: handle.port, token: handle.token, work })}\n`);
process.on('SIGTERM', () => void handle.close().then(() => process.exit(0)));
