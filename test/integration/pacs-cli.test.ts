import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { execFile } from 'node:child_process';
import { readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { repoRoot } from '../helpers/paths';
import { orthancAvailable, startOrthanc, type OrthancServer } from '../helpers/orthanc';
import { makeTestStudy, type TestStudy } from '../helpers/pacs-study';
import { tempDir } from '../unit/main/project/helpers';

const run = promisify(execFile);

/** Runs `pleura ARGS --json` as a user would; returns the exit code and the last JSON line. */
async function pleura(args: string[], env: Record<string, string> = {}): Promise<{ code: number; json: unknown; stderr: string }> {
  const result = await run(process.execPath, [join(repoRoot, 'bin', 'pleura.mjs'), ...args, '--json'], { cwd: repoRoot, env: { ...process.env, ...env }, maxBuffer: 64 * 2 ** 20 }).then(
    (r) => ({ code: 0, stdout: r.stdout, stderr: r.stderr }),
    (e: { code: number; stdout: string; stderr: string }) => ({ code: e.code, stdout: e.stdout, stderr: e.stderr }),
  );
  const lines = result.stdout.trim().split('\n').filter((l) => l.startsWith('{') || l.startsWith('['));
  const last = lines.filter((l) => !l.startsWith('{"type":"progress"')).at(-1);
  return { code: result.code, json: last ? JSON.parse(last) : null, stderr: result.stderr };
}

describe.skipIf(!orthancAvailable())('pleura pacs / project / export --send against Orthanc', () => {
  let orthanc: OrthancServer;
  let study: TestStudy;
  let dir: string;
  let cleanup: () => Promise<void>;
  let env: Record<string, string>;

  beforeAll(async () => {
    ({ dir, cleanup } = await tempDir('pleura-pacs-cli-'));
    env = { PLEURA_DATA_DIR: join(dir, 'data'), PLEURA_PACS_CONFIG: join(dir, 'pacs.json') };
    orthanc = await startOrthanc();
    study = makeTestStudy({ films: 3, lateral: true, accession: 'ACC-CLI' });
    await orthanc.upload(study.files);
  });
  afterAll(async () => {
    await orthanc?.stop();
    await cleanup?.();
  });

  it('queries, retrieves into a new project, predicts, sends SEG + SR, and QIDO finds them in the study', async () => {
    const url = orthanc.dicomWebUrl;
    const query = await pleura(['pacs', 'query', '--url', url, '--patient-id', study.patientId, '--modality', 'CR,DX', '--study-date', '20240101-20241231'], env);
    expect(query.code, query.stderr).toBe(0);
    expect((query.json as { studyInstanceUid: string }[]).map((s) => s.studyInstanceUid)).toEqual([study.studyInstanceUid]);

    const project = join(dir, 'project');
    const retrieve = await pleura(['pacs', 'retrieve', '--url', url, '--study', study.studyInstanceUid, '--project', project], env);
    expect(retrieve.code, retrieve.stderr).toBe(0);
    const report = retrieve.json as { imported: unknown[]; skipped: { kind: string }[]; failed: unknown[] };
    expect(report.imported).toHaveLength(3);
    expect(report.skipped.map((s) => s.kind)).toEqual(['lateral']);
    await stat(join(project, 'pleura-project.json'));

    const again = await pleura(['pacs', 'retrieve', '--url', url, '--study', study.studyInstanceUid, '--project', project], env);
    expect((again.json as { imported: unknown[]; alreadyInProject: unknown[] }).imported).toHaveLength(0);
    expect((again.json as { alreadyInProject: unknown[] }).alreadyInProject).toHaveLength(3);

    const predict = await pleura(['project', 'predict', project], env);
    expect(predict.code, predict.stderr).toBe(0);
    expect(predict.json).toMatchObject({ predicted: 3, failed: 0 });

    const status = await pleura(['project', 'status', project], env);
    const summary = status.json as { counts: Record<string, number>; images: { pacs?: { sopInstanceUid: string }; areas: { totalCm2: number } }[] };
    expect(summary.counts.predicted).toBe(3);
    expect(summary.images.every((image) => study.films.includes(image.pacs!.sopInstanceUid) && image.areas.totalCm2 > 0)).toBe(true);

    // Nothing is approved yet: a send of approved images sends nothing and says so.
    const none = await pleura(['export', project, '--format', 'dicom-sr', '--send', url], env);
    expect((none.json as { sent: unknown[] }).sent).toHaveLength(0);

    const out = join(dir, 'sent');
    const send = await pleura(['export', project, '--format', 'dicom-sr', '--all', '--send', url, '--out', out], env);
    expect(send.code, send.stderr).toBe(0);
    const sent = (send.json as { sent: { segSopInstanceUid: string; srSopInstanceUid: string }[] }).sent;
    expect(sent).toHaveLength(3);

    const series = async (modality: string) => {
      const answer = await fetch(`${url}/studies/${study.studyInstanceUid}/instances?Modality=${modality}`, { headers: { Accept: 'application/dicom+json' } });
      const body = await answer.text();
      return (body ? (JSON.parse(body) as Record<string, { Value: string[] }>[]) : []).map((item) => item['00080018'].Value[0]);
    };
    expect((await series('SEG')).sort()).toEqual(sent.map((s) => s.segSopInstanceUid).sort());
    expect((await series('SR')).sort()).toEqual(sent.map((s) => s.srSopInstanceUid).sort());

    const audit = (await readFile(join(project, 'log.jsonl'), 'utf8')).split('\n').filter((l) => l.includes('"export"') && l.includes('srSopInstanceUid'));
    expect(audit).toHaveLength(3);
  });

  it('gives exit code 1 and a clear line for an unreachable PACS, and 2 for usage errors', async () => {
    const unreachable = await pleura(['pacs', 'query', '--url', 'http://127.0.0.1:9/dicom-web'], env);
    expect(unreachable.code).toBe(1);
    expect(unreachable.stderr).toMatch(/cannot be reached/);
    const usage = await pleura(['pacs', 'retrieve', '--url', orthanc.dicomWebUrl, '--project', join(dir, 'x')], env);
    expect(usage.code).toBe(2);
    expect(usage.stderr).toMatch(/--study UID is required/);
    const noSub = await pleura(['project', 'frobnicate', dir], env);
    expect(noSub.code).toBe(2);
  });
});
