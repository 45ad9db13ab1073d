import { describe, expect, it } from 'vitest';
import { byteRuns, decodeMessage, encodeMessage, RUNS_MIN_BYTES, utf8Decode, utf8Encode } from '../../../src-shared/api/wire';

describe('wire format', () => {
  it.each([
    ['plain JSON', { a: 1, b: ['x', null, true] }],
    ['typed arrays at odd sizes', { mask: new Uint8Array([1, 2, 3]), pixels: new Float32Array([0.5, -2, 1e9]), raw: new Int16Array([-3, 7]) }],
    ['nested arrays of typed arrays', [{ bytes: new Uint8Array(9).fill(7) }, { bytes: new Uint16Array([65535]) }]],
    ['an empty typed array', { empty: new Int32Array(0) }],
  ])('round-trips %s', (_name, value) => {
    expect(decodeMessage(encodeMessage(value))).toEqual(value);
  });

  it('keeps typed array types', () => {
    const decoded = decodeMessage(encodeMessage({ v: new Float64Array([1.5]) })) as { v: unknown };
    expect(decoded.v).toBeInstanceOf(Float64Array);
  });

  it('refuses a truncated body', () => {
    const bytes = encodeMessage({ v: new Float32Array(100) });
    expect(() => decodeMessage(bytes.subarray(0, bytes.length - 8))).toThrow(/truncated/);
  });

  it('encodes UTF-8 like the platform', () => {
    const text = 'Лёгкие — lungs 🫁';
    expect(utf8Encode(text)).toEqual(new Uint8Array(Buffer.from(text, 'utf8')));
    expect(utf8Decode(new Uint8Array(Buffer.from(text, 'utf8')))).toBe(text);
  });
});

describe('decodeMessage without copies', () => {
  it('views aligned typed arrays in the message and copies misaligned ones, with the same values', () => {
    const encoded = encodeMessage({ a: new Uint16Array([1, 2, 3]), b: new Float32Array([0.5]) });
    const aligned = decodeMessage(encoded, { copy: false }) as { a: Uint16Array; b: Float32Array };
    expect(aligned.a.buffer).toBe(encoded.buffer);
    expect(Array.from(aligned.a)).toEqual([1, 2, 3]);
    const shifted = new Uint8Array(encoded.length + 1);
    shifted.set(encoded, 1);
    const misaligned = decodeMessage(shifted.subarray(1), { copy: false }) as { a: Uint16Array; b: Float32Array };
    expect(misaligned.a.buffer).not.toBe(shifted.buffer);
    expect(Array.from(misaligned.a)).toEqual([1, 2, 3]);
    expect(Array.from(misaligned.b)).toEqual([0.5]);
    expect((decodeMessage(encoded) as { a: Uint16Array }).a.buffer).not.toBe(encoded.buffer);
  });
});

/** A 2048x2500 label mask: two lungs as ellipses, labels 1 and 2, everything else 0. */
function labelMask(widthPx = 2048, heightPx = 2500): Uint8Array {
  const data = new Uint8Array(widthPx * heightPx);
  for (let y = 0; y < heightPx; y++) {
    for (let x = 0; x < widthPx; x++) {
      const right = ((x - 0.3 * widthPx) / (0.15 * widthPx)) ** 2 + ((y - 0.5 * heightPx) / (0.3 * heightPx)) ** 2 < 1;
      const left = ((x - 0.7 * widthPx) / (0.15 * widthPx)) ** 2 + ((y - 0.5 * heightPx) / (0.3 * heightPx)) ** 2 < 1;
      data[y * widthPx + x] = right ? 1 : left ? 2 : 0;
    }
  }
  return data;
}

/** The header of an encoded message, parsed. */
function headerOf(bytes: Uint8Array): unknown {
  const length = new DataView(bytes.buffer, bytes.byteOffset).getUint32(0, true);
  return JSON.parse(utf8Decode(bytes.subarray(4, 4 + length)));
}

describe('run-length arrays on the wire', () => {
  it('send a label mask as its runs, a hundredth of its size, and give it back byte for byte', () => {
    const mask = labelMask();
    const value = { mask: { widthPx: 2048, heightPx: 2500, data: mask }, note: 'x' };
    const encoded = encodeMessage(value, { runs: true });
    expect(encoded.byteLength).toBeLessThan(mask.byteLength / 100);
    expect(JSON.stringify(headerOf(encoded))).toContain('$runs');
    const decoded = decodeMessage(encoded, { runs: true }) as typeof value;
    expect(decoded.mask.data).toBeInstanceOf(Uint8Array);
    expect(decoded.mask.data.length).toBe(mask.length);
    expect(Buffer.from(decoded.mask.data).equals(Buffer.from(mask))).toBe(true);
    expect(decoded.note).toBe('x');
  });

  it.each([
    ['all zeros', new Uint8Array(RUNS_MIN_BYTES)],
    ['all 255 at an odd offset', new Uint8Array(RUNS_MIN_BYTES + 3).fill(255).subarray(3)],
    ['runs of every length 1..40', Uint8Array.from({ length: RUNS_MIN_BYTES * 2 }, (_, i) => Math.floor(Math.sqrt(8 * i)) % 3)],
  ])('round-trip %s, beside raw arrays', (_label, data) => {
    const value = { a: new Uint16Array([1, 2, 3]), data, b: new Float32Array([0.25]) };
    const decoded = decodeMessage(encodeMessage(value, { runs: true }), { runs: true }) as typeof value;
    expect(Buffer.from(decoded.data).equals(Buffer.from(data))).toBe(true);
    expect(decoded.a).toEqual(value.a);
    expect(decoded.b).toEqual(value.b);
  });

  it('leave small, noisy or non-byte arrays raw', () => {
    const noisy = Uint8Array.from({ length: RUNS_MIN_BYTES }, (_, i) => (i * 7919) & 255);
    for (const data of [new Uint8Array(RUNS_MIN_BYTES - 1), noisy, new Uint16Array(RUNS_MIN_BYTES)]) {
      const encoded = encodeMessage({ data }, { runs: true });
      expect(JSON.stringify(headerOf(encoded))).not.toContain('$runs');
      expect(decodeMessage(encoded, { runs: true })).toEqual({ data });
    }
    expect(JSON.stringify(headerOf(encodeMessage({ data: new Uint8Array(RUNS_MIN_BYTES) })))).not.toContain('$runs');
  });

  it('finds the same runs as a byte-by-byte scan', () => {
    const data = Uint8Array.from({ length: 10_003 }, (_, i) => (i % 97 < 60 ? 0 : i % 97 < 61 ? 3 : 1));
    const runs = byteRuns(data, data.length)!;
    const plain: number[] = [];
    for (let i = 0; i < data.length; ) {
      let j = i;
      while (j < data.length && data[j] === data[i]) j++;
      plain.push(j - i);
      i = j;
    }
    expect(Array.from(runs.lengths)).toEqual(plain);
    expect(byteRuns(data, plain.length - 1)).toBeNull();
  });

  it('are refused by a decoder that does not take them (the server)', () => {
    const encoded = encodeMessage({ data: new Uint8Array(RUNS_MIN_BYTES) }, { runs: true });
    expect(() => decodeMessage(encoded)).toThrow(/not accepted/);
    expect(() => decodeMessage(encoded, { copy: false })).toThrow(/not accepted/);
  });

  /** A hand-made message: one $runs entry with these lengths and values. */
  function runsMessage(entry: unknown[], lengths: number[], values: number[]): Uint8Array {
    const header = utf8Encode(JSON.stringify({ data: { $runs: entry } }));
    const start = (4 + header.length + 7) & ~7;
    const body = new Uint8Array(((lengths.length * 4 + 7) & ~7) + values.length);
    new Uint32Array(body.buffer, 0, lengths.length).set(lengths);
    body.set(values, (lengths.length * 4 + 7) & ~7);
    const out = new Uint8Array(start + body.length);
    new DataView(out.buffer).setUint32(0, header.length, true);
    out.set(header, 4);
    out.set(body, start);
    return out;
  }

  it.each([
    ['runs that add up to more than the length', [0, 2, 10], [8, 8], [1, 2], /exceed/],
    ['runs that fall short of the length', [0, 2, 20], [8, 8], [1, 2], /fall short/],
    ['a length past the cap (a tiny message claiming gigabytes)', [0, 1, 2 ** 31], [2 ** 31 - 1], [1], /malformed/],
    ['more runs than the body holds', [0, 50, 100], [50, 50], [1, 1], /truncated/],
    ['a malformed entry', [0, 'x', 10], [10], [1], /malformed/],
  ])('refuse %s', (_label, entry, lengths, values, error) => {
    const bytes = runsMessage(entry, lengths, values);
    expect(() => decodeMessage(bytes, { runs: true })).toThrow(error);
  });
});
