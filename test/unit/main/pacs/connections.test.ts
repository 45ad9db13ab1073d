import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { chmod, readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { PacsConnectionStore, normalizeUrl, type SecretCodec } from '../../../../src-main/services/pacs/connections';
import { parseMultipart } from '../../../../src-main/services/pacs/dicomweb';
import { classifyInstance } from '../../../../src-main/services/pacs/study';
import { parseDateRange } from '../../../../src-main/cli/commands/pacs/query';
import { PleuraError } from '../../../../src-shared/api/result';
import { tempDir } from '../project/helpers';

describe('PACS connection settings', () => {
  let dir: string;
  let cleanup: () => Promise<void>;
  beforeEach(async () => {
    ({ dir, cleanup } = await tempDir('pleura-pacs-settings-'));
  });
  afterEach(async () => cleanup());

  it('keeps the secret in a 0600 file, never in what it lists, and gives it only to the client target', async () => {
    const store = new PacsConnectionStore(join(dir, 'cfg', 'pacs.json'));
    const saved = await store.save({ name: 'Hospital', baseUrl: 'https://pacs.example.org/dicom-web/', auth: 'basic', user: 'rad', secret: 'pa55word' });
    expect(saved).toMatchObject({ baseUrl: 'https://pacs.example.org/dicom-web', hasSecret: true, timeoutMs: 30_000 });
    expect(JSON.stringify(await store.list())).not.toContain('pa55word');
    expect((await stat(join(dir, 'cfg', 'pacs.json'))).mode & 0o777).toBe(0o600);
    expect(await store.target(saved.id)).toMatchObject({ qidoUrl: 'https://pacs.example.org/dicom-web', auth: { kind: 'basic', user: 'rad', password: 'pa55word' } });
    // Saving without a secret keeps it; an empty one removes it.
    await store.save({ id: saved.id, name: 'Hospital 2', baseUrl: saved.baseUrl, auth: 'basic', user: 'rad' });
    expect((await store.target(saved.id)).auth).toMatchObject({ password: 'pa55word' });
    expect((await store.save({ id: saved.id, name: 'H', baseUrl: saved.baseUrl, auth: 'basic', user: 'rad', secret: '' })).hasSecret).toBe(false);
    expect((await store.findByUrl('https://pacs.example.org/dicom-web//'))?.id).toBe(saved.id);
    await store.remove(saved.id);
    expect(await store.list()).toEqual([]);
  });

  it('seals secrets with the codec it is given (the desktop passes the OS keychain)', async () => {
    const reverse: SecretCodec = { kind: 'test-reverse', seal: (s) => [...s].reverse().join(''), open: (s) => [...s].reverse().join('') };
    const store = new PacsConnectionStore(join(dir, 'pacs.json'), reverse);
    const saved = await store.save({ name: 'Cloud', baseUrl: 'https://cloud.example/dicomWeb', auth: 'bearer', secret: 'token-abc' });
    expect(await readFile(join(dir, 'pacs.json'), 'utf8')).not.toContain('token-abc');
    expect((await store.target(saved.id)).auth).toEqual({ kind: 'bearer', token: 'token-abc' });
    const plain = new PacsConnectionStore(join(dir, 'pacs.json'));
    await expect(plain.target(saved.id)).rejects.toMatchObject({ code: 'unsupported' });
  });

  it('refuses a settings file other users can read, and credentials inside a URL', async () => {
    const store = new PacsConnectionStore(join(dir, 'pacs.json'));
    await store.save({ name: 'A', baseUrl: 'http://127.0.0.1:8042/dicom-web', auth: 'none' });
    await chmod(join(dir, 'pacs.json'), 0o644);
    await expect(store.list()).rejects.toMatchObject({ code: 'forbidden' });
    expect(() => normalizeUrl('https://bob:secret@pacs/dicom-web')).toThrow(PleuraError);
    try {
      normalizeUrl('https://bob:secret@pacs/dicom-web');
    } catch (error) {
      expect((error as Error).message).not.toContain('secret');
    }
    expect(() => normalizeUrl('ftp://pacs/x')).toThrow(/http/);
  });
});

describe('DICOMweb helpers', () => {
  it('splits a multipart/related answer and refuses one cut inside a part', () => {
    const body = Buffer.from('--b1\r\nContent-Type: application/dicom\r\n\r\nAAAA\r\n--b1\r\nContent-Type: application/dicom\r\n\r\nBB\r\n--b1--\r\n');
    expect(parseMultipart(body, 'multipart/related; type="application/dicom"; boundary=b1').map((p) => Buffer.from(p).toString())).toEqual(['AAAA', 'BB']);
    expect(() => parseMultipart(body.subarray(0, 60), 'multipart/related; boundary="b1"')).toThrow(/cut off/);
    expect(() => parseMultipart(body, 'application/dicom')).toThrow(/boundary/);
  });

  it.each([
    [{ '00080060': { vr: 'CS', Value: ['CR'] }, '00280010': { vr: 'US', Value: [10] }, '00280011': { vr: 'US', Value: [10] }, '00185101': { vr: 'CS', Value: ['PA'] } }, null],
    [{ '00080060': { vr: 'DX', Value: ['DX'] }, '00280010': { vr: 'US', Value: [10] }, '00280011': { vr: 'US', Value: [10] }, '00185101': { vr: 'CS', Value: ['LL'] } }, 'lateral'],
    [{ '00080060': { vr: 'CS', Value: ['SEG'] }, '00280010': { vr: 'US', Value: [10] }, '00280011': { vr: 'US', Value: [10] } }, 'seg'],
    [{ '00080060': { vr: 'CS', Value: ['SR'] }, '00080016': { vr: 'UI', Value: ['1.2.840.10008.5.1.4.1.1.88.33'] } }, 'sr'],
    [{ '00080060': { vr: 'CS', Value: ['DOC'] } }, 'non-image'],
    [{ '00080060': { vr: 'CS', Value: ['CT'] }, '00280010': { vr: 'US', Value: [10] }, '00280011': { vr: 'US', Value: [10] } }, 'modality'],
  ])('classifies instance %#', (item, expected) => {
    expect(classifyInstance(item)).toBe(expected);
  });

  it('parses study date ranges', () => {
    expect(parseDateRange('20240101-20241231')).toEqual({ studyDateFrom: '20240101', studyDateTo: '20241231' });
    expect(parseDateRange('2024-01-01-')).toEqual({ studyDateFrom: '20240101' });
    expect(parseDateRange('-20240101')).toEqual({ studyDateTo: '20240101' });
    expect(parseDateRange('20240105')).toEqual({ studyDateFrom: '20240105', studyDateTo: '20240105' });
    expect(() => parseDateRange('yesterday')).toThrow(/FROM-TO/);
  });
});
