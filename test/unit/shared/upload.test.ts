import { describe, expect, it } from 'vitest';
import { isUploadName, maskStem, pairDroppedFiles, stripExtension, unpairedRejections } from '../../../src-shared/api/upload';

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

  it('gives each film the mask dropped beside it and returns the masks no film takes', () => {
    const names = ['b.dcm', 'a_mask.png', 'a.png', 'orphan_mask.png', 'masks/b.png', 'b_mask.png', 'A_MASK.PNG'];
    const { pairs, unpaired } = pairDroppedFiles(names.map((name) => ({ name })));
    expect(pairs.map((pair) => [pair.film.name, pair.mask?.name ?? null])).toEqual([['b.dcm', 'masks/b.png'], ['a.png', 'a_mask.png']]);
    // the first mask for a stem is the film's; a stem differs by case ("A" is not "a")
    expect(unpaired.map(({ mask, stem, taken }) => [mask.name, stem, taken?.name ?? null])).toEqual([
      ['orphan_mask.png', 'orphan', null],
      ['A_MASK.PNG', 'A', null],
      ['b_mask.png', 'b', 'masks/b.png'],
    ]);
  });

  it('says why of each unpaired mask, by key with its English', () => {
    const { unpaired } = pairDroppedFiles([{ name: 'x_mask.png' }, { name: 'y.png' }, { name: 'y_mask.png' }, { name: 'masks/y.png' }]);
    expect(unpairedRejections(unpaired)).toEqual([
      { path: 'x_mask.png', reason: 'Mask not imported: no film named x came with it (drop or pick the film together with its mask).', text: { key: 'import.maskWithoutFilm', params: { stem: 'x' } } },
      { path: 'masks/y.png', reason: 'Mask not imported: the film y already takes the mask y_mask.png, dropped with it.', text: { key: 'import.maskSecond', params: { stem: 'y', other: 'y_mask.png' } } },
    ]);
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
