import { areaSumsWasm } from './area-sums.wasm';

/**
 * The WebAssembly kernels behind the large-film loops of pre-processing (area-average block sums, value
 * counts; source: area-sums.wat). Each call copies the film into the module's memory (a memcpy, ~0.2 ms
 * for 8 MB), runs there and reads the result back. Every kernel returns `null` when it cannot run (no
 * WebAssembly or no SIMD, a content policy that forbids compiling, a film beyond the memory cap, sums that
 * could overflow 32 bits): the callers then take their plain JavaScript loops, which give the same
 * integers. One instance per thread (workers each load their own), created on first use.
 */

/** The parts of the WebAssembly API used here (src-shared is typed without DOM or Node libraries). */
interface WasmMemory {
  readonly buffer: ArrayBuffer;
  grow(pages: number): number;
}
interface WasmApi {
  validate(bytes: Uint8Array): boolean;
  Module: new (bytes: Uint8Array) => object;
  Instance: new (module: object, imports: object) => { exports: unknown };
}

interface Exports {
  memory: WasmMemory;
  blockSumsU8(src: number, srcW: number, colStart: number, rowStart: number, tw: number, th: number, colsum: number, out: number): void;
  blockSumsLut(src: number, shift: number, srcW: number, colStart: number, rowStart: number, tw: number, th: number, lut: number, base: number, lutLast: number, out: number): void;
  valueCountsU16(src: number, n: number, min: number, counts: number, countsLast: number): void;
}

/** The most memory the kernels may hold (a 6000x6000 16-bit film is 72 MB); larger films take the JavaScript loops. */
const MAX_MEMORY_BYTES = 192 * 2 ** 20;
const PAGE_BYTES = 65536;
/** Rows per block the 16-bit column lanes of blockSumsU8 can take (257 x 255 = 65535). */
const MAX_LANE_ROWS = 257;

let instance: Exports | null | undefined;
let enabled = true;

const BASE64 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';

/** Standard base64 (padded) to bytes; `atob` is not in every context's typings and gives a string anyway. */
export function decodeBase64(text: string): Uint8Array {
  const value = new Int16Array(128).fill(-1);
  for (let i = 0; i < BASE64.length; i++) value[BASE64.charCodeAt(i)] = i;
  const clean = text.replace(/=+$/, '');
  const bytes = new Uint8Array(Math.floor((clean.length * 3) / 4));
  let bits = 0;
  let count = 0;
  let o = 0;
  for (let i = 0; i < clean.length; i++) {
    const v = value[clean.charCodeAt(i) & 127];
    if (v < 0) throw new RangeError(`not base64 at ${i}`);
    bits = (bits << 6) | v;
    count += 6;
    if (count >= 8) {
      count -= 8;
      bytes[o++] = (bits >> count) & 0xff;
    }
  }
  return bytes;
}

function load(): Exports | null {
  if (!enabled) return null;
  if (instance !== undefined) return instance;
  instance = null;
  try {
    const wasm = (globalThis as { WebAssembly?: WasmApi }).WebAssembly;
    if (typeof wasm !== 'object' || new Uint8Array(Uint16Array.of(1).buffer)[0] !== 1) return null;
    const bytes = decodeBase64(areaSumsWasm);
    if (!wasm.validate(bytes)) return null;
    instance = new wasm.Instance(new wasm.Module(bytes), {}).exports as Exports;
  } catch {
    instance = null;
  }
  return instance;
}

/** Whether the kernels run in this thread (for benchmarks and tests). */
export function wasmKernelsAvailable(): boolean {
  return load() !== null;
}

/** Turns the kernels off (or back on) in this thread, so tests can compare them with the JavaScript loops. */
export function setWasmKernelsEnabled(on: boolean): void {
  enabled = on;
}

/** Lays arrays out one after another, 16-byte aligned, and grows the memory to hold them; null past the cap. */
function layout(exports: Exports, sizes: number[]): number[] | null {
  const offsets: number[] = [];
  let end = 0;
  for (const size of sizes) {
    offsets.push(end);
    end += Math.ceil(size / 16) * 16 + 16;
  }
  if (end > MAX_MEMORY_BYTES) return null;
  const have = exports.memory.buffer.byteLength;
  if (end > have) {
    try {
      exports.memory.grow(Math.ceil((end - have) / PAGE_BYTES));
    } catch {
      return null;
    }
  }
  return offsets;
}

function largestBlock(edges: Int32Array): number {
  let most = 0;
  for (let t = 1; t < edges.length; t++) most = Math.max(most, edges[t] - edges[t - 1]);
  return most;
}

function copyIn(exports: Exports, offset: number, array: ArrayBufferView): void {
  new Uint8Array(exports.memory.buffer, offset, array.byteLength).set(new Uint8Array(array.buffer, array.byteOffset, array.byteLength));
}

function sumsOut(exports: Exports, offset: number, length: number): Float64Array {
  return Float64Array.from(new Uint32Array(exports.memory.buffer, offset, length));
}

/**
 * Exact sums of each output block of an 8-bit image (`colStart`/`rowStart`: block edges, tw+1 and th+1
 * entries), row-major; null when the kernels cannot run it (see the module comment).
 */
export function wasmBlockSumsU8(data: Uint8Array, srcW: number, srcH: number, colStart: Int32Array, rowStart: Int32Array): Float64Array | null {
  const exports = load();
  const tw = colStart.length - 1;
  const th = rowStart.length - 1;
  if (!exports || data.length !== srcW * srcH || largestBlock(rowStart) > MAX_LANE_ROWS || largestBlock(rowStart) * largestBlock(colStart) * 255 >= 2 ** 32) return null;
  const at = layout(exports, [colStart.byteLength, rowStart.byteLength, 2 * srcW + 32, 4 * tw * th, data.byteLength]);
  if (!at) return null;
  const [cols, rows, colsum, out, src] = at;
  copyIn(exports, cols, colStart);
  copyIn(exports, rows, rowStart);
  copyIn(exports, src, data);
  exports.blockSumsU8(src, srcW, cols, rows, tw, th, colsum, out);
  return sumsOut(exports, out, tw * th);
}

/**
 * Exact sums of each output block of `lut[data[i] - base]` for 8- or 16-bit pixels; null when the kernels
 * cannot run it. The table must cover every value present (as {@link grey8Lut}'s does); a value outside
 * it would count as the table's last entry here and as NaN in the JavaScript loop.
 */
export function wasmBlockSumsLut(data: Uint8Array | Uint16Array, srcW: number, srcH: number, colStart: Int32Array, rowStart: Int32Array, lut: Uint8Array, base: number): Float64Array | null {
  const exports = load();
  const tw = colStart.length - 1;
  const th = rowStart.length - 1;
  if (!exports || lut.length === 0 || data.length !== srcW * srcH || !Number.isInteger(base) || base < 0 || largestBlock(rowStart) * largestBlock(colStart) * 255 >= 2 ** 32) return null;
  const at = layout(exports, [colStart.byteLength, rowStart.byteLength, lut.byteLength, 4 * tw * th, data.byteLength]);
  if (!at) return null;
  const [cols, rows, table, out, src] = at;
  copyIn(exports, cols, colStart);
  copyIn(exports, rows, rowStart);
  copyIn(exports, table, lut);
  copyIn(exports, src, data);
  exports.blockSumsLut(src, data instanceof Uint16Array ? 1 : 0, srcW, cols, rows, tw, th, table, base, lut.length - 1, out);
  return sumsOut(exports, out, tw * th);
}

/**
 * `counts[v - min]` for every 16-bit value of `data` (values outside min..min+size-1 not counted), or null
 * when the kernels cannot run it.
 */
export function wasmValueCountsU16(data: Uint16Array, min: number, size: number): Uint32Array | null {
  const exports = load();
  if (!exports || !Number.isInteger(min) || min < 0 || size <= 0 || data.length >= 2 ** 32) return null;
  const at = layout(exports, [16 * size, data.byteLength]);
  if (!at) return null;
  const [tables, src] = at;
  new Uint8Array(exports.memory.buffer, tables, 16 * size).fill(0);
  copyIn(exports, src, data);
  exports.valueCountsU16(src, data.length, min, tables, size - 1);
  const four = new Uint32Array(exports.memory.buffer, tables, 4 * size);
  const counts = new Uint32Array(size);
  for (let v = 0; v < size; v++) counts[v] = four[v] + four[size + v] + four[2 * size + v] + four[3 * size + v];
  return counts;
}
