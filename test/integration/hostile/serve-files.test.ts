// The hostile-input suite, files through serve mode: uploads and imports of bombs and special files
// into a real project, then normal work (a mask save) that must still succeed, with the server's
// peak memory (VmHWM) under the 1.5 GB budget.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { execFileSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fixturePath } from '../../helpers/paths';
import { deflateBomb, zeroPng } from './bombs';
import { call, expectServing, httpUpload, peakRssBytes, sendFrames, frame, startServeChild, uploadTarget, type ServeChild } from './harness';

const BUDGET_BYTES = 1.5e9;
let server: ServeChild;
let deflated: Buffer;

interface Report { imported: { id: string; widthPx: number; heightPx: number }[]; rejected: { path: string; reason: string }[] }

beforeAll(async () => {
  server = await startServeChild();
  const out = join(server.work, 'deflated.dcm');
  execFileSync('dcmconv', ['+td', fixturePath('dicom', 'gdcm-CR-MONO1-10-chest.dcm'), out]);
  deflated = readFileSync(out);
  const created = await call(server, 'project', 'create', [join(server.work, 'project'), { name: 'hostile' }]);
  expect(created.ok, JSON.stringify(created)).toBe(true);
});
afterAll(async () => {
  await server?.stop();
});

// dropped files reach serve mode as streamed uploads (PUT /api/upload), as the served page sends them
const upload = async (name: string, bytes: Buffer) => (await httpUpload(server, uploadTarget(name), bytes)).result!;

describe('hostile files through serve mode', () => {
  it('refuses an uploaded deflate bomb and keeps serving', async () => {
    const result = await upload('bomb.dcm', deflateBomb(deflated, 2 ** 30));
    expect(result.ok).toBe(true);
    const report = result.value as Report;
    expect(report.imported).toEqual([]);
    expect(report.rejected[0].reason).toMatch(/inflates to more than its header declares/);
    await expectServing(server);
  });

  it('refuses an uploaded 10000 x 10000 16-bit RGB PNG', async () => {
    const report = (await upload('huge.png', zeroPng(10000, 10000, { colour: 'rgb', bits: 16 }))).value as Report;
    expect(report.rejected[0].reason).toMatch(/opens safely/);
  });

  it('imports a real film and a deflated DICOM, uploaded and over the WebSocket', async () => {
    const film = (await upload('film.png', readFileSync(fixturePath('xray', 'CHNCXR_0005_0.png')))).value as Report;
    expect(film.imported).toHaveLength(1);
    // project.importFiles still takes small files in one message (Electron's path, over IPC)
    const dicom = (await call(server, 'project', 'importFiles', [[{ name: 'deflated.dcm', bytes: new Uint8Array(deflated) }]])).value as Report;
    expect(dicom.imported).toHaveLength(1);
  });

  it('refuses /dev/zero and FIFOs by type, and mask saves still work afterwards', async () => {
    const fifos = [1, 2, 3, 4, 5].map((i) => join(server.work, `pipe${i}.dcm`));
    for (const fifo of fifos) execFileSync('mkfifo', [fifo]);
    const result = await call(server, 'project', 'importPaths', [['/dev/zero', ...fifos], {}], 60_000);
    expect(result.ok, JSON.stringify(result)).toBe(true);
    const report = result.value as Report;
    expect(report.imported).toEqual([]);
    expect(report.rejected.map((r) => r.reason)).toEqual([
      expect.stringMatching(/is a device, not a regular file/),
      ...fifos.map(() => expect.stringMatching(/named pipe \(FIFO\), not a regular file/)),
    ]);
    const images = (await call(server, 'project', 'listImages', [])).value as { id: string; widthPx: number; heightPx: number }[];
    const image = images[0];
    const mask = { widthPx: image.widthPx, heightPx: image.heightPx, data: new Uint8Array(image.widthPx * image.heightPx) };
    const saved = await call(server, 'masks', 'save', [image.id, mask, { parentId: null }], 60_000);
    expect(saved.ok, JSON.stringify(saved)).toBe(true);
  });

  it('never quotes file contents in a model import error', async () => {
    const secret = join(server.work, 'secret.txt');
    writeFileSync(secret, 'TOP-SECRET-CONTENT: password=hunter2\n');
    const result = await call(server, 'models', 'importModel', [secret, secret]);
    expect(result.ok).toBe(false);
    expect(result.reason).not.toMatch(/SECRET|hunter2|password/);
    const device = await call(server, 'models', 'importModel', ['/dev/zero', secret]);
    expect(device.reason).not.toMatch(/SECRET|hunter2/);
  });

  it('closes a connection whose message is over the size cap, then keeps serving', async () => {
    const { closed } = await sendFrames(server, [frame(2, Buffer.alloc(0), { declaredLength: 258n * 2n ** 20n })], 800);
    expect(closed).toBe(true);
    await expectServing(server);
  });

  it('takes large uploads, three at once, each streamed to disk and imported in turn', async () => {
    const big = Buffer.alloc(170 * 2 ** 20);
    const all = await Promise.all([1, 2, 3].map((i) => upload(`big${i}.dcm`, big)));
    for (const result of all) expect((result.value as Report).rejected[0].reason).toMatch(/not an image|DICOM/i);
    await expectServing(server);
  });

  it('refuses a film-sized WebSocket message (170 MiB) that it took before streaming uploads existed', async () => {
    const { closed } = await sendFrames(server, [frame(2, Buffer.alloc(0), { declaredLength: 170n * 2n ** 20n })], 800);
    expect(closed).toBe(true);
    await expectServing(server);
  });

  it('stayed under the memory budget', () => {
    const peak = peakRssBytes(server.child.pid!);
    if (process.env.PLEURA_PRINT_PEAKS) console.log(`serve peak ${Math.round(peak / 2 ** 20)} MiB`);
    expect(peak).toBeLessThan(BUDGET_BYTES);
  });
});
