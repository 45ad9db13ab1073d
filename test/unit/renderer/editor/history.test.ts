import { describe, expect, it } from 'vitest';
import { EditHistory } from '../../../../src-renderer/src/editor/history';
import { paintDisk } from '../../../../src-shared/mask/edit';
import type { MaskDiff } from '../../../../src-shared/mask/diff';
import { ascii, formatMask, parseMask } from '../../../helpers/ascii-mask';

const blank = '......\n......\n......\n......';

function paint(mask: ReturnType<typeof parseMask>, x: number, y: number, label = 1): MaskDiff {
  return paintDisk(mask, { x, y }, 0.5, label) as MaskDiff;
}

describe('EditHistory', () => {
  it('undoes and redoes in order, returning the rectangle to redraw', () => {
    const mask = parseMask(blank);
    const history = new EditHistory();
    history.push(paint(mask, 0.5, 0.5), 'first');
    history.push(paint(mask, 5.5, 3.5, 2), 'second');
    expect(formatMask(mask.data, 6, 4)).toBe(ascii('#.....\n......\n......\n.....2'));
    expect(history.undoLabel).toBe('second');
    expect(history.undo(mask)).toEqual({ x: 5, y: 3, widthPx: 1, heightPx: 1 });
    expect(formatMask(mask.data, 6, 4)).toBe(ascii('#.....\n......\n......\n......'));
    expect(history.redoLabel).toBe('second');
    history.undo(mask);
    expect(formatMask(mask.data, 6, 4)).toBe(ascii(blank));
    expect(history.canUndo).toBe(false);
    expect(history.undo(mask)).toBeNull();
    history.redo(mask);
    history.redo(mask);
    expect(formatMask(mask.data, 6, 4)).toBe(ascii('#.....\n......\n......\n.....2'));
    expect(history.canRedo).toBe(false);
    expect(history.redo(mask)).toBeNull();
  });

  it('a new edit after undo discards the redo steps', () => {
    const mask = parseMask(blank);
    const history = new EditHistory();
    history.push(paint(mask, 0.5, 0.5), 'a');
    history.undo(mask);
    history.push(paint(mask, 2.5, 2.5), 'b');
    expect(history.canRedo).toBe(false);
    expect(history.undoDepth).toBe(1);
    expect(history.bytes).toBe(2);
  });

  it('drops the oldest steps beyond the memory bound and counts them', () => {
    const mask = parseMask(blank);
    // Each one-pixel diff holds 2 bytes; allow 3 steps.
    const history = new EditHistory({ maxBytes: 6 });
    for (let k = 0; k < 5; k++) history.push(paint(mask, k + 0.5, 0.5), `step ${k}`);
    expect(history.undoDepth).toBe(3);
    expect(history.droppedSteps).toBe(2);
    expect(history.bytes).toBe(6);
    while (history.canUndo) history.undo(mask);
    // The two dropped steps stay painted: they can no longer be undone.
    expect(formatMask(mask.data, 6, 4)).toBe(ascii('##....\n......\n......\n......'));
    expect(history.modified).toBe(true);
  });

  it('tracks the saved state and bumps the version on every change', () => {
    const mask = parseMask(blank);
    const history = new EditHistory();
    expect(history.modified).toBe(false);
    const versions = [history.version];
    history.push(paint(mask, 0.5, 0.5), 'a');
    versions.push(history.version);
    expect(history.modified).toBe(true);
    history.markSaved();
    versions.push(history.version);
    expect(history.modified).toBe(false);
    history.undo(mask);
    versions.push(history.version);
    expect(history.modified).toBe(true);
    history.redo(mask);
    versions.push(history.version);
    expect(history.modified).toBe(false);
    history.clear();
    versions.push(history.version);
    expect(history.canUndo).toBe(false);
    expect(new Set(versions).size).toBe(versions.length);
  });
});
