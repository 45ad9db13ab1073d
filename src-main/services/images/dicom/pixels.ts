import type { ImagePixels } from '../../../../src-shared/api/images';
import { PleuraError } from '../../../../src-shared/api/result';
import { say } from '../../../../src-shared/api/text';
import type { PixelModule } from './attributes';

type Samples = Uint8Array | Uint16Array | Int16Array | Uint32Array | Int32Array;
type Output = ImagePixels['data'];

/** Samples of one frame, before the stored-value step. */
export interface FrameSamples {
  samples: Samples;
  /** Uncompressed data: bits stored and high bit select the value inside each word (PS3.5 8.1.1). */
  native: boolean;
  /** Colour samples stored plane by plane (native planar configuration 1, and RLE). */
  planar: boolean;
  /** Min and max of `samples` when the codec found them as it decoded (then no pass is made for them). */
  range?: { min: number; max: number } | null;
}

/**
 * Native pixel words from frame bytes: 8, 16 or 32 bits, little or big endian. Big-endian words are
 * swapped into a new array; aligned little-endian words are viewed without copying.
 */
export function nativeWords(bytes: Uint8Array, bitsAllocated: number, bigEndian: boolean): Samples {
  if (bitsAllocated === 8) return bytes;
  const size = bitsAllocated / 8;
  const count = Math.floor(bytes.length / size);
  if (!bigEndian && bytes.byteOffset % size === 0) {
    return bitsAllocated === 16 ? new Uint16Array(bytes.buffer, bytes.byteOffset, count) : new Uint32Array(bytes.buffer, bytes.byteOffset, count);
  }
  const view = new DataView(bytes.buffer, bytes.byteOffset, count * size);
  if (bitsAllocated === 16) {
    const out = new Uint16Array(count);
    for (let i = 0; i < count; i++) out[i] = view.getUint16(2 * i, !bigEndian);
    return out;
  }
  const out = new Uint32Array(count);
  for (let i = 0; i < count; i++) out[i] = view.getUint32(4 * i, !bigEndian);
  return out;
}

/**
 * Stored values (PS3.5 8.1.1 / PS3.3 C.7.6.3.1): native words are shifted right so that the high bit
 * lands at `bitsStored - 1`, masked to bits stored (dropping overlay bits) and sign-extended when pixel
 * representation is 1. Compressed samples carry the value already; signed ones are only sign-extended.
 * Returns the input unchanged (no copy) when nothing needs doing, or when no word has bits to drop.
 */
export function storedValues(frame: FrameSamples, module: Pick<PixelModule, 'bitsStored' | 'highBit' | 'signed' | 'bitsAllocated'>): Samples {
  return storedValuesAndRange(frame, module).values;
}

/** Stored values with their min and max (padding included) when the masking pass found them, else null. */
export interface StoredValues {
  values: Samples;
  range: { min: number; max: number } | null;
}

/**
 * {@link storedValues}, plus the range: the unsigned masking loop (the usual 12-in-16-bit film) finds the
 * min and max as it goes, so that {@link modalityPixels} need not read the film again for them.
 */
export function storedValuesAndRange(frame: FrameSamples, module: Pick<PixelModule, 'bitsStored' | 'highBit' | 'signed' | 'bitsAllocated'>): StoredValues {
  const { samples } = frame;
  const bitsStored = module.bitsStored;
  const shift = frame.native ? Math.max(0, module.highBit + 1 - bitsStored) : 0;
  const containerBits = samples.BYTES_PER_ELEMENT * 8;
  const needsMask = frame.native ? shift > 0 || bitsStored < containerBits : module.signed && !(samples instanceof Int16Array && bitsStored === 16);
  if (!needsMask && !(module.signed && frame.native)) {
    // codec output kept as it is (and 8-bit native words): the range in one monomorphic pass, so that
    // the modality step need not find it with its loop over every array kind
    const range = frame.range ?? (samples.length === 0 ? null : samples instanceof Uint16Array ? wordRange16(samples) : samples instanceof Uint8Array ? byteRange(samples) : null);
    return { values: samples, range };
  }
  const mask = bitsStored >= 32 ? 0xffffffff : 2 ** bitsStored - 1;
  const count = samples.length;
  if (!module.signed) {
    if (shift === 0 && count > 0 && samples instanceof Uint16Array) {
      // Usually no word has bits above bits stored: then a read-only pass gives the range and the words
      // are the values as they are (no film-sized copy, nothing written).
      const range = wordRange16(samples);
      if (range.max <= mask) return { values: samples, range };
    }
    // Otherwise one tight loop into the container's own type, which the modality step then keeps
    // without a copy (a 2500x2048 film: no 20 MB Int32 array, one pass less).
    const out = storedArray(bitsStored, false, containerBits, count);
    if (bitsStored >= 32) {
      for (let i = 0; i < count; i++) out[i] = samples[i] >>> 0;
      return { values: out, range: null };
    }
    if (count === 0) return { values: out, range: null };
    const range = samples instanceof Uint16Array && out instanceof Uint16Array ? maskWords16(samples, out, shift, mask) : maskWords(samples, out, shift, mask);
    return { values: out, range };
  }
  const out = storedArray(bitsStored, true, containerBits, count);
  const signBit = 2 ** (bitsStored - 1);
  const range = 2 ** bitsStored;
  for (let i = 0; i < count; i++) {
    let value = bitsStored >= 32 ? samples[i] >>> 0 : (samples[i] >>> shift) & mask;
    if (value >= signBit) value -= range;
    out[i] = value;
  }
  return { values: out, range: null };
}

/**
 * The masking loop for 16-bit words into 16-bit values, with min and max: typed to one array kind so
 * that V8 compiles monomorphic loads and stores (the generic loop sees every sample array type).
 */
function maskWords16(samples: Uint16Array, out: Uint16Array, shift: number, mask: number): { min: number; max: number } {
  let min0 = 65535;
  let max0 = 0;
  let min1 = 65535;
  let max1 = 0;
  const n = samples.length & ~1;
  // two independent min/max pairs (see wordRange16)
  for (let i = 0; i < n; i += 2) {
    const a = (samples[i] >>> shift) & mask;
    const b = (samples[i + 1] >>> shift) & mask;
    out[i] = a;
    out[i + 1] = b;
    if (a < min0) min0 = a;
    if (a > max0) max0 = a;
    if (b < min1) min1 = b;
    if (b > max1) max1 = b;
  }
  if (n < samples.length) {
    const a = (samples[n] >>> shift) & mask;
    out[n] = a;
    if (a < min0) min0 = a;
    if (a > max0) max0 = a;
  }
  return { min: Math.min(min0, min1), max: Math.max(max0, max1) };
}

/**
 * Min and max of 16-bit words with four independent min/max pairs (pixel i into pair i % 4): one pair
 * makes every compare wait on the one before; four let the CPU overlap them (measured ~2x faster).
 */
function wordRange16(samples: Uint16Array): { min: number; max: number } {
  let min0 = 65535;
  let max0 = 0;
  let min1 = 65535;
  let max1 = 0;
  let min2 = 65535;
  let max2 = 0;
  let min3 = 65535;
  let max3 = 0;
  const n = samples.length & ~3;
  for (let i = 0; i < n; i += 4) {
    const a = samples[i];
    const b = samples[i + 1];
    const c = samples[i + 2];
    const d = samples[i + 3];
    if (a < min0) min0 = a;
    if (a > max0) max0 = a;
    if (b < min1) min1 = b;
    if (b > max1) max1 = b;
    if (c < min2) min2 = c;
    if (c > max2) max2 = c;
    if (d < min3) min3 = d;
    if (d > max3) max3 = d;
  }
  for (let i = n; i < samples.length; i++) {
    const a = samples[i];
    if (a < min0) min0 = a;
    if (a > max0) max0 = a;
  }
  return { min: Math.min(min0, min1, min2, min3), max: Math.max(max0, max1, max2, max3) };
}

/** {@link wordRange16} for bytes. */
function byteRange(samples: Uint8Array): { min: number; max: number } {
  let min0 = 255;
  let max0 = 0;
  let min1 = 255;
  let max1 = 0;
  let min2 = 255;
  let max2 = 0;
  let min3 = 255;
  let max3 = 0;
  const n = samples.length & ~3;
  for (let i = 0; i < n; i += 4) {
    const a = samples[i];
    const b = samples[i + 1];
    const c = samples[i + 2];
    const d = samples[i + 3];
    if (a < min0) min0 = a;
    if (a > max0) max0 = a;
    if (b < min1) min1 = b;
    if (b > max1) max1 = b;
    if (c < min2) min2 = c;
    if (c > max2) max2 = c;
    if (d < min3) min3 = d;
    if (d > max3) max3 = d;
  }
  for (let i = n; i < samples.length; i++) {
    const a = samples[i];
    if (a < min0) min0 = a;
    if (a > max0) max0 = a;
  }
  return { min: Math.min(min0, min1, min2, min3), max: Math.max(max0, max1, max2, max3) };
}

function maskWords(samples: Samples, out: Samples, shift: number, mask: number): { min: number; max: number } {
  let min = Infinity;
  let max = -Infinity;
  for (let i = 0; i < samples.length; i++) {
    const value = (samples[i] >>> shift) & mask;
    out[i] = value;
    if (value < min) min = value;
    if (value > max) max = value;
  }
  return { min, max };
}

/** The narrowest array that holds every stored value: the word's own size where it fits, else 32 bits. */
function storedArray(bitsStored: number, signed: boolean, containerBits: number, length: number): Samples {
  if (!signed && bitsStored <= 8 && containerBits === 8) return new Uint8Array(length);
  if (!signed && bitsStored <= 16) return new Uint16Array(length);
  if (signed && bitsStored <= 16) return new Int16Array(length);
  return new Int32Array(length);
}

type OutputKind = Float32ArrayConstructor | Uint8ArrayConstructor | Uint16ArrayConstructor | Int16ArrayConstructor | Int32ArrayConstructor;

function outputKind(low: number, high: number, integral: boolean, eightBit: boolean): OutputKind {
  if (!integral) return Float32Array;
  if (low >= 0 && high <= 255 && eightBit) return Uint8Array;
  if (low >= 0 && high <= 65535) return Uint16Array;
  if (low >= -32768 && high <= 32767) return Int16Array;
  return Int32Array;
}

/** Pixel padding (PS3.3 C.7.5.1.1.2): a stored value, or a range up to the range limit. */
function paddingTest(module: PixelModule): ((value: number) => boolean) | null {
  if (module.paddingValue === null) return null;
  const a = module.paddingValue;
  const b = module.paddingRangeLimit ?? a;
  const low = Math.min(a, b);
  const high = Math.max(a, b);
  return (value) => value >= low && value <= high;
}

/**
 * The grey pixel pipeline after the stored-value step, in the standard's order: pixel padding, then
 * the modality LUT (Modality LUT Sequence, else rescale slope/intercept). Padding pixels are left out
 * of min/max and set to the darkest displayed value (min, or max for MONOCHROME1) so they show black.
 * `storedRange`, when given, must be the min and max of `stored` (from {@link storedValuesAndRange}).
 * The output keeps full depth; integral results keep an integer array (LUT-friendly for display).
 */
export function modalityPixels(stored: Samples, module: PixelModule, storedRange: StoredValues['range'] = null): ImagePixels {
  const length = module.rows * module.columns;
  const isPadding = paddingTest(module);
  // A range found by the stored-value pass over exactly these pixels saves a pass (padding needs its own).
  const known = storedRange !== null && !isPadding && stored.length === length;
  let storedMin = known ? storedRange.min : Infinity;
  let storedMax = known ? storedRange.max : -Infinity;
  let paddingCount = 0;
  for (let i = 0; i < (known ? 0 : length); i++) {
    const value = stored[i];
    if (isPadding && isPadding(value)) {
      paddingCount++;
      continue;
    }
    if (value < storedMin) storedMin = value;
    if (value > storedMax) storedMax = value;
  }
  if (paddingCount === length) storedMin = storedMax = 0;
  const invert = module.photometric === 'MONOCHROME1';
  const lut = module.modalityLut;
  let data: Output;
  let min: number;
  let max: number;
  if (lut) {
    data = new Uint16Array(length);
    const last = lut.table.length - 1;
    min = Infinity;
    max = -Infinity;
    for (let i = 0; i < length; i++) {
      const index = stored[i] - lut.firstValue;
      const value = lut.table[index < 0 ? 0 : index > last ? last : index];
      data[i] = value;
      if (isPadding && isPadding(stored[i])) continue;
      if (value < min) min = value;
      if (value > max) max = value;
    }
    if (min > max) min = max = 0;
  } else {
    const { rescaleSlope: slope, rescaleIntercept: intercept } = module;
    const a = storedMin * slope + intercept;
    const b = storedMax * slope + intercept;
    min = Math.min(a, b);
    max = Math.max(a, b);
    const integral = Number.isInteger(slope) && Number.isInteger(intercept);
    const kind = outputKind(min, max, integral, module.bitsAllocated <= 8);
    const identity = slope === 1 && intercept === 0;
    if (identity && kind === stored.constructor && stored.length === length && !isPadding) {
      // decided before allocating: the film's own array is the result, no film-sized buffer to zero
      return { widthPx: module.columns, heightPx: module.rows, channels: 1, data: stored as Output, min, max, invert };
    }
    data = new kind(length);
    if (identity) for (let i = 0; i < length; i++) data[i] = stored[i];
    else for (let i = 0; i < length; i++) data[i] = stored[i] * slope + intercept;
  }
  if (isPadding && paddingCount > 0) {
    const dark = invert ? max : min;
    for (let i = 0; i < length; i++) if (isPadding(stored[i])) data[i] = dark;
  }
  return { widthPx: module.columns, heightPx: module.rows, channels: 1, data, min, max, invert };
}

function clampByte(value: number): number {
  return value < 0 ? 0 : value > 255 ? 255 : Math.round(value);
}

/**
 * Colour frames to interleaved RGB: planar data is interleaved, YBR_FULL converted with the PS3.3
 * C.7.6.3.1.2 equations (8-bit). Codecs for JPEG/JPEG-LS/JPEG 2000 already return RGB.
 */
export function colourPixels(frame: FrameSamples, module: PixelModule, photometric: string): ImagePixels {
  const count = module.rows * module.columns;
  const source = frame.samples;
  if (photometric === 'YBR_FULL_422' || photometric === 'YBR_PARTIAL_422' || photometric === 'PALETTE COLOR') {
    if (frame.native) throw new PleuraError('unsupported', say('dicom.uncompressedPhotometric', { photometric }));
  }
  const data = module.bitsAllocated <= 8 ? new Uint8Array(count * 3) : new Uint16Array(count * 3);
  for (let i = 0; i < count; i++) {
    for (let c = 0; c < 3; c++) data[3 * i + c] = frame.planar ? source[c * count + i] : source[3 * i + c];
  }
  if (photometric === 'YBR_FULL' && frame.native && data instanceof Uint8Array) {
    for (let i = 0; i < data.length; i += 3) {
      const y = data[i];
      const cb = data[i + 1] - 128;
      const cr = data[i + 2] - 128;
      data[i] = clampByte(y + 1.402 * cr);
      data[i + 1] = clampByte(y - 0.344136 * cb - 0.714136 * cr);
      data[i + 2] = clampByte(y + 1.772 * cb);
    }
  }
  let min = Infinity;
  let max = -Infinity;
  for (let i = 0; i < data.length; i++) {
    if (data[i] < min) min = data[i];
    if (data[i] > max) max = data[i];
  }
  return { widthPx: module.columns, heightPx: module.rows, channels: 3, data, min, max, invert: false };
}
