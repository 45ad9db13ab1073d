import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { join } from 'node:path';
import { ProjectStore } from '../../src-main/services/project/store';
import { DicomWebClient, type DicomWebTarget } from '../../src-main/services/pacs/dicomweb';
import { listStudySeries, searchStudies } from '../../src-main/services/pacs/study';
import { retrieveStudy } from '../../src-main/services/pacs/retrieve';
import { sendResults } from '../../src-main/services/pacs/send';
import { importFiles } from '../../src-main/services/project/import';
import { PleuraError } from '../../src-shared/api/result';
import { freePort, orthancAvailable, startOrthanc, type OrthancServer } from '../helpers/orthanc';
import { makeTestStudy, type TestStudy } from '../helpers/pacs-study';
import { startFaultyProxy } from '../helpers/tcp-proxy';
import { grayPng, patternMask, tempDir } from '../unit/main/project/helpers';

const target = (url: string, extra: Partial<DicomWebTarget> = {}): DicomWebTarget => ({ qidoUrl: url, wadoUrl: url, stowUrl: url, auth: { kind: 'none' }, timeoutMs: 20_000, ...extra });

async function failure(promise: Promise<unknown>): Promise<PleuraError> {
  const error = await promise.then(() => null, (e: unknown) => e);
  expect(error).toBeInstanceOf(PleuraError);
  return error as PleuraError;
}

describe.skipIf(!orthancAvailable())('PACS query and retrieve against Orthanc', () => {
  let orthanc: OrthancServer;
  let study: TestStudy;
  let other: TestStudy;
  let client: DicomWebClient;
  let dir: string;
  let cleanup: () => Promise<void>;

  beforeAll(async () => {
    ({ dir, cleanup } = await tempDir('pleura-pacs-'));
    orthanc = await startOrthanc();
    study = makeTestStudy({ films: 4, lateral: true, undecodable: true, nonImage: true, accession: 'ACC-4711', studyDate: '20240105' });
    other = makeTestStudy({ films: 1, patientId: 'OTHER-1', accession: 'ACC-9', studyDate: '20230101' });
    await orthanc.upload([...study.files, ...other.files]);
    client = new DicomWebClient(target(orthanc.dicomWebUrl));
  });
  afterAll(async () => {
    await orthanc?.stop();
    await cleanup?.();
  });

  it('finds studies by patient ID, name, date range, accession and modality', async () => {
    const byId = await searchStudies(client, { patientId: study.patientId });
    expect(byId.map((s) => s.studyInstanceUid)).toEqual([study.studyInstanceUid]);
    expect(byId[0]).toMatchObject({ patientName: 'Test^Pacs', accession: 'ACC-4711', studyDate: '20240105' });
    expect(byId[0].seriesCount).toBe(4);
    expect(byId[0].instanceCount).toBe(7);
    expect((await searchStudies(client, { patientName: 'test' })).length).toBe(2);
    expect((await searchStudies(client, { accession: 'ACC-9' })).map((s) => s.studyInstanceUid)).toEqual([other.studyInstanceUid]);
    expect((await searchStudies(client, { studyDateFrom: '20240101', studyDateTo: '20241231' })).map((s) => s.studyInstanceUid)).toEqual([study.studyInstanceUid]);
    expect(await searchStudies(client, { modalities: ['MR'] })).toEqual([]);
  });

  it('lists series with films, a lateral view, an undecodable film and a non-image object', async () => {
    const series = await listStudySeries(client, study.studyInstanceUid, new Map());
    const instances = series.flatMap((s) => s.instances);
    const kind = (uid: string) => instances.find((i) => i.sopInstanceUid === uid)?.skip;
    expect(instances).toHaveLength(7);
    for (const uid of study.films) expect(kind(uid)).toBeNull();
    expect(kind(study.lateral[0])).toBe('lateral');
    expect(kind(study.undecodable[0])).toBeNull();
    expect(kind(study.nonImage[0])).toBe('non-image');
  });

  it('retrieves the films with PACS provenance, reports the undecodable one, and a retry adds nothing', async () => {
    const store = await ProjectStore.create(join(dir, 'retrieve'));
    try {
      const fractions: number[] = [];
      const report = await retrieveStudy(client, orthanc.dicomWebUrl, store, { studyInstanceUid: study.studyInstanceUid }, { progress: (f) => fractions.push(f) });
      expect(report.imported.map((i) => i.sopInstanceUid).sort()).toEqual([...study.films].sort());
      expect(report.skipped.map((s) => s.kind).sort()).toEqual(['lateral', 'non-image']);
      expect(report.failed).toHaveLength(1);
      expect(report.failed[0].sopInstanceUid).toBe(study.undecodable[0]);
      expect(report.failed[0].reason).toMatch(/JPEG Lossless.*codestream/i);
      expect(fractions.at(-1)).toBe(1);
      const images = store.listImages();
      expect(images).toHaveLength(4);
      for (const image of images) {
        expect(image.pacs).toMatchObject({ server: orthanc.dicomWebUrl, studyInstanceUid: study.studyInstanceUid });
        expect(study.films).toContain(image.pacs!.sopInstanceUid);
        expect(image).toMatchObject({ kind: 'dicom', widthPx: 440, heightPx: 440 });
      }
      const audit = await store.audit({});
      const imports = audit.filter((e) => e.action === 'import' && e.imageId);
      expect(imports).toHaveLength(4);
      expect(imports.every((e) => (e.detail.pacs as { sopInstanceUid: string }).sopInstanceUid)).toBe(true);
      const retry = await retrieveStudy(client, orthanc.dicomWebUrl, store, { studyInstanceUid: study.studyInstanceUid });
      expect(retry.imported).toEqual([]);
      expect(retry.alreadyInProject.map((i) => i.sopInstanceUid).sort()).toEqual([...study.films].sort());
      expect(store.listImages()).toHaveLength(4);
    } finally {
      await store.close();
    }
  });

  it('a retrieve cut off half way keeps only whole images, says why, and a retry completes it without duplicates', async () => {
    const store = await ProjectStore.create(join(dir, 'cut'));
    // Metadata plus about two and a half films (each ~390 kB) get through, then the server goes away.
    const proxy = await startFaultyProxy(orthanc.httpPort, { cutAfterBytes: 1_000_000, path: '/dicom-web' });
    try {
      const cutClient = new DicomWebClient(target(proxy.url));
      const report = await retrieveStudy(cutClient, orthanc.dicomWebUrl, store, { studyInstanceUid: study.studyInstanceUid });
      expect(proxy.cut).toBe(true);
      expect(report.imported.length).toBeGreaterThan(0);
      expect(report.imported.length).toBeLessThan(4);
      expect(report.failed.length).toBe(5 - report.imported.length);
      expect(report.failed.every((f) => f.code === 'unreachable')).toBe(true);
      expect(report.failed[0].reason).toMatch(/cut off|cannot be reached/);
      // Every image that is in the project is whole: its bytes are the PACS's bytes.
      for (const image of store.listImages()) {
        const bytes = await store.readImageBytes(image.id);
        const original = study.files.find((f) => Buffer.from(f).includes(Buffer.from(image.pacs!.sopInstanceUid)));
        expect(Buffer.compare(Buffer.from(bytes), Buffer.from(original!))).toBe(0);
      }
      const retry = await retrieveStudy(client, orthanc.dicomWebUrl, store, { studyInstanceUid: study.studyInstanceUid });
      expect(retry.imported.length + retry.alreadyInProject.length).toBe(4);
      expect(retry.alreadyInProject.length).toBe(report.imported.length);
      expect(store.listImages()).toHaveLength(4);
      expect(new Set(store.listImages().map((i) => i.pacs!.sopInstanceUid)).size).toBe(4);
    } finally {
      await proxy.stop();
      await store.close();
    }
  });

  it('sends the SEG alone (format dicom-seg) into the film\'s study, and skips a film without a mask or a DICOM source', async () => {
    const store = await ProjectStore.create(join(dir, 'send-seg'));
    try {
      const retrieved = await retrieveStudy(client, orthanc.dicomWebUrl, store, { studyInstanceUid: other.studyInstanceUid });
      const filmId = retrieved.imported[0].imageId;
      await store.saveRevision(filmId, patternMask(440, 440, 2), { source: { kind: 'model', modelId: 'unet', modelVersion: '1' } });
      const raster = (await importFiles(store, [{ name: 'film.png', bytes: await grayPng(64, 64, 1) }])).imported[0];
      await store.saveRevision(raster.id, patternMask(64, 64, 1));
      const bare = (await importFiles(store, [{ name: 'no-mask.png', bytes: await grayPng(64, 64, 2) }])).imported[0];
      const report = await sendResults(client, orthanc.dicomWebUrl, store, { format: 'dicom-seg', imageIds: [filmId, raster.id, bare.id] });
      expect(report.sent.map((s) => s.imageId)).toEqual([filmId]);
      expect(report.skipped.map((s) => s.imageId)).toEqual([raster.id, bare.id]);
      expect(report.skipped[0].reason).toMatch(/raster/i);
      expect(report.skipped[1].reason).toMatch(/no mask/i);
      const inStudy = await listStudySeries(client, other.studyInstanceUid, new Map());
      const kinds = inStudy.flatMap((s) => s.instances.map((i) => i.skip));
      expect(kinds.filter((k) => k === 'seg')).toHaveLength(1);
      expect(kinds.filter((k) => k === 'sr')).toHaveLength(0);
      const audit = await store.audit({ imageId: filmId });
      expect(audit.find((e) => e.action === 'export' && e.detail.pacs)?.detail.pacs).toMatchObject({ segSopInstanceUid: report.sent[0].segSopInstanceUid, sent: 'dicom-seg' });
    } finally {
      await store.close();
    }
  });

  it('stops on cancel', async () => {
    const store = await ProjectStore.create(join(dir, 'cancel'));
    try {
      const controller = new AbortController();
      const run = retrieveStudy(client, orthanc.dicomWebUrl, store, { studyInstanceUid: study.studyInstanceUid }, {
        signal: controller.signal,
        progress: (fraction) => {
          if (fraction > 0) controller.abort();
        },
      });
      expect((await failure(run)).code).toBe('cancelled');
      expect(store.listImages().length).toBeLessThan(4);
    } finally {
      await store.close();
    }
  });

  it('gives clear codes for an unreachable server and a time-out, without credentials in the message', async () => {
    const port = await freePort();
    const secretClient = new DicomWebClient(target(`http://127.0.0.1:${port}/dicom-web`, { auth: { kind: 'basic', user: 'alice', password: 's3cret-pw' } }));
    const unreachable = await failure(searchStudies(secretClient, {}));
    expect(unreachable.code).toBe('unreachable');
    expect(unreachable.message).toContain(`127.0.0.1:${port}`);
    expect(unreachable.message).not.toContain('s3cret-pw');
    const stall = await startFaultyProxy(orthanc.httpPort, { stall: true, path: '/dicom-web' });
    try {
      const slow = await failure(searchStudies(new DicomWebClient(target(stall.url, { timeoutMs: 1500 })), {}));
      expect(slow.code).toBe('timeout');
      expect(slow.message).toMatch(/did not answer within 2 s/);
    } finally {
      await stall.stop();
    }
  });
});

describe.skipIf(!orthancAvailable())('PACS authentication against Orthanc', () => {
  let orthanc: OrthancServer;
  beforeAll(async () => {
    orthanc = await startOrthanc({ users: { radiology: 'correct-horse' } });
    await orthanc.upload(makeTestStudy({ films: 1 }).files);
  });
  afterAll(async () => {
    await orthanc?.stop();
  });

  it('accepts the right password and refuses a wrong or missing one with code unauthorized', async () => {
    const good = new DicomWebClient(target(orthanc.dicomWebUrl, { auth: { kind: 'basic', user: 'radiology', password: 'correct-horse' } }));
    expect(await searchStudies(good, {})).toHaveLength(1);
    const wrong = await failure(searchStudies(new DicomWebClient(target(orthanc.dicomWebUrl, { auth: { kind: 'basic', user: 'radiology', password: 'battery-staple' } })), {}));
    expect(wrong.code).toBe('unauthorized');
    expect(wrong.message).not.toContain('battery-staple');
    expect((await failure(searchStudies(new DicomWebClient(target(orthanc.dicomWebUrl)), {}))).code).toBe('unauthorized');
    expect((await failure(searchStudies(new DicomWebClient(target(orthanc.dicomWebUrl, { auth: { kind: 'bearer', token: 'tok-123' } })), {}))).code).toBe('unauthorized');
  });
});
