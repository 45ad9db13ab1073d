/** What a JPEG-family codestream header declares, read before decoding (bomb guard, codec choice). */
export interface CodestreamHeader {
  widthPx: number;
  heightPx: number;
  components: number;
  /** Sample precision in bits. */
  precision: number;
  /** The JPEG start-of-frame marker (0xC0 baseline ... 0xC3 lossless, 0xF7 JPEG-LS); 0 for JPEG 2000. */
  marker: number;
}

/**
 * Reads the frame header of a JPEG (SOFn), JPEG-LS (SOF55) or JPEG 2000 / HTJ2K (SIZ) codestream.
 * Walks marker segments by their lengths, so a corrupt length ends the walk instead of looping.
 * Returns null when no frame header is found.
 */
export function readCodestreamHeader(bytes: Uint8Array): CodestreamHeader | null {
  if (bytes.length < 4 || bytes[0] !== 0xff) return null;
  if (bytes[1] === 0x4f && bytes[2] === 0xff && bytes[3] === 0x51) return readSiz(bytes, 4);
  if (bytes[1] !== 0xd8) return null;
  let position = 2;
  while (position + 4 <= bytes.length) {
    if (bytes[position] !== 0xff) return null;
    const marker = bytes[position + 1];
    if (marker === 0xff) {
      position++; // fill byte
      continue;
    }
    if (marker === 0xd8 || (marker >= 0xd0 && marker <= 0xd7) || marker === 0x01) {
      position += 2;
      continue;
    }
    const length = (bytes[position + 2] << 8) | bytes[position + 3];
    if (length < 2) return null;
    const isFrame = (marker >= 0xc0 && marker <= 0xcf && marker !== 0xc4 && marker !== 0xc8 && marker !== 0xcc) || marker === 0xf7;
    if (isFrame) {
      if (position + 10 > bytes.length) return null;
      return {
        precision: bytes[position + 4],
        heightPx: (bytes[position + 5] << 8) | bytes[position + 6],
        widthPx: (bytes[position + 7] << 8) | bytes[position + 8],
        components: bytes[position + 9],
        marker,
      };
    }
    if (marker === 0xda || marker === 0xd9) return null;
    position += 2 + length;
  }
  return null;
}

function readSiz(bytes: Uint8Array, position: number): CodestreamHeader | null {
  // SIZ: Lsiz(2) Rsiz(2) Xsiz Ysiz XOsiz YOsiz XTsiz YTsiz XTOsiz YTOsiz (4 each) Csiz(2) then Ssiz per component
  if (position + 2 + 36 + 3 > bytes.length) return null;
  const view = new DataView(bytes.buffer, bytes.byteOffset + position, bytes.length - position);
  const xsiz = view.getUint32(4);
  const ysiz = view.getUint32(8);
  const xosiz = view.getUint32(12);
  const yosiz = view.getUint32(16);
  const components = view.getUint16(36);
  const ssiz = view.getUint8(38);
  return { widthPx: xsiz - xosiz, heightPx: ysiz - yosiz, components, precision: (ssiz & 0x7f) + 1, marker: 0 };
}
