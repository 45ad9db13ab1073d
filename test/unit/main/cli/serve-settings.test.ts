// The serve settings file (src-main/cli/serve-settings.ts): what it takes, what it refuses, and which
// root wins. The real `pleura serve` reading it is tested in test/integration/hostile/serve-settings.
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { chmodSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { defaultServeSettingsPath, parseServeSettings, readServeSettings, resolveServeRoot } from '../../../../src-main/cli/serve-settings';

let dir: string;
const savedEnv = { ...process.env };

function file(content: string, mode = 0o600): string {
  const path = join(mkdtempSync(join(dir, 'c-')), 'serve.json');
  writeFileSync(path, content);
  chmodSync(path, mode);
  return path;
}

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'pleura-serve-settings-unit-'));
  mkdirSync(join(dir, 'a'));
  mkdirSync(join(dir, 'b'));
});
afterEach(() => {
  process.env = { ...savedEnv };
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('serve settings', () => {
  it('live beside the PACS connections unless PLEURA_SERVE_CONFIG names another file', () => {
    delete process.env.PLEURA_SERVE_CONFIG;
    process.env.XDG_CONFIG_HOME = '/cfg';
    expect(defaultServeSettingsPath()).toBe('/cfg/pleura/serve.json');
    process.env.PLEURA_SERVE_CONFIG = '/x/serve.json';
    expect(defaultServeSettingsPath()).toBe('/x/serve.json');
  });

  it('take a root, and nothing when the file is missing or has none', async () => {
    expect(parseServeSettings('{"format": "pleura-serve", "root": "/srv/films"}', 'f')).toEqual({ root: '/srv/films' });
    expect(parseServeSettings('{"root": null}', 'f')).toEqual({});
    expect(parseServeSettings('{}', 'f')).toEqual({});
    expect(await readServeSettings(join(dir, 'missing', 'serve.json'))).toEqual({});
    expect(await readServeSettings(file('{"root": "/srv"}'))).toEqual({ root: '/srv' });
  });

  it.each([
    ['malformed JSON', '{"root": ', /not valid JSON/],
    ['an array', '["/tmp"]', /must hold one JSON object/],
    ['a string', '"/tmp"', /must hold one JSON object/],
    ['null', 'null', /must hold one JSON object/],
    ['a misspelt key', '{"rooot": "/tmp"}', /unknown keys \("rooot"\)/],
    ['another format', '{"format": "pleura-pacs", "root": "/tmp"}', /must be "pleura-serve"/],
    ['a relative root', '{"root": "films"}', /absolute folder path/],
    ['an empty root', '{"root": ""}', /absolute folder path/],
    ['a root that is a list', '{"root": ["/tmp"]}', /absolute folder path/],
    ['a NUL in the root', '{"root": "/tmp\\u0000x"}', /absolute folder path/],
  ])('refuse %s', (_name, content, message) => {
    expect(() => parseServeSettings(content, 'serve.json')).toThrow(message);
  });

  it('refuse a file others could change, a folder, and one too large to be settings', async () => {
    await expect(readServeSettings(file('{"root": "/tmp"}', 0o620))).rejects.toThrow(/can be changed by other users/);
    await expect(readServeSettings(file('{"root": "/tmp"}', 0o602))).rejects.toThrow(/can be changed by other users/);
    expect(await readServeSettings(file('{"root": "/tmp"}', 0o644))).toEqual({ root: '/tmp' });
    await expect(readServeSettings(dir)).rejects.toThrow(/not a regular file/);
    await expect(readServeSettings(file(`{"root": "/tmp", "format": "pleura-serve"${' '.repeat(70_000)}}`))).rejects.toThrow(/more than a settings file/);
  });

  it('give the root when neither --root nor PLEURA_SERVE_ROOT does; the flag wins, then the environment', async () => {
    delete process.env.PLEURA_SERVE_ROOT;
    const settings = file(JSON.stringify({ root: join(dir, 'a') }));
    expect(await resolveServeRoot(undefined, settings)).toEqual({ root: join(dir, 'a'), source: 'settings' });
    expect(await resolveServeRoot(join(dir, 'b'), settings)).toEqual({ root: join(dir, 'b'), source: 'flag' });
    process.env.PLEURA_SERVE_ROOT = join(dir, 'b');
    expect(await resolveServeRoot(undefined, settings)).toEqual({ root: join(dir, 'b'), source: 'environment' });
    delete process.env.PLEURA_SERVE_ROOT;
    expect(await resolveServeRoot(undefined, join(dir, 'none.json'))).toBeNull();
    await expect(resolveServeRoot(undefined, file(JSON.stringify({ root: join(dir, 'gone') })))).rejects.toThrow(/"root" in the serve settings .* must be an existing folder/);
  });
});
