/**
 * Binary message format of the WebSocket transport: typed arrays travel as raw bytes, not JSON numbers.
 * Layout: u32 little-endian header length, UTF-8 JSON header, zero padding to a multiple of 8, then the
 * typed arrays' bytes, each starting at a multiple of 8. In the header a typed array is replaced by
 * `{ "$ta": [typeName, byteOffset, length] }`.
 *
 * With `runs` (the server's answers and events), a large Uint8Array made of long runs of equal bytes (a
 * label mask: a 2048x2500 mask is 5 MB raw, ~50 KB as runs) travels as its runs instead:
 * `{ "$runs": [byteOffset, runCount, length] }`, the body holding `runCount` u32 run lengths, then the
 * `runCount` byte values. Only a decoder that says `runs: true` (a client) takes them: the server refuses
 * them, so that a small message from a client can never expand to a large array there.
 */

type TypedArray =
  | Uint8Array | Int8Array | Uint8ClampedArray | Uint16Array | Int16Array
  | Uint32Array | Int32Array | Float32Array | Float64Array;

const constructors = {
  Uint8Array, Int8Array, Uint8ClampedArray, Uint16Array, Int16Array, Uint32Array, Int32Array, Float32Array, Float64Array,
} as const;
type TypedName = keyof typeof constructors;

function typedName(value: unknown): TypedName | null {
  if (!ArrayBuffer.isView(value) || value instanceof DataView) return null;
  const name = value.constructor.name as TypedName;
  return name in constructors ? name : null;
}

const align8 = (n: number) => (n + 7) & ~7;
const isCount = (n: unknown): n is number => typeof n === 'number' && Number.isSafeInteger(n) && n >= 0;

/** Uint8Arrays at least this long are sent as runs when that makes them at least {@link RUNS_MIN_GAIN} times smaller. */
export const RUNS_MIN_BYTES = 65536;
const RUNS_MIN_GAIN = 8;
/** The longest array a decoder rebuilds from runs (a 16k x 16k mask is 256 MiB). */
export const RUNS_MAX_LENGTH = 2 ** 30;

/**
 * The runs of equal bytes in `array` (lengths and values), or null as soon as there would be more than
 * `maxRuns` of them. Equal bytes are skipped four at a time where the array is word-aligned.
 */
export function byteRuns(array: Uint8Array, maxRuns: number): { lengths: Uint32Array; values: Uint8Array } | null {
  const n = array.length;
  const lengths = new Uint32Array(Math.max(0, Math.min(maxRuns, n)));
  const values = new Uint8Array(lengths.length);
  const words = array.byteOffset % 4 === 0 ? new Uint32Array(array.buffer, array.byteOffset, n >> 2) : null;
  let runs = 0;
  let i = 0;
  while (i < n) {
    if (runs === lengths.length) return null;
    const v = array[i];
    let j = i + 1;
    if (words) {
      while (j < n && (j & 3) !== 0 && array[j] === v) j++;
      if ((j & 3) === 0) {
        const word = (v * 0x01010101) >>> 0;
        let w = j >> 2;
        while (w < words.length && words[w] === word) w++;
        j = w << 2;
      }
    }
    while (j < n && array[j] === v) j++;
    lengths[runs] = j - i;
    values[runs] = v;
    runs++;
    i = j;
  }
  return { lengths: lengths.slice(0, runs), values: values.slice(0, runs) };
}

type BodyPart = { kind: 'raw'; array: TypedArray } | { kind: 'runs'; lengths: Uint32Array; values: Uint8Array };

function partBytes(part: BodyPart): number {
  return part.kind === 'raw' ? part.array.byteLength : align8(part.lengths.byteLength) + part.values.byteLength;
}

/** Encodes a JSON-like value with typed arrays into one binary message (see the module comment for `runs`). */
export function encodeMessage(value: unknown, options: { runs?: boolean } = {}): Uint8Array {
  const buffers: BodyPart[] = [];
  let offset = 0;
  const header = JSON.stringify(value, function replacer(this: unknown, key: string, raw: unknown) {
    // JSON.stringify has already turned typed arrays into objects by now; read the original.
    const original = key === '' ? raw : (this as Record<string, unknown>)[key];
    const name = typedName(original);
    if (!name) return raw;
    const array = original as TypedArray;
    const runs = options.runs && name === 'Uint8Array' && array.length >= RUNS_MIN_BYTES && array.length <= RUNS_MAX_LENGTH ? byteRuns(array as Uint8Array, Math.floor(array.length / (5 * RUNS_MIN_GAIN))) : null;
    if (runs) {
      const part: BodyPart = { kind: 'runs', ...runs };
      const entry = { $runs: [offset, runs.lengths.length, array.length] };
      buffers.push(part);
      offset = align8(offset + partBytes(part));
      return entry;
    }
    const entry = { $ta: [name, offset, array.length] };
    buffers.push({ kind: 'raw', array });
    offset = align8(offset + array.byteLength);
    return entry;
  });
  const headerBytes = utf8Encode(header ?? 'null');
  const start = align8(4 + headerBytes.length);
  const out = new Uint8Array(start + offset);
  new DataView(out.buffer).setUint32(0, headerBytes.length, true);
  out.set(headerBytes, 4);
  let at = start;
  for (const part of buffers) {
    if (part.kind === 'raw') {
      out.set(new Uint8Array(part.array.buffer, part.array.byteOffset, part.array.byteLength), at);
    } else {
      out.set(new Uint8Array(part.lengths.buffer, part.lengths.byteOffset, part.lengths.byteLength), at);
      out.set(part.values, at + align8(part.lengths.byteLength));
    }
    at = align8(at + partBytes(part));
  }
  return out;
}

/**
 * Decodes a message made by {@link encodeMessage}. Typed arrays are copied into fresh, aligned buffers,
 * unless `copy: false`: then each is a view into `bytes` where its alignment allows (a server decoding
 * a 250 MB upload saves a second copy of it), and a copy only where it does not.
 */
export function decodeMessage(bytes: Uint8Array, options: { copy?: boolean; runs?: boolean } = {}): unknown {
  const copyAlways = options.copy ?? true;
  if (bytes.byteLength < 4) throw new Error('message too short');
  const headerLength = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength).getUint32(0, true);
  if (4 + headerLength > bytes.byteLength) throw new Error('message header truncated');
  const start = align8(4 + headerLength);
  const header = utf8Decode(bytes.subarray(4, 4 + headerLength));
  return JSON.parse(header, (_key, value: unknown) => {
    if (value && typeof value === 'object' && '$runs' in value) {
      if (!options.runs) throw new Error('run-length arrays are not accepted here');
      return fromRuns(bytes, start, (value as { $runs: unknown }).$runs);
    }
    if (value && typeof value === 'object' && '$ta' in value) {
      const entry = (value as { $ta: unknown }).$ta;
      if (!Array.isArray(entry) || entry.length !== 3) throw new Error('malformed typed array entry');
      const [name, byteOffset, length] = entry as [unknown, unknown, unknown];
      if (typeof name !== 'string' || !Object.prototype.hasOwnProperty.call(constructors, name)) throw new Error(`unknown typed array ${String(name)}`);
      if (!isCount(byteOffset) || !isCount(length)) throw new Error('malformed typed array offset or length');
      const Ctor = constructors[name as TypedName];
      const byteLength = length * Ctor.BYTES_PER_ELEMENT;
      const from = start + byteOffset;
      if (from + byteLength > bytes.byteLength) throw new Error('message body truncated');
      if (!copyAlways && (bytes.byteOffset + from) % Ctor.BYTES_PER_ELEMENT === 0) return new Ctor(bytes.buffer as ArrayBuffer, bytes.byteOffset + from, length);
      const copy = new Uint8Array(byteLength);
      copy.set(bytes.subarray(from, from + byteLength));
      return new Ctor(copy.buffer);
    }
    return value;
  });
}

/** Rebuilds a Uint8Array from its runs, checking that they fit the message and add up to its length. */
function fromRuns(bytes: Uint8Array, start: number, entry: unknown): Uint8Array {
  if (!Array.isArray(entry) || entry.length !== 3) throw new Error('malformed run-length entry');
  const [byteOffset, runCount, length] = entry as [unknown, unknown, unknown];
  if (!isCount(byteOffset) || !isCount(runCount) || !isCount(length) || length > RUNS_MAX_LENGTH) throw new Error('malformed run-length offset, count or length');
  const from = start + byteOffset;
  const valuesAt = from + align8(runCount * 4);
  if (valuesAt + runCount > bytes.byteLength) throw new Error('message body truncated');
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const out = new Uint8Array(length);
  let at = 0;
  for (let r = 0; r < runCount; r++) {
    const run = view.getUint32(from + 4 * r, true);
    if (run > length - at) throw new Error('run lengths exceed the array');
    const v = bytes[valuesAt + r];
    if (v !== 0) out.fill(v, at, at + run);
    at += run;
  }
  if (at !== length) throw new Error('run lengths fall short of the array');
  return out;
}

/** UTF-8 encoding without TextEncoder (src-shared has neither DOM nor Node types). */
export function utf8Encode(text: string): Uint8Array {
  const out: number[] = [];
  for (const char of text) {
    const code = char.codePointAt(0) ?? 0;
    if (code < 0x80) out.push(code);
    else if (code < 0x800) out.push(0xc0 | (code >> 6), 0x80 | (code & 63));
    else if (code < 0x10000) out.push(0xe0 | (code >> 12), 0x80 | ((code >> 6) & 63), 0x80 | (code & 63));
    else out.push(0xf0 | (code >> 18), 0x80 | ((code >> 12) & 63), 0x80 | ((code >> 6) & 63), 0x80 | (code & 63));
  }
  return Uint8Array.from(out);
}

/** UTF-8 decoding without TextDecoder; invalid sequences become U+FFFD. */
export function utf8Decode(bytes: Uint8Array): string {
  let out = '';
  const chunk: number[] = [];
  const flush = () => {
    out += String.fromCodePoint(...chunk);
    chunk.length = 0;
  };
  for (let i = 0; i < bytes.length; ) {
    const b = bytes[i];
    let code = 0xfffd;
    let size = 1;
    if (b < 0x80) code = b;
    else if (b >= 0xc2 && b < 0xe0 && i + 1 < bytes.length) { code = ((b & 31) << 6) | (bytes[i + 1] & 63); size = 2; }
    else if (b >= 0xe0 && b < 0xf0 && i + 2 < bytes.length) { code = ((b & 15) << 12) | ((bytes[i + 1] & 63) << 6) | (bytes[i + 2] & 63); size = 3; }
    else if (b >= 0xf0 && b < 0xf5 && i + 3 < bytes.length) { code = ((b & 7) << 18) | ((bytes[i + 1] & 63) << 12) | ((bytes[i + 2] & 63) << 6) | (bytes[i + 3] & 63); size = 4; }
    chunk.push(code);
    if (chunk.length >= 8192) flush();
    i += size;
  }
  flush();
  return out;
}

/** A call from the renderer. */
export interface WireRequest {
  id: number;
  domain: string;
  method: string;
  args: unknown[];
}

/** What the server sends: a call's result or an event. */
export type WireResponse =
  | { id: number; result: unknown }
  | { event: string; payload: unknown };
