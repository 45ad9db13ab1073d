import { describe, expect, it } from 'vitest';
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { repoRoot } from '../../helpers/paths';
import { englishOf, PleuraError, say, saidOf, serializeError, unwrap, fail } from '../../../src-shared/api';

/** Parts of main whose sentences only the command line prints (English): evaluation, the paper run, dataset training. */
const commandLineOnly = ['src-main/cli/', 'src-main/services/evaluation/', 'src-main/services/paper/', 'src-main/workers/training/'];

function sources(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    return entry.isDirectory() ? sources(path) : entry.name.endsWith('.ts') ? [path] : [];
  });
}

describe('sentences main says to a user', () => {
  it('go by key: no PleuraError a window can show is built from an English literal', () => {
    const offenders: string[] = [];
    for (const file of sources(join(repoRoot, 'src-main'))) {
      const name = relative(repoRoot, file).replaceAll('\\', '/');
      if (commandLineOnly.some((prefix) => name.startsWith(prefix))) continue;
      const text = readFileSync(file, 'utf8');
      for (const m of text.matchAll(/new PleuraError\(\s*'[\w-]+',\s*[`'"]/g)) {
        offenders.push(`${name}:${text.slice(0, m.index).split('\n').length}`);
      }
    }
    expect(offenders).toEqual([]);
  });

  it('keep their key across a transport and back, with the same English beside it', () => {
    const error = new PleuraError('corrupt', say('image.empty', { name: 'a.dcm' }), { present: 0 });
    expect(error.message).toBe('"a.dcm" is empty (0 bytes).');
    const wire = JSON.parse(JSON.stringify(serializeError(error)));
    expect(wire).toEqual({ code: 'corrupt', reason: '"a.dcm" is empty (0 bytes).', text: { key: 'image.empty', params: { name: 'a.dcm' } }, details: { present: 0 } });
    expect(() => unwrap({ ok: false, ...wire })).toThrow('"a.dcm" is empty (0 bytes).');
    expect(fail('io', say('import.emptyFile'))).toEqual({ ok: false, code: 'io', reason: 'The file is empty.', text: { key: 'import.emptyFile' } });
    expect(saidOf(error)).toEqual({ reason: error.message, text: error.text });
    expect(saidOf(new Error('plain'))).toEqual({ reason: 'plain' });
  });

  it('nest: a part of a sentence is a sentence of its own', () => {
    expect(englishOf(say('lock.otherProcess', { holder: say('lock.holder', { user: say('lock.userUnknown'), pid: '12' }) }))).toBe('The project is open in another Pleura process (user unknown, process 12). Close it there first.');
  });
});
