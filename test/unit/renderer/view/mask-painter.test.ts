import { describe, expect, it } from 'vitest';
import type { LabelMask } from '../../../../src-shared/api';
import { growRect, lungColors, packRgba, paintMaskHalf, paintMaskRect } from '../../../../src-renderer/src/editor/mask-painter';

/** A label mask from rows of digits ('.' is background). */
function mask(rows: string[]): LabelMask {
  const heightPx = rows.length;
  const widthPx = rows[0].length;
  const data = new Uint8Array(widthPx * heightPx);
  rows.forEach((row, y) => [...row].forEach((c, x) => (data[y * widthPx + x] = c === '.' ? 0 : Number(c))));
  return { widthPx, heightPx, data };
}

/** The painted pixels back as digits, from their colour; '?' marks a pixel never written. */
function read(out: Uint32Array, widthPx: number): string[] {
  const right = packRgba(lungColors.right);
  const left = packRgba(lungColors.left);
  const rows: string[] = [];
  for (let y = 0; y < out.length / widthPx; y++) {
    let row = '';
    for (let x = 0; x < widthPx; x++) {
      const v = out[y * widthPx + x];
      row += v === 0 ? '.' : v === right ? '1' : v === left ? '2' : '?';
    }
    rows.push(row);
  }
  return rows;
}

const labels = mask([
  '......',
  '.111.2',
  '.111.2',
  '.111.2',
  '......',
]);

describe('mask painter', () => {
  it('fill paints each lung in its colour', () => {
    const out = new Uint32Array(30);
    paintMaskRect(labels, out, { x: 0, y: 0, widthPx: 6, heightPx: 5 }, { mode: 'fill' });
    expect(read(out, 6)).toEqual(['......', '.111.2', '.111.2', '.111.2', '......']);
  });

  it('contour paints only lung pixels at a label boundary', () => {
    const out = new Uint32Array(30);
    paintMaskRect(labels, out, { x: 0, y: 0, widthPx: 6, heightPx: 5 }, { mode: 'contour' });
    expect(read(out, 6)).toEqual(['......', '.111.2', '.1.1.2', '.111.2', '......']);
  });

  it('the half-resolution paint takes every second pixel of every second row (odd sides rounded up)', () => {
    const odd = mask([
      '1.2..',
      '.....',
      '2.1.1',
    ]);
    const out = new Uint32Array(3 * 2).fill(0x12345678);
    paintMaskHalf(odd, out);
    expect(read(out, 3)).toEqual(['12.', '211']);
  });

  it('a dirty rectangle writes only its own pixels', () => {
    const sentinel = 0x12345678;
    const out = new Uint32Array(30).fill(sentinel);
    paintMaskRect(labels, out, { x: 2, y: 1, widthPx: 2, heightPx: 2 }, { mode: 'fill' });
    const written = [...out.keys()].filter((i) => out[i] !== sentinel);
    expect(written.sort((a, b) => a - b)).toEqual([8, 9, 14, 15]);
  });

  it('grows a rectangle by a margin and clips it to the mask', () => {
    expect(growRect({ x: 0, y: 1, widthPx: 2, heightPx: 2 }, 1, { widthPx: 6, heightPx: 5 })).toEqual({ x: 0, y: 0, widthPx: 3, heightPx: 4 });
    expect(growRect({ x: 4, y: 3, widthPx: 2, heightPx: 2 }, 2, { widthPx: 6, heightPx: 5 })).toEqual({ x: 2, y: 1, widthPx: 4, heightPx: 4 });
  });
});
