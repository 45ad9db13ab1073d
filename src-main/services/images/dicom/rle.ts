import { PleuraError } from '../../../../src-shared/api/result';
import { say } from '../../../../src-shared/api/text';

/** Shape of the frame an RLE stream decodes to. */
export interface RleFrameShape {
  rows: number;
  columns: number;
  samplesPerPixel: number;
  bitsAllocated: number;
}

/**
 * Decodes one DICOM RLE Lossless frame (PS3.5 Annex G): a 64-byte header with the segment count and up
 * to 15 offsets, then one PackBits segment per byte plane, most significant byte first, sample by
 * sample. Returns the frame as native little-endian bytes, colour-by-plane (planar configuration 1),
 * which is how RLE stores colour. Every loop consumes input, so corrupt lengths cannot hang it.
 * @throws PleuraError 'corrupt' for a bad header or segment.
 */
export function decodeRle(encoded: Uint8Array, shape: RleFrameShape, name: string): Uint8Array {
  const bytesPerSample = shape.bitsAllocated / 8;
  const pixels = shape.rows * shape.columns;
  const segmentsNeeded = bytesPerSample * shape.samplesPerPixel;
  if (encoded.length < 64) throw new PleuraError('corrupt', say('dicom.rleShortHeader', { name }));
  const view = new DataView(encoded.buffer, encoded.byteOffset, 64);
  const segmentCount = view.getUint32(0, true);
  if (segmentCount !== segmentsNeeded || segmentCount > 15) {
    throw new PleuraError('corrupt', say('dicom.rleSegments', { name, segmentCount, segmentsNeeded, samples: shape.samplesPerPixel, bits: shape.bitsAllocated }));
  }
  const offsets: number[] = [];
  for (let i = 0; i < segmentCount; i++) offsets.push(view.getUint32(4 + 4 * i, true));
  const out = new Uint8Array(pixels * segmentsNeeded);
  for (let segment = 0; segment < segmentCount; segment++) {
    const start = offsets[segment];
    const end = segment + 1 < segmentCount ? offsets[segment + 1] : encoded.length;
    if (start < 64 || start > encoded.length || end < start || end > encoded.length) {
      throw new PleuraError('corrupt', say('dicom.rleOffset', { name, segment: segment + 1 }));
    }
    const sample = Math.floor(segment / bytesPerSample);
    // segment order is most significant byte first; output is little endian
    const byteInSample = bytesPerSample - 1 - (segment % bytesPerSample);
    const base = sample * pixels * bytesPerSample + byteInSample;
    const written = unpackBits(encoded, start, end, out, base, bytesPerSample, pixels);
    if (written < pixels) {
      throw new PleuraError('corrupt', say('dicom.rleShort', { name, segment: segment + 1, written, pixels }));
    }
  }
  return out;
}

/** PackBits: writes up to `count` bytes at `out[base + k * stride]`; returns how many were written. */
function unpackBits(input: Uint8Array, start: number, end: number, out: Uint8Array, base: number, stride: number, count: number): number {
  let position = start;
  let written = 0;
  while (position < end && written < count) {
    const header = input[position++];
    if (header < 128) {
      const literal = Math.min(header + 1, count - written, end - position);
      for (let i = 0; i < literal; i++) out[base + (written + i) * stride] = input[position + i];
      position += header + 1;
      written += literal;
    } else if (header > 128) {
      if (position >= end) break;
      const value = input[position++];
      const run = Math.min(257 - header, count - written);
      for (let i = 0; i < run; i++) out[base + (written + i) * stride] = value;
      written += run;
    }
    // header 128 is a no-op
  }
  return written;
}
