// Issue 14's goal: from "search" to "SEG and SR in the PACS" for a 10-film study, against a real
// Orthanc with its DICOMweb plugin on loopback. Films are full-size CRs (RG2_JPLL: 2140x1760, 10-bit,
// JPEG lossless, 2.1 MB each, new UIDs per film). Timed: QIDO search, study metadata, WADO-RS
// retrieve into a new project (decode-checked import), prediction with the shipped model (flip TTA,
// as the app runs it), approve, SEG + SR export and STOW-RS, and the QIDO check that both are there.
// Orthanc's own start and the upload of the study are not timed; one film is retrieved and predicted
// first so the model session is warm, as in a running workstation.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { BenchContext, BenchResult } from './types';
import { createAppContext } from '../../src-main/services/create-context';
import { getSession } from '../../src-main/services/project/session';
import { getInferenceService } from '../../src-main/services/inference/service';
import { DicomWebClient } from '../../src-main/services/pacs/dicomweb';
import { listStudySeries, searchStudies } from '../../src-main/services/pacs/study';
import { retrieveStudy } from '../../src-main/services/pacs/retrieve';
import { sendResults } from '../../src-main/services/pacs/send';
import { startOrthanc } from '../helpers/orthanc';
import { makeTestStudy } from '../helpers/pacs-study';

const filmCount = 10;

export default async function run(ctx: BenchContext): Promise<BenchResult[]> {
  const dir = await mkdtemp(join(tmpdir(), 'pleura-bench-pacs-'));
  const orthanc = await startOrthanc();
  const app = createAppContext({ transport: 'cli', dataDir: join(dir, 'data') });
  const inference = getInferenceService(app);
  try {
    const study = makeTestStudy({ films: filmCount, filmFixture: 'RG2_JPLL.dcm', accession: 'BENCH-1' });
    await orthanc.upload(study.files);
    ctx.log(`study of ${filmCount} films, ${(study.files.reduce((s, f) => s + f.length, 0) / 2 ** 20).toFixed(1)} MiB in Orthanc`);
    const client = new DicomWebClient({ qidoUrl: orthanc.dicomWebUrl, wadoUrl: orthanc.dicomWebUrl, stowUrl: orthanc.dicomWebUrl, auth: { kind: 'none' }, timeoutMs: 60_000 });
    // Warm the model session once, as a running workstation has it (not counted).
    const session = getSession(app);
    const store = await session.create(join(dir, 'project'), {});
    const phases: Record<string, number> = {};
    const timed = async <T>(name: string, body: () => Promise<T>): Promise<T> => {
      const started = performance.now();
      const value = await body();
      phases[name] = performance.now() - started;
      return value;
    };
    const warm = makeTestStudy({ films: 1 });
    await orthanc.upload(warm.files);
    await retrieveStudy(client, orthanc.dicomWebUrl, store, { studyInstanceUid: warm.studyInstanceUid });
    await inference.predictImage(store.listImages()[0].id, { tta: true });
    const warmId = store.listImages()[0].id;

    const started = performance.now();
    const cpuBefore = process.cpuUsage();
    const found = await timed('search (QIDO-RS)', () => searchStudies(client, { patientId: study.patientId }));
    if (found.length !== 1) throw new Error(`search found ${found.length} studies`);
    await timed('series and instances (WADO-RS metadata)', () => listStudySeries(client, found[0].studyInstanceUid, new Map()));
    const retrieved = await timed(`retrieve ${filmCount} films into the project`, () => retrieveStudy(client, orthanc.dicomWebUrl, store, { studyInstanceUid: found[0].studyInstanceUid }));
    if (retrieved.imported.length !== filmCount) throw new Error(`retrieved ${retrieved.imported.length} films: ${JSON.stringify(retrieved.failed)}`);
    const ids = retrieved.imported.map((i) => i.imageId);
    await timed(`predict ${filmCount} films (TTA)`, async () => {
      for (const id of ids) await inference.predictImage(id, { tta: true });
    });
    await timed('approve', async () => {
      for (const id of ids) await store.setStatus(id, 'approved');
    });
    const sent = await timed(`SEG + SR for ${filmCount} films, STOW-RS`, () => sendResults(client, orthanc.dicomWebUrl, store, { imageIds: ids }));
    if (sent.sent.length !== filmCount) throw new Error(`sent ${sent.sent.length}: ${JSON.stringify(sent.skipped)}`);
    const check = await timed('QIDO check of SEG and SR in the study', async () => {
      const series = await listStudySeries(client, found[0].studyInstanceUid, new Map());
      return series.flatMap((s) => s.instances).filter((i) => i.skip === 'seg' || i.skip === 'sr').length;
    });
    const totalMs = performance.now() - started;
    const cpu = process.cpuUsage(cpuBefore);
    const load = (await import('node:os')).loadavg()[0];
    ctx.log(`load average during the run: ${load.toFixed(1)} on ${(await import('node:os')).cpus().length} cores`);
    if (check !== 2 * filmCount) throw new Error(`the PACS holds ${check} SEG/SR objects`);
    if (!store.listImages().some((i) => i.id === warmId)) throw new Error('warm-up image missing');
    for (const [name, ms] of Object.entries(phases)) ctx.log(`${name}: ${ms.toFixed(0)} ms`);
    return [
      { metric: `search to SEG + SR in the PACS, ${filmCount} full-size films`, value: totalMs / 1000, unit: 's' },
      // CPU seconds of Pleura's process (main thread, workers, ORT threads; not Orthanc's): on a busy machine the wall time above is this divided by the share of the CPUs it got.
      { metric: 'CPU time of Pleura over the same span', value: (cpu.user + cpu.system) / 1e6, unit: 's' },
      { metric: 'load average (1 min) at the end', value: load, unit: '' },
      ...Object.entries(phases).map(([name, ms]) => ({ metric: name, value: ms, unit: 'ms' })),
    ];
  } finally {
    await inference.close();
    await getSession(app).close();
    await orthanc.stop();
    await rm(dir, { recursive: true, force: true });
  }
}
