import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readdir, readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { createAppContext } from '../../src-main/services/create-context';
import type { AppContext } from '../../src-main/services/context';
import { createHandlers } from '../../src-main/transport/handlers';
import { dispatch } from '../../src-main/transport/dispatch';
import { PACS_CONNECTIONS_KEY } from '../../src-main/services/pacs/handlers';
import { PacsConnectionStore } from '../../src-main/services/pacs/connections';
import type { Api, JobEvent, PacsConnection, PacsRetrieveReport, PacsSeries, PacsStudy, Result } from '../../src-shared/api';
import { orthancAvailable, startOrthanc, type OrthancServer } from '../helpers/orthanc';
import { makeTestStudy, type TestStudy } from '../helpers/pacs-study';
import { tempDir } from '../unit/main/project/helpers';

const password = 'Tr0ub4dor&3-never-logged';

/** Every file under `dir`, recursively. */
async function filesUnder(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { withFileTypes: true });
  const nested = await Promise.all(entries.map((e) => (e.isDirectory() ? filesUnder(join(dir, e.name)) : Promise.resolve([join(dir, e.name)]))));
  return nested.flat();
}

describe.skipIf(!orthancAvailable())('pacs domain through the contract (dispatch, jobs) against Orthanc with basic auth', () => {
  let orthanc: OrthancServer;
  let study: TestStudy;
  let dir: string;
  let cleanup: () => Promise<void>;
  let ctx: AppContext;
  let api: Api;
  const events: JobEvent[] = [];
  const call = async <T>(domain: string, method: string, ...args: unknown[]): Promise<Result<T>> => (await dispatch(api, domain, method, args)) as Result<T>;
  const value = async <T>(domain: string, method: string, ...args: unknown[]): Promise<T> => {
    const result = await call<T>(domain, method, ...args);
    if (!result.ok) throw new Error(`${domain}:${method}: ${result.code} ${result.reason}`);
    return result.value;
  };
  const settled = (jobId: string) =>
    new Promise<JobEvent>((resolve) => {
      const check = () => events.find((e) => e.jobId === jobId && (e.type === 'result' || e.type === 'error' || e.type === 'cancelled'));
      const found = check();
      if (found) return resolve(found);
      const off = ctx.events.on('job', () => {
        const done = check();
        if (done) {
          off();
          resolve(done);
        }
      });
    });

  beforeAll(async () => {
    ({ dir, cleanup } = await tempDir('pleura-pacs-contract-'));
    orthanc = await startOrthanc({ users: { reader: password } });
    study = makeTestStudy({ films: 6, filmFixture: 'RG2_JPLL.dcm' });
    await orthanc.upload(study.files);
    ctx = createAppContext({ transport: 'serve', dataDir: join(dir, 'data') });
    ctx.services.set(PACS_CONNECTIONS_KEY, new PacsConnectionStore(join(dir, 'config', 'pacs.json')));
    api = createHandlers(ctx);
    ctx.events.on('job', (event) => events.push(event));
  });
  afterAll(async () => {
    await dispatch(api, 'project', 'close', []);
    await orthanc?.stop();
    await cleanup?.();
  });

  it('saves a connection without handing the secret back, searches, lists, retrieves as a job with progress, and cancels one', async () => {
    const refused = await call('pacs', 'saveConnection', { name: 'x', baseUrl: 'file:///etc/passwd', auth: 'none' });
    expect(refused).toMatchObject({ ok: false, code: 'invalid-argument' });
    const saved = await value<PacsConnection>('pacs', 'saveConnection', { name: 'Orthanc', baseUrl: orthanc.dicomWebUrl, auth: 'basic', user: 'reader', secret: password });
    expect(saved.hasSecret).toBe(true);
    expect(JSON.stringify(await value('pacs', 'connections'))).not.toContain(password);
    expect((await stat(join(dir, 'config', 'pacs.json'))).mode & 0o777).toBe(0o600);

    const studies = await value<PacsStudy[]>('pacs', 'searchStudies', saved.id, { patientId: study.patientId });
    expect(studies.map((s) => s.studyInstanceUid)).toEqual([study.studyInstanceUid]);
    await value('project', 'create', join(dir, 'project'), {});

    // Cancel the first retrieve as soon as it reports progress: it stops, keeping whole films only.
    const first = await value<{ jobId: string }>('pacs', 'retrieve', saved.id, { studyInstanceUid: study.studyInstanceUid });
    const off = ctx.events.on('job', (event) => {
      if (event.jobId === first.jobId && event.type === 'progress' && event.fraction > 0) void dispatch(api, 'jobs', 'cancel', [first.jobId]);
    });
    expect((await settled(first.jobId)).type).toBe('cancelled');
    off();
    const afterCancel = (await value<{ id: string }[]>('project', 'listImages')).length;
    expect(afterCancel).toBeLessThan(6);

    const second = await value<{ jobId: string }>('pacs', 'retrieve', saved.id, { studyInstanceUid: study.studyInstanceUid });
    const done = await settled(second.jobId);
    expect(done.type).toBe('result');
    const report = (done as { value: PacsRetrieveReport }).value;
    expect(report.imported.length + report.alreadyInProject.length).toBe(6);
    expect(report.alreadyInProject.length).toBe(afterCancel);
    const progress = events.filter((e) => e.jobId === second.jobId && e.type === 'progress') as { fraction: number; etaMs: number | null }[];
    expect(progress.at(-1)!.fraction).toBe(1);
    expect(progress.length).toBeGreaterThan(2);

    const series = await value<PacsSeries[]>('pacs', 'listSeries', saved.id, study.studyInstanceUid);
    expect(series[0].instances.every((i) => i.imageId !== null)).toBe(true);

    // The password is nowhere in the project folder (images, log, snapshot) nor in the data folder.
    for (const file of [...(await filesUnder(join(dir, 'project'))), ...(await filesUnder(join(dir, 'data')).catch(() => []))]) {
      expect((await readFile(file)).includes(Buffer.from(password)), file).toBe(false);
    }
    const log = await readFile(join(dir, 'project', 'log.jsonl'), 'utf8');
    expect(log).toContain(study.films[0]);
    expect(log).toContain(orthanc.dicomWebUrl);
  });

  it('reports a wrong password as unauthorized without repeating it', async () => {
    const bad = await value<PacsConnection>('pacs', 'saveConnection', { name: 'Wrong', baseUrl: orthanc.dicomWebUrl, auth: 'basic', user: 'reader', secret: 'wrong-secret-xyz' });
    const result = await call('pacs', 'searchStudies', bad.id, {});
    expect(result).toMatchObject({ ok: false, code: 'unauthorized' });
    expect(JSON.stringify(result)).not.toContain('wrong-secret-xyz');
    const invalid = await call('pacs', 'retrieve', bad.id, { studyInstanceUid: 'not a uid' });
    expect(invalid).toMatchObject({ ok: false, code: 'invalid-argument' });
  });
});
