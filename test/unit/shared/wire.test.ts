import { describe, expect, it } from 'vitest';
import { decodeMessage, encodeMessage, utf8Decode, utf8Encode } from '../../../src-shared/api/wire';

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
