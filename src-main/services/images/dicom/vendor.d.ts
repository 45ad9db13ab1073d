// jpeg-lossless-decoder-js 2.x names a declaration file it does not ship; this is the part Pleura uses.
declare module 'jpeg-lossless-decoder-js' {
  export class Decoder {
    /** Decodes a JPEG Lossless (process 14) stream; returns the samples (8 or 16 bits, per numBytes). */
    decode(buffer: ArrayBuffer, offset: number, length: number, numBytes: number): Uint8Array | Uint16Array;
  }
}
