// Small masks written as text, so tests show exactly which pixels an operation changes.
// '.' is 0, '#' is 1, digits are their value. Rows are separated by newlines; indentation is ignored.

export interface AsciiMask {
  widthPx: number;
  heightPx: number;
  data: Uint8Array;
}

export function parseMask(text: string): AsciiMask {
  const rows = text.split('\n').map((row) => row.trim()).filter((row) => row.length > 0);
  const widthPx = rows[0]?.length ?? 0;
  const data = new Uint8Array(widthPx * rows.length);
  rows.forEach((row, y) => {
    if (row.length !== widthPx) throw new Error(`row ${y} has ${row.length} columns, expected ${widthPx}`);
    for (let x = 0; x < widthPx; x++) {
      const c = row[x];
      data[y * widthPx + x] = c === '.' ? 0 : c === '#' ? 1 : Number.parseInt(c, 10);
    }
  });
  return { widthPx, heightPx: rows.length, data };
}

export function formatMask(data: ArrayLike<number>, widthPx: number, heightPx: number): string {
  const rows: string[] = [];
  for (let y = 0; y < heightPx; y++) {
    let row = '';
    for (let x = 0; x < widthPx; x++) {
      const v = data[y * widthPx + x];
      row += v === 0 ? '.' : v === 1 ? '#' : String(v);
    }
    rows.push(row);
  }
  return rows.join('\n');
}

/** Normalises a literal the same way formatMask prints, so expectations can be indented. */
export function ascii(text: string): string {
  const m = parseMask(text);
  return formatMask(m.data, m.widthPx, m.heightPx);
}

/** Deterministic pseudo-random generator, so random tests are reproducible. */
export { createRandom as random } from '../../src-shared/ml/random';

export function randomMask(widthPx: number, heightPx: number, density: number, next: () => number): Uint8Array {
  const out = new Uint8Array(widthPx * heightPx);
  for (let i = 0; i < out.length; i++) out[i] = next() < density ? 1 : 0;
  return out;
}
