import { describe, expect, it, vi } from 'vitest';
import { contractImporter, uploadImporter, type ImportProgress } from '../../../../src-renderer/src/api/upload';
import { fakeApi, ok, record } from '../fake-api';
import { showSaid } from '../../../../src-renderer/src/i18n/server';

const file = (name: string, text = name) => new File([text], name);
const report = (names: string[], rejected: string[] = []) => ({ imported: names.map((name) => record({ id: name, name })), duplicates: [], rejected: rejected.map((path) => ({ path, reason: 'Not an image.' })) });

/** A fetch that answers each upload with `answer(name)`, keeping what was sent. */
function fakeFetch(answer: (name: string) => { status: number; body: unknown } | Error) {
  const sent: { url: URL; init: RequestInit }[] = [];
  const fetchFn = vi.fn(async (url: string, init: RequestInit) => {
    const parsed = new URL(url);
    sent.push({ url: parsed, init });
    const reply = answer(parsed.searchParams.get('name')!);
    if (reply instanceof Error) throw reply;
    return { status: reply.status, json: async () => (typeof reply.body === 'string' ? JSON.parse(reply.body) : reply.body) };
  });
  return { fetchFn, sent };
}

describe('uploadImporter (serve mode)', () => {
  it('streams each film in its own PUT, its mask appended, and merges the reports with progress', async () => {
    const { fetchFn, sent } = fakeFetch((name) => ({ status: 200, body: ok(report([name])) }));
    const progress: ImportProgress[] = [];
    const result = await uploadImporter('http://127.0.0.1:1', fetchFn)([file('a.png'), file('a_mask.png', 'MASK'), file('b.dcm')], (p) => progress.push({ ...p }));
    expect(result).toMatchObject({ ok: true, value: { imported: [{ name: 'a.png' }, { name: 'b.dcm' }] } });
    expect(sent.map(({ url, init }) => [url.pathname, init.method, url.searchParams.get('name'), url.searchParams.get('mask'), url.searchParams.get('maskBytes')])).toEqual([
      ['/api/upload', 'PUT', 'a.png', 'a_mask.png', '4'],
      ['/api/upload', 'PUT', 'b.dcm', null, null],
    ]);
    // the film and its mask travel as one Blob: the film's bytes, then the mask's
    expect(await (sent[0].init.body as Blob).text()).toBe('a.pngMASK');
    expect(sent[1].init.body).toBeInstanceOf(File);
    expect(progress).toEqual([{ done: 0, total: 2, name: 'a.png' }, { done: 1, total: 2, name: 'b.dcm' }, { done: 2, total: 2, name: '' }]);
  });

  it('lists a film the server refuses (413, 429, a lost connection) as rejected and goes on', async () => {
    const { fetchFn } = fakeFetch((name) => {
      if (name === 'huge.dcm') return { status: 413, body: { ok: false, code: 'unsupported', reason: 'huge.dcm is 600 MiB, more than Pleura takes in one upload (256 MiB).', text: { key: 'upload.tooLarge', params: { name: 'huge.dcm', sizeMiB: 600, maxMiB: 256 } } } };
      if (name === 'busy.png') return { status: 429, body: 'not json' };
      if (name === 'lost.png') return new TypeError('Failed to fetch');
      return { status: 200, body: ok(report([name])) };
    });
    const result = await uploadImporter('http://127.0.0.1:1', fetchFn)([file('huge.dcm'), file('busy.png'), file('lost.png'), file('fine.png')], () => undefined);
    expect(result.ok).toBe(true);
    const value = (result as { value: { imported: { name: string }[]; rejected: { path: string; reason: string }[] } }).value;
    expect(value.imported.map((image) => image.name)).toEqual(['fine.png']);
    // each with its sentence by key (the server's, or the page's own), which the panel shows translated
    expect(value.rejected).toEqual([
      { path: 'huge.dcm', reason: expect.stringMatching(/256 MiB/), text: { key: 'upload.tooLarge', params: { name: 'huge.dcm', sizeMiB: 600, maxMiB: 256 } } },
      { path: 'busy.png', reason: expect.stringMatching(/HTTP 429/), text: { key: 'upload.refusedHttp', params: { status: '429' } } },
      { path: 'lost.png', reason: expect.stringMatching(/connection to the Pleura server was lost/), text: { key: 'upload.lost' } },
    ]);
    expect(showSaid(value.rejected[0], 'ru')).toBe('huge.dcm занимает 600 МиБ — больше, чем Pleura принимает за одну загрузку (256 МиБ).');
  });

  it('never sends a mask without its film, and reports it as rejected with its reason by key', async () => {
    const { fetchFn, sent } = fakeFetch((name) => ({ status: 200, body: ok(report([name])) }));
    const result = await uploadImporter('http://127.0.0.1:1', fetchFn)([file('a.png'), file('lonely_mask.png'), file('a_mask.png'), file('masks/a.png')], () => undefined);
    expect(sent.map(({ url }) => [url.searchParams.get('name'), url.searchParams.get('mask')])).toEqual([['a.png', 'a_mask.png']]);
    expect(result).toMatchObject({
      ok: true,
      value: {
        imported: [{ name: 'a.png' }],
        rejected: [
          { path: 'lonely_mask.png', reason: expect.stringMatching(/no film named lonely/), text: { key: 'import.maskWithoutFilm', params: { stem: 'lonely' } } },
          { path: 'masks/a.png', reason: expect.stringMatching(/already takes the mask a_mask\.png/), text: { key: 'import.maskSecond', params: { stem: 'a', other: 'a_mask.png' } } },
        ],
      },
    });
    // masks alone: no upload at all, and still said
    const only = fakeFetch(() => ({ status: 200, body: ok(report([])) }));
    const alone = await uploadImporter('http://127.0.0.1:1', only.fetchFn)([file('x_mask.png')], () => undefined);
    expect(only.fetchFn).not.toHaveBeenCalled();
    expect(alone).toMatchObject({ ok: true, value: { imported: [], rejected: [{ path: 'x_mask.png', text: { key: 'import.maskWithoutFilm' } }] } });
  });

  it('fails the whole import when no project is open or the token is no longer valid', async () => {
    const none = fakeFetch(() => ({ status: 409, body: { ok: false, code: 'no-project', reason: 'Open or create a project first.' } }));
    expect(await uploadImporter('http://127.0.0.1:1', none.fetchFn)([file('a.png'), file('b.png')], () => undefined)).toMatchObject({ ok: false, code: 'no-project' });
    expect(none.fetchFn).toHaveBeenCalledTimes(1);
    const restarted = fakeFetch(() => ({ status: 403, body: 'Forbidden' }));
    expect(await uploadImporter('http://127.0.0.1:1', restarted.fetchFn)([file('a.png')], () => undefined)).toMatchObject({ ok: false, details: { connection: 'restarted' } });
  });
});

describe('contractImporter (Electron)', () => {
  it('hands all files over in one project.importFiles call, as bytes', async () => {
    const { api } = fakeApi({ project: { importFiles: async () => ok(report(['a.png'])) } });
    const result = await contractImporter(api)([file('a.png'), file('a_mask.png')], () => undefined);
    expect(result.ok).toBe(true);
    const [[payload]] = vi.mocked(api.project.importFiles).mock.calls as unknown as [[{ name: string; bytes: Uint8Array }[]]];
    expect(payload.map((p) => [p.name, new TextDecoder().decode(p.bytes)])).toEqual([['a.png', 'a.png'], ['a_mask.png', 'a_mask.png']]);
  });
});
