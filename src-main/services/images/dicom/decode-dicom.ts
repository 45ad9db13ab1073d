import type { ImageMeta, ImagePixels } from '../../../../src-shared/api/images';
import { PleuraError } from '../../../../src-shared/api/result';
import { say } from '../../../../src-shared/api/text';
import { checkDimensions } from '../limits';
import { readDicomMeta, readPixelModule, type PixelModule } from './attributes';
import { decodeCompressedFrame } from './codecs';
import { encapsulatedFrame, nativeFrame, pixelDataElement } from './frames';
import { parseDicomBytes, EXPLICIT_BE, type ParsedDicom } from './parse';
import { colourPixels, modalityPixels, nativeWords, storedValuesAndRange, type FrameSamples } from './pixels';
import { decodeRle } from './rle';
import { TRANSFER_SYNTAXES, transferSyntaxName } from './syntaxes';

/** Parses and checks everything short of decoding pixels: syntax supported, pixel data present, sane size. */
export function inspect(bytes: Uint8Array, name: string): { parsed: ParsedDicom; module: PixelModule } {
  const parsed = parseDicomBytes(bytes, name);
  pixelDataElement(parsed.dataSet, name);
  const module = readPixelModule(parsed.dataSet, name);
  if (!TRANSFER_SYNTAXES[parsed.transferSyntax]) {
    throw new PleuraError('unsupported', say('dicom.syntaxUnsupported', { name, syntaxName: transferSyntaxName(parsed.transferSyntax), syntax: parsed.transferSyntax }));
  }
  if (module.samplesPerPixel !== 1 && module.samplesPerPixel !== 3) {
    throw new PleuraError('unsupported', say('dicom.samplesUnsupported', { name, samples: module.samplesPerPixel }));
  }
  if (module.photometric === 'PALETTE COLOR') {
    throw new PleuraError('unsupported', say('dicom.palette', { name }));
  }
  checkDimensions(name, { widthPx: module.columns, heightPx: module.rows, frames: module.frames, bytesPerPixel: module.samplesPerPixel * Math.ceil(module.bitsAllocated / 8) });
  return { parsed, module };
}

/** Metadata of a DICOM image without decoding its pixels. */
export function readDicomImageMeta(bytes: Uint8Array, name: string): Omit<ImageMeta, 'imageId'> {
  const { parsed, module } = inspect(bytes, name);
  return readDicomMeta(parsed.dataSet, module, parsed.transferSyntax);
}

/**
 * Decodes one frame of a DICOM image to modality-LUT values (grey) or RGB, with its metadata.
 * @throws PleuraError with a specific message for every kind of bad input.
 */
export async function decodeDicom(bytes: Uint8Array, name: string, frame: number): Promise<{ meta: Omit<ImageMeta, 'imageId'>; pixels: ImagePixels }> {
  const { parsed, module } = inspect(bytes, name);
  const meta = readDicomMeta(parsed.dataSet, module, parsed.transferSyntax);
  if (!Number.isInteger(frame) || frame < 0 || frame >= module.frames) {
    throw new PleuraError('invalid-argument', say('dicom.noFrame', { name, count: module.frames, frame }));
  }
  const syntax = TRANSFER_SYNTAXES[parsed.transferSyntax];
  const element = pixelDataElement(parsed.dataSet, name);
  let samples: FrameSamples;
  let photometric = module.photometric;
  if (syntax.encoding === 'native') {
    const bytesOfFrame = nativeFrame(parsed.dataSet, element, module, frame, name);
    samples = {
      samples: nativeWords(bytesOfFrame, module.bitsAllocated, parsed.transferSyntax === EXPLICIT_BE),
      native: true,
      planar: module.samplesPerPixel === 3 && module.planarConfiguration === 1,
    };
  } else {
    const encoded = encapsulatedFrame(parsed.dataSet, element, module, frame, name);
    if (syntax.encoding === 'rle') {
      if (module.bitsAllocated % 8 !== 0 || module.bitsAllocated > 32) {
        throw new PleuraError('unsupported', say('dicom.rleBits', { name, bits: module.bitsAllocated }));
      }
      const raw = decodeRle(encoded, module, name);
      samples = { samples: nativeWords(raw, module.bitsAllocated, false), native: true, planar: module.samplesPerPixel === 3 };
    } else {
      const decoded = await decodeCompressedFrame(syntax.encoding, encoded, module, { name, syntaxName: syntax.name });
      if (decoded.components !== module.samplesPerPixel) {
        throw new PleuraError('corrupt', say('dicom.components', { name, components: decoded.components, samples: module.samplesPerPixel }));
      }
      samples = { samples: decoded.samples, native: false, planar: false, range: decoded.range ?? null };
      // the JPEG-family codecs return RGB for colour images whatever the YBR flavour in the header
      if (module.samplesPerPixel === 3) photometric = 'RGB';
    }
  }
  let pixels: ImagePixels;
  if (module.samplesPerPixel === 3) {
    pixels = colourPixels(samples, module, photometric);
  } else {
    const stored = storedValuesAndRange(samples, module);
    pixels = modalityPixels(stored.values, module, stored.range);
  }
  return { meta, pixels };
}
