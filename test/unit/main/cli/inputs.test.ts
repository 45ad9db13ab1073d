import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expandInputs, globToRegExp } from '../../../../src-main/cli/inputs';

let dir: string;

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'pleura-inputs-'));
  mkdirSync(join(dir, 'films', 'p1'), { recursive: true });
  mkdirSync(join(dir, 'films', 'p2'));
  mkdirSync(join(dir, 'films', '.hidden'));
  writeFileSync(join(dir, 'films', 'p1', 'chest.dcm'), 'x');
  writeFileSync(join(dir, 'films', 'p2', 'chest.dcm'), 'x');
  writeFileSync(join(dir, 'films', 'p2', 'notes.txt'), 'x');
  writeFileSync(join(dir, 'films', 'p2', 'view.png'), 'x');
  writeFileSync(join(dir, 'films', '.hidden', 'x.dcm'), 'x');
  const dicm = Buffer.alloc(140);
  dicm.write('DICM', 128, 'latin1');
  writeFileSync(join(dir, 'films', 'p1', 'IM0001'), dicm);
  symlinkSync(dir, join(dir, 'films', 'loop'));
  writeFileSync(join(dir, 'list.txt'), `# films\n${join(dir, 'films', 'p2', 'view.png')}\n\n${join(dir, 'extra.png')}\n`);
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('globToRegExp', () => {
  it('matches within a segment with * and ?, across with **, with classes and alternatives', () => {
    expect(globToRegExp('*.dcm').test('a.dcm')).toBe(true);
    expect(globToRegExp('*.dcm').test('p/a.dcm')).toBe(false);
    expect(globToRegExp('**/*.dcm').test('p/q/a.dcm')).toBe(true);
    expect(globToRegExp('**/*.dcm').test('a.dcm')).toBe(true);
    expect(globToRegExp('IM????').test('IM0001')).toBe(true);
    expect(globToRegExp('*.{png,jpg}').test('a.jpg')).toBe(true);
    expect(globToRegExp('[!a]*.png').test('a.png')).toBe(false);
    expect(globToRegExp('a+b(1).png').test('a+b(1).png')).toBe(true);
  });
});

describe('expandInputs', () => {
  it('walks folders for images (by extension or DICM marker), keeps their layout in the output names, skips hidden entries and symlinks', async () => {
    const inputs = await expandInputs([join(dir, 'films')], {});
    expect(inputs.map((i) => i.outName)).toEqual(['p1/IM0001', 'p1/chest', 'p2/chest', 'p2/view']);
  });

  it('takes a pattern on names, or on paths when it has a slash', async () => {
    expect((await expandInputs([join(dir, 'films')], { pattern: '*.png' })).map((i) => i.outName)).toEqual(['p2/view']);
    expect((await expandInputs([join(dir, 'films')], { pattern: 'p1/*' })).map((i) => i.outName)).toEqual(['p1/IM0001', 'p1/chest']);
  });

  it('adds --from lines, keeps missing files named explicitly, and drops duplicates', async () => {
    const inputs = await expandInputs([join(dir, 'films', 'p2')], { from: join(dir, 'list.txt') });
    expect(inputs.map((i) => i.path)).toEqual([join(dir, 'films', 'p2', 'chest.dcm'), join(dir, 'films', 'p2', 'view.png'), join(dir, 'extra.png')]);
  });
});
