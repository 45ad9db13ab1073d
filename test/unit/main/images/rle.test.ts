import { describe, expect, it } from 'vitest';
import { PleuraError } from '../../../../src-shared/api/result';
import { decodeRle } from '../../../../src-main/services/images/dicom/rle';

/** PackBits as PS3.5 G.3.1 describes it: literal runs (n >= 0) and replicate runs (-1..-127). */
function packBits(bytes: number[]): number[] {
  const out: number[] = [];
  let i = 0;
  while (i < bytes.length) {
    let run = 1;
    while (i + run < bytes.length && bytes[i + run] === bytes[i] && run < 128) run++;
    if (run >= 2) {
      out.push(257 - run, bytes[i]);
      i += run;
      continue;
    }
    const start = i;
    while (i < bytes.length && i - start < 128 && !(i + 1 < bytes.length && bytes[i + 1] === bytes[i])) i++;
    out.push(i - start - 1, ...bytes.slice(start, i));
  }
  return out;
}

function rleFrame(segments: number[][]): Uint8Array {
  const header = new Uint8Array(64);
  const view = new DataView(header.buffer);
  view.setUint32(0, segments.length, true);
  let offset = 64;
  segments.forEach((segment, i) => {
    view.setUint32(4 + 4 * i, offset, true);
    offset += segment.length + (segment.length % 2);
  });
  const body = segments.flatMap((segment) => (segment.length % 2 ? [...segment, 0x80] : segment));
  return Uint8Array.from([...header, ...body]);
}

describe('decodeRle (PS3.5 Annex G)', () => {
  it('decodes 16-bit grey: high-byte segment first, output little endian', () => {
    const values = [0x0102, 0x0102, 0x0102, 0x0304, 0xff00, 0x0000];
    const high = values.map((v) => v >> 8);
    const low = values.map((v) => v & 255);
    const out = decodeRle(rleFrame([packBits(high), packBits(low)]), { rows: 2, columns: 3, samplesPerPixel: 1, bitsAllocated: 16 }, 'x');
    expect(Array.from(new Uint16Array(out.buffer))).toEqual(values);
  });

  it('decodes 8-bit RGB as three planes and skips the -128 no-op', () => {
    const frame = rleFrame([[0x80, 1, 10, 20], [0xff, 7], [1, 1, 2]]);
    const out = decodeRle(frame, { rows: 1, columns: 2, samplesPerPixel: 3, bitsAllocated: 8 }, 'x');
    expect(Array.from(out)).toEqual([10, 20, 7, 7, 1, 2]);
  });

  it.each([
    ['a short header', new Uint8Array(10), /shorter than its 64-byte header/],
    ['a wrong segment count', rleFrame([[0, 1]]), /lists 1 segments; 2 are needed/],
    ['an offset past the end', (() => { const f = rleFrame([[0, 1], [0, 1]]); new DataView(f.buffer).setUint32(8, 9999, true); return f; })(), /offset outside the frame/],
    ['a segment that stops early', rleFrame([[0, 1], [0, 1]]), /decodes to 1 of 4 bytes/],
  ])('rejects %s with a specific error', (_name, frame, message) => {
    const decode = () => decodeRle(frame, { rows: 2, columns: 2, samplesPerPixel: 1, bitsAllocated: 16 }, 'x');
    expect(decode).toThrow(PleuraError);
    expect(decode).toThrow(message);
  });
});
