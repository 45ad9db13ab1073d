import { describe, expect, it } from 'vitest';
import { isUploadName, maskStem, pairDroppedFiles, stripExtension } from '../../../src-shared/api/upload';

describe('dropped files: masks pair with their films', () => {
  it.each([
    ['a_mask.png', 'a'],
    ['A_MASK.PNG', 'A'],
    ['masks/a.png', 'a'],
    ['x\\masks\\a.png', 'a'],
    ['a.png', null],
    ['a_mask.jpg', null],
    ['masks/a.dcm', null],
  ])('maskStem(%j) is %j', (name, stem) => {
    expect(maskStem(name)).toBe(stem);
  });

  it.each([
    ['a.b.png', 'a.b'],
    ['dir/a.png', 'a'],
    ['.hidden', '.hidden'],
    ['noext', 'noext'],
  ])('stripExtension(%j) is %j', (name, stem) => {
    expect(stripExtension(name)).toBe(stem);
  });

  it('gives each film the mask dropped beside it and leaves out masks without a film', () => {
    const names = ['b.dcm', 'a_mask.png', 'a.png', 'orphan_mask.png', 'masks/b.png'];
    const pairs = pairDroppedFiles(names.map((name) => ({ name })));
    expect(pairs.map((pair) => [pair.film.name, pair.mask?.name ?? null])).toEqual([['b.dcm', 'masks/b.png'], ['a.png', 'a_mask.png']]);
  });

  it.each([
    ['film.dcm', true],
    ['../../x.dcm', true],
    ['', false],
    ['a\0b.dcm', false],
    ['a\nb.dcm', false],
    ['a\u007fb.dcm', false],
    ['x'.repeat(1025), false],
  ])('isUploadName(%j) is %j', (name, expected) => {
    expect(isUploadName(name)).toBe(expected);
  });
});
