// Uploads into a project open read-only (its folder could not be written, or it is open elsewhere):
// serve mode answers 409 before reading the body, and nothing of the film reaches the project folder.
// In-process: the real server (token, Origin, upload endpoint) over a session holding a real project
// store opened read-only (a root test process cannot make a folder unwritable to itself).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createAppContext } from '../../../src-main/services/create-context';
import { createHandlers } from '../../../src-main/transport/handlers';
import { startServe, type ServeHandle } from '../../../src-main/transport/serve';
import { ProjectStore } from '../../../src-main/services/project/store';
import { importFiles } from '../../../src-main/services/project/import';
import type { ProjectSession } from '../../../src-main/services/project/session';
import { fixturePath } from '../../helpers/paths';
import { grayPng } from '../../unit/main/project/helpers';
import { httpUpload, uploadLeftovers, uploadTarget, type ServeChild } from './harness';

let work: string;
let project: string;
let store: ProjectStore;
let handle: ServeHandle;
let server: ServeChild;

/** Every file under a folder with its size: what a refused upload must leave as it was. */
function listing(dir: string): string[] {
  return readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((entry) => entry.isFile())
    .map((entry) => `${join(entry.parentPath, entry.name)}:${statSync(join(entry.parentPath, entry.name)).size}`)
    .sort();
}

beforeAll(async () => {
  work = mkdtempSync(join(tmpdir(), 'pleura-upload-readonly-'));
  project = join(work, 'project');
  const writable = await ProjectStore.create(project, { name: 'ro' });
  await importFiles(writable, [{ name: 'first.png', bytes: await grayPng(8, 6, 1) }]);
  await writable.close();
  store = await ProjectStore.open(project, { readOnly: true });
  const rendererDir = join(work, 'renderer');
  mkdirSync(rendererDir);
  writeFileSync(join(rendererDir, 'index.html'), '<!doctype html><title>Pleura</title>');
  const ctx = createAppContext({ transport: 'serve', dataDir: join(work, 'data') });
  const refuse = () => {
    throw new Error('not used by the upload endpoint');
  };
  const session: ProjectSession = { current: () => store, require: () => store, create: refuse, open: refuse, close: async () => undefined, verified: async () => undefined };
  ctx.services.set('project.session', session);
  handle = await startServe({ ctx, api: createHandlers(ctx), rendererDir, token: 'read-only-test-token' });
  const origin = `http://127.0.0.1:${handle.port}`;
  server = { port: handle.port, token: handle.token, origin, work, child: process as never, stderr: () => '', stop: async () => undefined };
});
afterAll(async () => {
  await handle?.close();
  await store?.close();
  rmSync(work, { recursive: true, force: true });
});

describe('uploads into a read-only project', () => {
  it('is open read-only (the premise)', () => {
    expect(store.readOnly).toBe(true);
    expect(store.summary().readOnly).toBe(true);
  });

  it.each([
    ['a film', () => readFileSync(fixturePath('project', 'images', 'COVIDGB_kjr-21-e24-g001-l-a.png')), undefined],
    ['a film with its mask', () => Buffer.concat([readFileSync(fixturePath('project', 'images', 'COVIDGB_kjr-21-e24-g002-l-a.png')), readFileSync(fixturePath('project', 'masks', 'COVIDGB_kjr-21-e24-g002-l-a.png'))]), readFileSync(fixturePath('project', 'masks', 'COVIDGB_kjr-21-e24-g002-l-a.png')).length],
  ])('refuses %s (409 conflict, with why) and writes nothing into the project', async (_name, body, maskBytes) => {
    const before = listing(project);
    const target = maskBytes === undefined ? uploadTarget('film.png') : uploadTarget('film.png', { name: 'film_mask.png', bytes: maskBytes });
    const answer = await httpUpload(server, target, body());
    expect(answer.status).toBe(409);
    expect(answer.result).toMatchObject({ ok: false, code: 'conflict', reason: expect.stringMatching(/read-only/), text: { key: 'upload.readOnly' } });
    expect(uploadLeftovers(project)).toEqual([]);
    expect(listing(project)).toEqual(before);
    expect(store.listImages().map((image) => image.name)).toEqual(['first.png']);
  });

  it('refuses a declared 200 MiB upload the same way, before reading it', async () => {
    const answer = await httpUpload(server, uploadTarget('big.dcm'), { bytes: 200 * 2 ** 20 });
    expect(answer.status).toBe(409);
    expect(uploadLeftovers(project)).toEqual([]);
  });
});
