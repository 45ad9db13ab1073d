import type { ImageMeta, ImagePixels } from '../../../../src-shared/api/images';
import { PleuraError } from '../../../../src-shared/api/result';
import { say } from '../../../../src-shared/api/text';
import { readDicomMeta } from './attributes';
import { loadWasm } from './codecs';
import { inspect } from './decode-dicom';
import { encapsulatedFrame, pixelDataElement } from './frames';
import { modalityPixels, storedValuesAndRange } from './pixels';
import { TRANSFER_SYNTAXES } from './syntaxes';

/**
 * The number of wavelet decomposition levels a JPEG 2000 codestream's main header declares (COD's
 * SPcod), the smallest of COD's and any COC's for component 0; null when the header has no COD.
 * Walks the main header's marker segments by their lengths up to the first tile (SOT).
 */
export function j2kDecompositionLevels(bytes: Uint8Array): number | null {
  if (bytes.length < 4 || bytes[0] !== 0xff || bytes[1] !== 0x4f) return null;
  let position = 2;
  let levels: number | null = null;
  while (position + 4 <= bytes.length) {
    if (bytes[position] !== 0xff) return null;
    const marker = bytes[position + 1];
    if (marker === 0x90 || marker === 0xd9) break; // SOT, EOC: the main header is over
    const length = (bytes[position + 2] << 8) | bytes[position + 3];
    if (length < 2 || position + 2 + length > bytes.length) return null;
    // COD: Lcod(2) Scod(1) SGcod(4) then SPcod's first byte, the decomposition levels
    if (marker === 0x52 && length >= 8) levels = Math.min(levels ?? Infinity, bytes[position + 9]);
    // COC of component 0 (Ccoc is one byte while there are fewer than 257 components): Lcoc Ccoc Scoc SPcoc
    if (marker === 0x53 && length >= 5 && bytes[position + 4] === 0) levels = Math.min(levels ?? Infinity, bytes[position + 6]);
    position += 2 + length;
  }
  return levels;
}

/**
 * The reduction (levels of the wavelet not reconstructed) that brings the longer side of a film to at
 * most `maxSidePx`, limited to the levels the codestream has; 0 when the film is small enough already.
 */
export function reductionFor(widthPx: number, heightPx: number, levels: number, maxSidePx: number): number {
  let reduce = 0;
  while (reduce < levels && Math.ceil(Math.max(widthPx, heightPx) / 2 ** reduce) > maxSidePx) reduce++;
  return reduce;
}

/**
 * Whether a DICOM film may have a reduced-resolution decode (grey JPEG 2000), from its header alone (a
 * parse of a few milliseconds on the calling thread): false for every other film, whose preview comes
 * from its full decode. True when the header cannot be read, so that the decode says what is wrong.
 */
export function mayDecodeReduced(bytes: Uint8Array, name: string): boolean {
  try {
    const { parsed, module } = inspect(bytes, name);
    return TRANSFER_SYNTAXES[parsed.transferSyntax].encoding === 'jpeg2000' && module.samplesPerPixel === 1;
  } catch {
    return true;
  }
}

interface ReducingDecoder {
  getEncodedBuffer(length: number): Uint8Array;
  getDecodedBuffer(): Uint8Array;
  decodeSubResolution(level: number, layer: number): void;
  calculateSizeAtDecompositionLevel(level: number): { width: number; height: number };
  getFrameInfo(): { bitsPerSample: number; componentCount: number; isSigned: boolean };
  delete(): void;
}

/**
 * A grey JPEG 2000 film decoded at a reduced resolution: OpenJPEG skips the code blocks of the levels
 * not reconstructed, so a 2048x2500 film at 512x625 decodes in about a tenth of the full decode's time.
 * The values are modality values like the full decode's (the wavelet's low band: each pixel about the
 * mean of its block). Null when the film is not a grey JPEG 2000 one, or is at most `maxSidePx` already,
 * or its codestream declares no levels to drop: the caller decodes it in full.
 * @throws PleuraError 'corrupt' when the codestream cannot be decoded.
 */
export async function decodeDicomReduced(bytes: Uint8Array, name: string, maxSidePx: number): Promise<{ meta: Omit<ImageMeta, 'imageId'>; pixels: ImagePixels; reduce: number } | null> {
  const { parsed, module } = inspect(bytes, name);
  const syntax = TRANSFER_SYNTAXES[parsed.transferSyntax];
  if (syntax.encoding !== 'jpeg2000' || module.samplesPerPixel !== 1) return null;
  const encoded = encapsulatedFrame(parsed.dataSet, pixelDataElement(parsed.dataSet, name), module, 0, name);
  const levels = j2kDecompositionLevels(encoded);
  if (levels === null) return null;
  const reduce = reductionFor(module.columns, module.rows, levels, maxSidePx);
  if (reduce === 0) return null;
  const codec = (await loadWasm('@cornerstonejs/codec-openjpeg/decodewasmjs')) as unknown as Record<string, new () => ReducingDecoder>;
  const decoder = new codec.J2KDecoder();
  let samples: Uint16Array | Int16Array | Uint8Array;
  let size: { width: number; height: number };
  try {
    decoder.getEncodedBuffer(encoded.length).set(encoded);
    decoder.decodeSubResolution(reduce, 0);
    const info = decoder.getFrameInfo();
    size = decoder.calculateSizeAtDecompositionLevel(reduce);
    const decoded = decoder.getDecodedBuffer().slice();
    const length = size.width * size.height;
    if (info.componentCount !== 1 || !size.width || !size.height) throw new Error('the decoder returned no grey image');
    samples = info.bitsPerSample <= 8 ? decoded : info.isSigned ? new Int16Array(decoded.buffer, 0, decoded.length >> 1) : new Uint16Array(decoded.buffer, 0, decoded.length >> 1);
    if (samples.length < length) throw new Error(`${samples.length} samples for ${size.width} x ${size.height}`);
    samples = samples.subarray(0, length);
  } catch (error) {
    const detail = error instanceof Error ? error.message : typeof error === 'number' ? 'the decoder rejected the data' : String(error);
    throw new PleuraError('corrupt', say('dicom.codecDamaged', { name, syntaxName: syntax.name, detail }));
  } finally {
    decoder.delete();
  }
  const reducedModule = { ...module, rows: size.height, columns: size.width };
  const stored = storedValuesAndRange({ samples, native: false, planar: false }, reducedModule);
  return { meta: readDicomMeta(parsed.dataSet, module, parsed.transferSyntax), pixels: modalityPixels(stored.values, reducedModule, stored.range), reduce };
}
