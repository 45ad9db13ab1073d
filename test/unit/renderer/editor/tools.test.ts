import { describe, expect, it } from 'vitest';
import { createTools, executeCommand, runCommand } from '../../../../src-renderer/src/editor/tools';
import { ascii, parseMask } from '../../../helpers/ascii-mask';
import { drag, harness } from './harness';

const blank = '..........\n..........\n..........\n..........\n..........';

describe('brush', () => {
  it('paints a gap-free stroke from sparse pointer moves and commits one step', () => {
    const h = harness(blank);
    drag(createTools().brush, h.ctx, [[1.5, 2.5], [8.5, 2.5]]);
    expect(h.show()).toBe(ascii(`
      ..........
      .########.
      ##########
      .########.
      ..........`));
    expect(h.commits.map((c) => c.label)).toEqual(['Brush']);
    expect(h.dirty.length).toBeGreaterThan(0);
  });

  it('one undo removes the whole stroke, redo brings it back', () => {
    const h = harness(blank);
    drag(createTools().brush, h.ctx, [[1.5, 1.5], [3.5, 1.5], [3.5, 3.5], [6.5, 3.5]]);
    const painted = h.show();
    const rect = h.history.undo(h.ctx.mask);
    expect(h.show()).toBe(ascii(blank));
    expect(rect).not.toBeNull();
    h.history.redo(h.ctx.mask);
    expect(h.show()).toBe(painted);
  });

  it('protects the other lung when asked', () => {
    const h = harness('..2..\n..2..\n..2..', { protectOtherLabels: true });
    drag(createTools().brush, h.ctx, [[0.5, 1.5], [4.5, 1.5]]);
    // Every pixel centre of the three rows lies within 1 px of the segment; the 2s stay.
    expect(h.show()).toBe(ascii('##2##\n##2##\n##2##'));
  });

  it('a click without a move paints one disk; a move without press paints nothing', () => {
    const h = harness(blank);
    const brush = createTools().brush;
    brush.onPointerMove({ x: 5.5, y: 2.5 }, h.ctx);
    expect(h.show()).toBe(ascii(blank));
    expect(brush.preview?.()).toEqual({ kind: 'circle', centre: { x: 5.5, y: 2.5 }, radiusPx: 1 });
    drag(brush, h.ctx, [[5.5, 2.5]]);
    expect(h.show()).toBe(ascii('..........\n.....#....\n....###...\n.....#....\n..........'));
  });

  it('reject (Escape) mid-stroke restores the mask and commits nothing', () => {
    const h = harness(blank);
    const brush = createTools().brush;
    brush.onPointerDown({ x: 1.5, y: 1.5 }, h.ctx);
    brush.onPointerMove({ x: 7.5, y: 3.5 }, h.ctx);
    brush.reject?.();
    expect(h.show()).toBe(ascii(blank));
    brush.onPointerUp({ x: 7.5, y: 3.5 }, h.ctx);
    expect(h.commits).toHaveLength(0);
  });
});

describe('eraser', () => {
  it('erases every label under it, also with "protect other lung" on (protection is for painting)', () => {
    const start = '1122\n1122\n1122';
    for (const protectOtherLabels of [false, true]) {
      const h = harness(start, { brushRadiusPx: 0.5, protectOtherLabels, activeLabel: 2 });
      drag(createTools().eraser, h.ctx, [[0.5, 1.5], [3.5, 1.5]]);
      expect(h.show()).toBe(ascii('##22\n....\n##22'));
      expect(h.commits[0].label).toBe('Eraser');
    }
  });

  it('shows a red erase cursor, the brush one in the painted lung\'s label', () => {
    const h = harness(blank, { brushRadiusPx: 4, activeLabel: 2 });
    expect(createTools().eraser.cursor?.(h.ctx)).toEqual({ kind: 'circle', radiusPx: 4, role: 'erase', label: 0 });
    expect(createTools().brush.cursor?.(h.ctx)).toEqual({ kind: 'circle', radiusPx: 4, role: 'paint', label: 2 });
  });

  it('lasso erase erases both lungs too', () => {
    const h = harness('1122\n1122\n1122', { protectOtherLabels: true, activeLabel: 1 });
    const lasso = createTools()['lasso-erase'];
    drag(lasso, h.ctx, [[0, 0], [4, 0], [4, 2], [0, 2]]);
    expect(h.show()).toBe(ascii('....\n....\n##22'));
  });
});

describe('smart brush', () => {
  it('paints only pixels within the tolerance of the grey value under the first press', () => {
    // Dark lung field (20..30) with a bright rib (200) across row 2.
    const grey = [
      20, 22, 25, 21, 30,
      24, 20, 26, 23, 28,
      200, 200, 200, 200, 200,
      22, 25, 21, 27, 20,
    ];
    const h = harness('.....\n.....\n.....\n.....', { image: { widthPx: 5, heightPx: 4, data: grey }, brushRadiusPx: 3, smartToleranceGrey: 8 });
    drag(createTools()['smart-brush'], h.ctx, [[1.5, 1.5], [3.5, 1.5]]);
    // Seed = mean of the 3x3 around (1, 1) = (20+22+25+24+20+26+200·3)/9 ≈ 81.9: window 73.9..89.9 paints nothing;
    // the tolerance is relative to the local mean, so press inside a homogeneous area.
    expect(h.show()).toBe(ascii('.....\n.....\n.....\n.....'));
    const dark = harness('.....\n.....\n.....\n.....', { image: { widthPx: 5, heightPx: 4, data: grey }, brushRadiusPx: 3, smartToleranceGrey: 8 });
    drag(createTools()['smart-brush'], dark.ctx, [[1.5, 0.5], [3.5, 0.5]]);
    // Seed = mean around (1, 0) = (20+22+25+24+20+26)/6 ≈ 22.8: window 14.8..30.8 excludes the rib.
    expect(dark.show()).toBe(ascii('#####\n#####\n.....\n.###.'));
  });

  it('paints like the brush without an image', () => {
    const h = harness('...\n...\n...');
    drag(createTools()['smart-brush'], h.ctx, [[1.5, 1.5]]);
    expect(h.show()).toBe(ascii('.#.\n###\n.#.'));
  });
});

describe('lasso', () => {
  const square: [number, number][] = [[1, 1], [5, 1], [5, 4], [1, 4]];

  it('fills the outline on release with the active label', () => {
    const h = harness(blank, { activeLabel: 2 });
    drag(createTools()['lasso-fill'], h.ctx, square);
    expect(h.show()).toBe(ascii('..........\n.2222.....\n.2222.....\n.2222.....\n..........'));
    expect(h.commits.map((c) => c.label)).toEqual(['Lasso fill']);
  });

  it('erases the outline and shows a preview while dragging', () => {
    const h = harness('##########\n##########\n##########\n##########\n##########');
    const lasso = createTools()['lasso-erase'];
    lasso.onPointerDown({ x: 1, y: 1 }, h.ctx);
    lasso.onPointerMove({ x: 5, y: 1 }, h.ctx);
    lasso.onPointerMove({ x: 5, y: 4 }, h.ctx);
    expect(lasso.preview?.()).toMatchObject({ kind: 'polyline', erase: true, points: [{ x: 1, y: 1 }, { x: 5, y: 1 }, { x: 5, y: 4 }] });
    expect(h.show()).toBe(ascii('##########\n##########\n##########\n##########\n##########'));
    lasso.onPointerUp({ x: 1, y: 4 }, h.ctx);
    expect(h.show()).toBe(ascii('##########\n#....#####\n#....#####\n#....#####\n##########'));
    expect(lasso.preview?.()).toBeNull();
  });

  it('a click without a drag, or a rejected lasso, changes nothing', () => {
    const h = harness(blank);
    const lasso = createTools()['lasso-fill'];
    drag(lasso, h.ctx, [[2, 2]]);
    lasso.onPointerDown({ x: 1, y: 1 }, h.ctx);
    lasso.onPointerMove({ x: 5, y: 1 }, h.ctx);
    lasso.onPointerMove({ x: 5, y: 4 }, h.ctx);
    lasso.reject?.();
    lasso.onPointerUp({ x: 1, y: 4 }, h.ctx);
    expect(h.show()).toBe(ascii(blank));
    expect(h.commits).toHaveLength(0);
  });
});

describe('flood fill', () => {
  it('fills the clicked region up to other labels', () => {
    const h = harness('.....\n.###.\n.#.#.\n.###.\n.....', { activeLabel: 2 });
    drag(createTools()['flood-fill'], h.ctx, [[2.5, 2.5]]);
    expect(h.show()).toBe(ascii('.....\n.###.\n.#2#.\n.###.\n.....'));
    expect(h.commits.map((c) => c.label)).toEqual(['Flood fill']);
  });

  it('refuses a background fill that would run to the film\'s edge, with a notice, and leaves the mask as it was', () => {
    const start = '.....\n.###.\n.#.#.\n.#...\n.....';
    const notices: string[] = [];
    const h = harness(start, { activeLabel: 1, notice: (key) => notices.push(key) });
    drag(createTools()['flood-fill'], h.ctx, [[2.5, 2.5]]);
    expect(h.show()).toBe(ascii(start));
    expect(h.commits).toHaveLength(0);
    expect(notices).toEqual(['tools.fillLeaks']);
  });

  it('refuses an enclosed background fill bigger than a quarter of the film, but relabels a whole lung', () => {
    const start = '#######\n#.....#\n#.....#\n#.....#\n#######';
    const h = harness(start, { activeLabel: 2 });
    drag(createTools()['flood-fill'], h.ctx, [[3.5, 2.5]]);
    expect(h.show()).toBe(ascii(start));
    drag(createTools()['flood-fill'], h.ctx, [[0.5, 0.5]]);
    expect(h.show()).toBe(ascii(start.replace(/#/g, '2')));
  });
});

describe('commands', () => {
  it.each([
    {
      command: { id: 'remove-islands' as const },
      input: '11.1.22\n11...22\n..2....',
      expected: '11...22\n11...22\n.......',
    },
    {
      command: { id: 'remove-islands' as const, minSizePx: 2 },
      input: '11.1..2\n11...22\n.2.....',
      expected: '11....2\n11...22\n.......',
    },
    {
      command: { id: 'fill-holes' as const },
      input: '111.222\n1.1.2.2\n111.222',
      expected: '111.222\n111.222\n111.222',
    },
    {
      command: { id: 'swap-lungs' as const },
      input: '11..22\n11..22',
      expected: '22..11\n22..11',
    },
    {
      command: { id: 'clear' as const },
      input: '11..22\n11..22',
      expected: '......\n......',
    },
    {
      command: { id: 'dilate' as const, radiusPx: 1, labels: [1] },
      input: '......\n.1..2.\n......',
      expected: '.1....\n111.2.\n.1....',
    },
  ])('$command.id', ({ command, input, expected }) => {
    const m = parseMask(input);
    const diff = runCommand(m, command);
    const h = harness(input);
    expect(executeCommand(h.ctx, command)).toBe(true);
    expect(h.show()).toBe(ascii(expected));
    expect(diff).not.toBeNull();
    h.history.undo(h.ctx.mask);
    expect(h.show()).toBe(ascii(input));
  });

  it('reports no change (and records nothing) when the command has no effect', () => {
    const h = harness('11..22\n11..22');
    expect(executeCommand(h.ctx, { id: 'fill-holes' })).toBe(false);
    expect(h.history.canUndo).toBe(false);
  });
});

describe('ruler', () => {
  it('measures in mm with the row and column spacing, in px without, and never edits the mask', () => {
    const h = harness(blank, { spacingMm: { rowMm: 0.5, colMm: 0.2 } });
    const ruler = createTools().ruler;
    drag(ruler, h.ctx, [[0, 0], [3, 4]]);
    expect(ruler.preview?.()).toMatchObject({ kind: 'ruler', lengthPx: 5, lengthMm: expect.closeTo(Math.hypot(0.6, 2), 6) });
    expect(h.commits).toHaveLength(0);
    expect(h.show()).toBe(ascii(blank));
    const plain = harness(blank);
    drag(ruler, plain.ctx, [[1, 1], [4, 5]]);
    expect(ruler.preview?.()).toMatchObject({ lengthPx: 5, lengthMm: null });
    ruler.reject?.();
    expect(ruler.preview?.()).toBeNull();
  });
});
