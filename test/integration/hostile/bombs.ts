// Hostile files made at test time (nothing of this is committed): deflate-bomb DICOM, PNGs whose
// header declares more than their few bytes, special files.
import { crc32, constants, deflateRawSync, deflateSync, inflateRawSync } from 'node:zlib';

/** Where the dataset of a Part 10 file starts: after the preamble, "DICM" and the meta group. */
export function metaEnd(file: Buffer): number {
  // (0002,0000) UL, explicit VR: tag 4, VR 2, length 2, value 4
  const groupLength = file.readUInt32LE(132 + 8);
  return 132 + 12 + groupLength;
}

/**
 * A deflate-bomb DICOM: the header and pixel data of `deflatedDicom` (a Deflated Explicit VR Little
 * Endian file), followed by `zeroBytes` of zeros in the deflated stream. The zeros are one
 * independent 8 MiB block repeated, so a GiB bomb costs ~1 MB and milliseconds to make.
 */
export function deflateBomb(deflatedDicom: Buffer, zeroBytes: number): Buffer {
  const start = metaEnd(deflatedDicom);
  const dataset = inflateRawSync(deflatedDicom.subarray(start));
  const head = deflateRawSync(dataset, { finishFlush: constants.Z_FULL_FLUSH });
  const block = deflateRawSync(Buffer.alloc(8 * 2 ** 20), { finishFlush: constants.Z_FULL_FLUSH, level: 9 });
  const repeats = Math.ceil(zeroBytes / (8 * 2 ** 20));
  const end = deflateRawSync(Buffer.alloc(0));
  return Buffer.concat([deflatedDicom.subarray(0, start), head, ...Array.from({ length: repeats }, () => block), end]);
}

function chunk(type: string, data: Buffer): Buffer {
  const head = Buffer.alloc(8);
  head.writeUInt32BE(data.length, 0);
  head.write(type, 4, 'latin1');
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(Buffer.concat([head.subarray(4), data])) >>> 0, 0);
  return Buffer.concat([head, data, crc]);
}

/**
 * A PNG of zeros: `width` x `height`, colour type 0 (grey) or 2 (RGB), 8 or 16 bits. The zlib stream
 * is an independent block of zero rows repeated, with the Adler-32 of all zeros, so even a
 * 10000 x 10000 16-bit RGB PNG is a few hundred KB made in milliseconds.
 */
export function zeroPng(width: number, height: number, options: { colour: 'grey' | 'rgb'; bits: 8 | 16 }): Buffer {
  const channels = options.colour === 'rgb' ? 3 : 1;
  const rowBytes = 1 + width * channels * (options.bits / 8);
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(width, 0);
  ihdr.writeUInt32BE(height, 4);
  ihdr[8] = options.bits;
  ihdr[9] = options.colour === 'rgb' ? 2 : 0;
  const rowsPerBlock = Math.max(1, Math.floor((4 * 2 ** 20) / rowBytes));
  const block = deflateRawSync(Buffer.alloc(rowsPerBlock * rowBytes), { finishFlush: constants.Z_FULL_FLUSH, level: 9 });
  const fullBlocks = Math.floor(height / rowsPerBlock);
  const restRows = height - fullBlocks * rowsPerBlock;
  const rest = deflateRawSync(Buffer.alloc(restRows * rowBytes));
  const total = height * rowBytes;
  const adler = Buffer.alloc(4);
  adler.writeUInt32BE((((total % 65521) << 16) | 1) >>> 0, 0);
  const zlibHeader = deflateSync(Buffer.alloc(0)).subarray(0, 2);
  const idat = Buffer.concat([zlibHeader, ...Array.from({ length: fullBlocks }, () => block), rest, adler]);
  const signature = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
  return Buffer.concat([signature, chunk('IHDR', ihdr), chunk('IDAT', idat), chunk('IEND', Buffer.alloc(0))]);
}

