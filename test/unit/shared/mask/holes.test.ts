import { describe, expect, it } from 'vitest';
import { fillHoles } from '../../../../src-shared/mask/holes';
import { ascii, formatMask, parseMask, random, randomMask } from '../../../helpers/ascii-mask';

describe('fillHoles', () => {
  it.each([
    {
      name: 'fills an enclosed hole',
      input: '#####\n#...#\n#.#.#\n#...#\n#####',
      expected: '#####\n#####\n#####\n#####\n#####',
    },
    {
      name: 'leaves a bay open to the border',
      input: '#####\n#...#\n#....\n#####',
      expected: '#####\n#...#\n#....\n#####',
    },
    {
      name: 'an 8-connected diagonal outline still encloses (background is 4-connected)',
      input: '..#..\n.#.#.\n#...#\n.#.#.\n..#..',
      expected: '..#..\n.###.\n#####\n.###.\n..#..',
    },
    {
      name: 'background touching the image edge is never a hole',
      input: '.....\n.....',
      expected: '.....\n.....',
    },
  ])('$name', ({ input, expected }) => {
    const m = parseMask(input);
    expect(formatMask(fillHoles(m.data, m.widthPx, m.heightPx), m.widthPx, m.heightPx)).toBe(ascii(expected));
  });

  it('fills only holes up to maxHoleSizePx', () => {
    const m = parseMask(`
      #########
      #.##...##
      ####...##
      #########`);
    // The 1-pixel hole at (1, 1) is filled; the 6-pixel hole stays.
    expect(formatMask(fillHoles(m.data, m.widthPx, m.heightPx, { maxHoleSizePx: 3 }), m.widthPx, m.heightPx)).toBe(ascii(`
      #########
      ####...##
      ####...##
      #########`));
  });

  it('never removes foreground and returns 0/1 (random masks)', () => {
    const next = random(7);
    for (let trial = 0; trial < 30; trial++) {
      const w = 2 + Math.floor(next() * 20);
      const h = 2 + Math.floor(next() * 20);
      const binary = randomMask(w, h, 0.55, next);
      const filled = fillHoles(binary, w, h);
      for (let i = 0; i < binary.length; i++) {
        expect(filled[i]).toBeLessThanOrEqual(1);
        if (binary[i]) expect(filled[i]).toBe(1);
      }
      // Idempotent: filling twice changes nothing.
      expect(Array.from(fillHoles(filled, w, h))).toEqual(Array.from(filled));
    }
  });
});
