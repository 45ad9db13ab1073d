import type { ImagePixels } from '../api/images';
import { wasmBlockSumsLut, wasmBlockSumsU8 } from '../wasm/kernels';

/** A single-channel image of any numeric pixel type (decoded pixels, display bytes, floats). */
export interface NumericImage {
  widthPx: number;
  heightPx: number;
  data: ArrayLike<number>;
}

/** Source column where each target column's block starts (block edges rounded to whole pixels). */
function blockEdges(sourcePx: number, targetPx: number): Int32Array {
  const edges = new Int32Array(targetPx + 1);
  for (let t = 0; t <= targetPx; t++) edges[t] = Math.round((t * sourcePx) / targetPx);
  return edges;
}

/** Most source rows per block the byte-lane sums can take: 16-bit lanes hold 257 x 255. */
const MAX_LANE_ROWS = 257;

/**
 * Exact integer sums of each output block of an 8-bit image, the pixels as they are. Rows are read four
 * bytes at a time (a Uint32 view; rows that do not start on a 4-byte boundary are first copied to an
 * aligned scratch row, a memcpy) and summed column-wise into two arrays of 16-bit lanes (bytes 0 and 2,
 * bytes 1 and 3 of each word), four rows per step; each block row's column sums are then unpacked and
 * added across the block columns. About 3x faster than summing byte by byte, same integers.
 */
function blockSumsBytes(data: Uint8Array, srcW: number, srcH: number, colStart: Int32Array, rowStart: Int32Array, widthPx: number, heightPx: number): Float64Array {
  const sums = new Float64Array(widthPx * heightPx);
  const words = (srcW + 3) >> 2;
  const even = new Int32Array(words);
  const odd = new Int32Array(words);
  const column = new Int32Array(words * 4);
  const whole = srcW % 4 === 0 && data.byteOffset % 4 === 0 ? new Uint32Array(data.buffer, data.byteOffset, (srcW * srcH) >> 2) : null;
  const scratch = whole ? null : new Uint8Array(words * 4);
  const scratchWords = scratch ? new Uint32Array(scratch.buffer) : null;
  for (let ty = 0; ty < heightPx; ty++) {
    even.fill(0);
    odd.fill(0);
    const yEnd = rowStart[ty + 1];
    let y = rowStart[ty];
    if (whole) {
      for (; y + 3 < yEnd; y += 4) {
        const a = y * words;
        const b = a + words;
        const c = b + words;
        const d = c + words;
        for (let j = 0; j < words; j++) {
          const p = whole[a + j];
          const q = whole[b + j];
          const r = whole[c + j];
          const t = whole[d + j];
          even[j] += (p & 0xff00ff) + (q & 0xff00ff) + (r & 0xff00ff) + (t & 0xff00ff);
          odd[j] += ((p >>> 8) & 0xff00ff) + ((q >>> 8) & 0xff00ff) + ((r >>> 8) & 0xff00ff) + ((t >>> 8) & 0xff00ff);
        }
      }
      for (; y < yEnd; y++) {
        const a = y * words;
        for (let j = 0; j < words; j++) {
          const p = whole[a + j];
          even[j] += p & 0xff00ff;
          odd[j] += (p >>> 8) & 0xff00ff;
        }
      }
    } else if (scratch && scratchWords) {
      for (; y < yEnd; y++) {
        scratch.set(data.subarray(y * srcW, y * srcW + srcW));
        for (let j = 0; j < words; j++) {
          const p = scratchWords[j];
          even[j] += p & 0xff00ff;
          odd[j] += (p >>> 8) & 0xff00ff;
        }
      }
    }
    // little-endian words: byte 0 is the low lane of `even`, byte 1 of `odd`, bytes 2 and 3 their high lanes
    for (let j = 0, x = 0; j < words; j++, x += 4) {
      const e = even[j];
      const o = odd[j];
      column[x] = e & 0xffff;
      column[x + 1] = o & 0xffff;
      column[x + 2] = e >>> 16;
      column[x + 3] = o >>> 16;
    }
    for (let tx = 0, o = ty * widthPx; tx < widthPx; tx++, o++) {
      let sum = 0;
      for (let x = colStart[tx], end = colStart[tx + 1]; x < end; x++) sum += column[x];
      sums[o] = sum;
    }
  }
  return sums;
}

const littleEndian = new Uint8Array(Uint16Array.of(1).buffer)[0] === 1;

/** Whether every source row block fits the byte-lane sums and the platform's words are little-endian. */
function laneSumsFit(rowStart: Int32Array): boolean {
  if (!littleEndian) return false;
  for (let t = 1; t < rowStart.length; t++) if (rowStart[t] - rowStart[t - 1] > MAX_LANE_ROWS) return false;
  return true;
}

/**
 * Exact sums of each output block of `lut[data[i] - base]`, run by run: each output column's run of a
 * source row summed in a register, four source rows per step. One body per array type, so that each
 * loop stays monomorphic (V8 compiles typed loads for one array kind).
 */
function blockSumsThroughLut16(data: Uint16Array, lut: Uint8Array, base: number, srcW: number, colStart: Int32Array, rowStart: Int32Array, widthPx: number, heightPx: number): Float64Array {
  const sums = new Float64Array(widthPx * heightPx);
  const w2 = 2 * srcW;
  const w3 = 3 * srcW;
  for (let ty = 0; ty < heightPx; ty++) {
    const o = ty * widthPx;
    const yEnd = rowStart[ty + 1];
    let y = rowStart[ty];
    for (; y + 3 < yEnd; y += 4) {
      const row = y * srcW;
      for (let tx = 0; tx < widthPx; tx++) {
        let sum = 0;
        for (let i = row + colStart[tx], end = row + colStart[tx + 1]; i < end; i++) sum += lut[data[i] - base] + lut[data[i + srcW] - base] + lut[data[i + w2] - base] + lut[data[i + w3] - base];
        sums[o + tx] += sum;
      }
    }
    for (; y < yEnd; y++) {
      const row = y * srcW;
      for (let tx = 0; tx < widthPx; tx++) {
        let sum = 0;
        for (let i = row + colStart[tx], end = row + colStart[tx + 1]; i < end; i++) sum += lut[data[i] - base];
        sums[o + tx] += sum;
      }
    }
  }
  return sums;
}

function blockSumsThroughLut8(data: Uint8Array, lut: Uint8Array, base: number, srcW: number, colStart: Int32Array, rowStart: Int32Array, widthPx: number, heightPx: number): Float64Array {
  const sums = new Float64Array(widthPx * heightPx);
  const w2 = 2 * srcW;
  const w3 = 3 * srcW;
  for (let ty = 0; ty < heightPx; ty++) {
    const o = ty * widthPx;
    const yEnd = rowStart[ty + 1];
    let y = rowStart[ty];
    for (; y + 3 < yEnd; y += 4) {
      const row = y * srcW;
      for (let tx = 0; tx < widthPx; tx++) {
        let sum = 0;
        for (let i = row + colStart[tx], end = row + colStart[tx + 1]; i < end; i++) sum += lut[data[i] - base] + lut[data[i + srcW] - base] + lut[data[i + w2] - base] + lut[data[i + w3] - base];
        sums[o + tx] += sum;
      }
    }
    for (; y < yEnd; y++) {
      const row = y * srcW;
      for (let tx = 0; tx < widthPx; tx++) {
        let sum = 0;
        for (let i = row + colStart[tx], end = row + colStart[tx + 1]; i < end; i++) sum += lut[data[i] - base];
        sums[o + tx] += sum;
      }
    }
  }
  return sums;
}

/** The same for any other array kind (signed, 32-bit): one loop that sees them all. */
function blockSumsThroughLutAny(data: ArrayLike<number>, lut: Uint8Array | null, base: number, srcW: number, colStart: Int32Array, rowStart: Int32Array, widthPx: number, heightPx: number): Float64Array {
  const sums = new Float64Array(widthPx * heightPx);
  for (let ty = 0; ty < heightPx; ty++) {
    const o = ty * widthPx;
    for (let y = rowStart[ty]; y < rowStart[ty + 1]; y++) {
      const row = y * srcW;
      for (let tx = 0; tx < widthPx; tx++) {
        let sum = 0;
        if (lut) for (let i = row + colStart[tx], end = row + colStart[tx + 1]; i < end; i++) sum += lut[data[i] - base];
        else for (let i = row + colStart[tx], end = row + colStart[tx + 1]; i < end; i++) sum += data[i];
        sums[o + tx] += sum;
      }
    }
  }
  return sums;
}

/**
 * Exact block sums of 8-bit pixels as they are: the WebAssembly SIMD kernel where it runs, else the
 * byte-lane sums; null when neither can take the blocks (taller than the lanes).
 */
function byteBlockSums(data: Uint8Array, srcW: number, srcH: number, colStart: Int32Array, rowStart: Int32Array): Float64Array | null {
  const fast = wasmBlockSumsU8(data, srcW, srcH, colStart, rowStart);
  if (fast) return fast;
  return laneSumsFit(rowStart) ? blockSumsBytes(data, srcW, srcH, colStart, rowStart, colStart.length - 1, rowStart.length - 1) : null;
}

/** True when `lut[i] === base + i` for every entry: the window maps each value to itself (8-bit 0..255 at min-max). */
function isIdentity(lut: Uint8Array, base: number): boolean {
  for (let i = 0; i < lut.length; i++) if (lut[i] !== base + i) return false;
  return true;
}

/**
 * Area-average (box) downscaling: every output pixel is the mean of the block of source pixels that maps
 * onto it (block edges rounded to whole pixels), like PIL's BOX filter that made the lungs-cxr images.
 * One pass over the source: 8-bit images through {@link byteBlockSums} (WebAssembly SIMD column sums,
 * else byte lanes), others summing runs of a row per output column. Reads the pixels as they are (no
 * float copy of the film first).
 * Requires the target to be no larger than the source either way.
 */
export function areaAverage(image: NumericImage, widthPx: number, heightPx: number): { widthPx: number; heightPx: number; data: Float32Array } {
  const { widthPx: srcW, heightPx: srcH, data } = image;
  const colStart = blockEdges(srcW, widthPx);
  const rowStart = blockEdges(srcH, heightPx);
  const sums = (data instanceof Uint8Array ? byteBlockSums(data, srcW, srcH, colStart, rowStart) : null) ?? blockSumsThroughLutAny(data, null, 0, srcW, colStart, rowStart, widthPx, heightPx);
  const out = new Float32Array(widthPx * heightPx);
  for (let ty = 0, o = 0; ty < heightPx; ty++) {
    const rows = rowStart[ty + 1] - rowStart[ty];
    for (let tx = 0; tx < widthPx; tx++, o++) out[o] = sums[o] / (rows * (colStart[tx + 1] - colStart[tx]));
  }
  return { widthPx, heightPx, data: out };
}

/**
 * The display bytes of a film (`lut[value - base]` per pixel, see `grey8Lut`) area-averaged to the model's
 * size and divided by 255, in ONE pass over the film: the window is applied to each source pixel as it is
 * summed, so the result is bit-identical to windowing the whole film to bytes, then {@link areaAverage},
 * then `/ 255` (the sums are of whole numbers, exact in float64 in any order), without the film-sized
 * byte buffer. An 8-bit film whose table maps every value to itself (0..255 at its min-max window) skips
 * the table and takes the byte sums. 8- and 16-bit films run in the WebAssembly kernels (src-shared/wasm)
 * where they load, else in the JavaScript loops above; both give the same integers. Requires
 * single-channel integer pixels within the table and a target no larger than the source.
 */
export function areaAverageThroughLut(pixels: Pick<ImagePixels, 'widthPx' | 'heightPx' | 'data'>, lut: Uint8Array, base: number, widthPx: number, heightPx: number): Float32Array {
  const { widthPx: srcW, heightPx: srcH, data } = pixels;
  const colStart = blockEdges(srcW, widthPx);
  const rowStart = blockEdges(srcH, heightPx);
  const identity = data instanceof Uint8Array && isIdentity(lut, base);
  const sums =
    (identity ? byteBlockSums(data, srcW, srcH, colStart, rowStart) : null) ??
    (data instanceof Uint8Array || data instanceof Uint16Array ? wasmBlockSumsLut(data, srcW, srcH, colStart, rowStart, lut, base) : null) ??
    (data instanceof Uint16Array ? blockSumsThroughLut16(data, lut, base, srcW, colStart, rowStart, widthPx, heightPx)
      : data instanceof Uint8Array ? blockSumsThroughLut8(data, lut, base, srcW, colStart, rowStart, widthPx, heightPx)
        : blockSumsThroughLutAny(data, lut, base, srcW, colStart, rowStart, widthPx, heightPx));
  const out = new Float32Array(widthPx * heightPx);
  for (let ty = 0, o = 0; ty < heightPx; ty++) {
    const rows = rowStart[ty + 1] - rowStart[ty];
    for (let tx = 0; tx < widthPx; tx++, o++) {
      out[o] = sums[o] / (rows * (colStart[tx + 1] - colStart[tx]));
      out[o] /= 255;
    }
  }
  return out;
}
