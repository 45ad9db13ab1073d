import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { PleuraError } from '../../../../src-shared/api/result';
import { say } from '../../../../src-shared/api/text';
import type { PixelModule } from './attributes';
import type { PixelEncoding } from './syntaxes';
import { readCodestreamHeader } from './codestream';
import { decodeJpegLossless as decodeLosslessCodestream, JpegLosslessUnsupported } from './jpeg-lossless';

const require = createRequire(import.meta.url);

/** Samples a codec produced: interleaved components, 8 or 16 bits a sample. */
export interface DecodedSamples {
  samples: Uint8Array | Uint16Array | Int16Array;
  widthPx: number;
  heightPx: number;
  components: number;
  /** The samples' smallest and largest value, when the codec found them while decoding. */
  range?: { min: number; max: number } | null;
}

interface FrameInfo {
  width: number;
  height: number;
  bitsPerSample: number;
  componentCount: number;
  isSigned: boolean;
}

/** The shape shared by the @cornerstonejs emscripten decoders. */
interface WasmDecoder {
  getEncodedBuffer(length: number): Uint8Array;
  getDecodedBuffer(): Uint8Array;
  decode(): void;
  getFrameInfo(): FrameInfo;
  delete(): void;
}

type WasmModule = Record<string, new () => WasmDecoder>;

// Each emscripten module is instantiated once per process, on first use (they cost 10-100 ms each).
const wasmModules = new Map<string, Promise<WasmModule>>();

export function loadWasm(specifier: string): Promise<WasmModule> {
  let module = wasmModules.get(specifier);
  if (!module) {
    const factory = require(specifier) as (options?: object) => Promise<WasmModule>;
    // OpenJPEG logs every header it reads to stdout; a service must stay quiet
    module = factory({ print: () => undefined, printErr: () => undefined });
    wasmModules.set(specifier, module);
  }
  return module;
}

interface NativeCodecsApi {
  NativeCodecs: {
    initializeAsync(options: { webAssemblyModulePathOrUrl: string }): Promise<void>;
    decodeJpeg(context: unknown, parameters?: object): { getDecodedBuffer(): Uint8Array | undefined };
  };
  Context: new (attributes: object) => unknown;
}

let dcmjsCodecs: Promise<NativeCodecsApi> | undefined;

/** dcmjs-codecs (DCMTK's IJG build) decodes 12-bit JPEG Extended, which libjpeg-turbo's 8-bit build cannot. */
function loadDcmjsCodecs(): Promise<NativeCodecsApi> {
  dcmjsCodecs ??= (async () => {
    const api = require('dcmjs-codecs') as NativeCodecsApi;
    const wasmPath = join(dirname(require.resolve('dcmjs-codecs')), 'dcmjs-native-codecs.wasm');
    await api.NativeCodecs.initializeAsync({ webAssemblyModulePathOrUrl: wasmPath });
    return api;
  })();
  return dcmjsCodecs;
}

function toSamples(bytes: Uint8Array, bitsPerSample: number, signed: boolean): Uint8Array | Uint16Array | Int16Array {
  const copy = bytes.slice(); // the codec's buffer lives in WASM memory and is freed with the decoder
  if (bitsPerSample <= 8) return copy;
  return signed ? new Int16Array(copy.buffer, 0, copy.length >> 1) : new Uint16Array(copy.buffer, 0, copy.length >> 1);
}

async function decodeWithCornerstone(specifier: string, className: string, encoded: Uint8Array): Promise<DecodedSamples> {
  const module = await loadWasm(specifier);
  const decoder = new module[className]();
  try {
    decoder.getEncodedBuffer(encoded.length).set(encoded);
    decoder.decode();
    const info = decoder.getFrameInfo();
    if (!info.width || !info.height || !info.componentCount) throw new Error('the decoder returned no image');
    return { samples: toSamples(decoder.getDecodedBuffer(), info.bitsPerSample, info.isSigned), widthPx: info.width, heightPx: info.height, components: info.componentCount };
  } finally {
    decoder.delete();
  }
}

async function decodeJpeg12(encoded: Uint8Array, module: PixelModule): Promise<DecodedSamples> {
  const { NativeCodecs, Context } = await loadDcmjsCodecs();
  const context = new Context({
    width: module.columns,
    height: module.rows,
    bitsAllocated: 16,
    bitsStored: module.bitsStored,
    samplesPerPixel: module.samplesPerPixel,
    pixelRepresentation: module.signed ? 1 : 0,
    planarConfiguration: 0,
    photometricInterpretation: module.photometric,
    encodedBuffer: encoded,
  });
  const decoded = NativeCodecs.decodeJpeg(context, { convertColorspaceToRgb: true }).getDecodedBuffer();
  if (!decoded) throw new Error('no output');
  return { samples: toSamples(decoded, 16, module.signed), widthPx: module.columns, heightPx: module.rows, components: module.samplesPerPixel };
}

/**
 * Lossless JPEG (process 14) with Pleura's own decoder ({@link decodeLosslessCodestream}): faster than
 * the WASM and JS codecs measured against it, and checked against dcmtk sample for sample.
 */
function decodeJpegLossless(encoded: Uint8Array, module: PixelModule, context: { name: string; syntaxName: string }): DecodedSamples {
  let frame;
  try {
    frame = decodeLosslessCodestream(encoded, { widthPx: module.columns, heightPx: module.rows, components: module.samplesPerPixel });
  } catch (error) {
    if (error instanceof JpegLosslessUnsupported) throw new PleuraError('unsupported', say('dicom.jpegLosslessUnsupported', { name: context.name, detail: error.message }));
    throw error;
  }
  const wide = frame.precision > 8 || module.bitsAllocated > 8;
  const samples = !wide ? Uint8Array.from(frame.samples) : module.signed ? new Int16Array(frame.samples.buffer, 0, frame.samples.length) : frame.samples;
  // the decoder's range is of the unsigned samples: it holds for unsigned output that kept every value
  const range = frame.range && !module.signed && frame.range.max <= (wide ? 0xffff : 0xff) ? frame.range : null;
  return { samples, widthPx: frame.widthPx, heightPx: frame.heightPx, components: frame.components, range };
}

/**
 * Decodes one compressed frame with the codec for its encoding. The codestream header is read first
 * and must match the DICOM header, so a codestream cannot make us allocate more than the header says.
 * @throws PleuraError 'corrupt' naming the syntax when the codestream is damaged.
 */
export async function decodeCompressedFrame(encoding: PixelEncoding, encoded: Uint8Array, module: PixelModule, context: { name: string; syntaxName: string }): Promise<DecodedSamples> {
  const header = readCodestreamHeader(encoded);
  if (!header) {
    throw new PleuraError('corrupt', say('dicom.noCodestream', { name: context.name, syntaxName: context.syntaxName }));
  }
  if (header.widthPx !== module.columns || header.heightPx !== module.rows) {
    throw new PleuraError(
      'corrupt',
      say('dicom.codestreamSize', { name: context.name, syntaxName: context.syntaxName, widthPx: header.widthPx, heightPx: header.heightPx, columns: module.columns, rows: module.rows }),
    );
  }
  let decoded: DecodedSamples;
  try {
    switch (encoding) {
      case 'jpeg':
        decoded = header.precision <= 8
          ? await decodeWithCornerstone('@cornerstonejs/codec-libjpeg-turbo-8bit/decodewasmjs', 'JPEGDecoder', encoded)
          : await decodeJpeg12(encoded, module);
        break;
      case 'jpeg-lossless':
        decoded = decodeJpegLossless(encoded, module, context);
        break;
      case 'jpeg-ls':
        decoded = await decodeWithCornerstone('@cornerstonejs/codec-charls/decodewasmjs', 'JpegLSDecoder', encoded);
        break;
      case 'jpeg2000':
        decoded = await decodeWithCornerstone('@cornerstonejs/codec-openjpeg/decodewasmjs', 'J2KDecoder', encoded);
        break;
      case 'htj2k':
        decoded = await decodeWithCornerstone('@cornerstonejs/codec-openjph/wasmjs', 'HTJ2KDecoder', encoded);
        break;
      default:
        throw new Error(`no codec for ${encoding}`);
    }
  } catch (error) {
    if (error instanceof PleuraError) throw error;
    const detail = error instanceof Error ? error.message : typeof error === 'number' ? 'the decoder rejected the data' : String(error);
    throw new PleuraError('corrupt', say('dicom.codecDamaged', { name: context.name, syntaxName: context.syntaxName, detail }));
  }
  const expected = module.rows * module.columns * decoded.components;
  if (decoded.samples.length < expected) {
    throw new PleuraError('corrupt', say('dicom.codecSamples', { name: context.name, syntaxName: context.syntaxName, produced: decoded.samples.length, expected }));
  }
  return decoded;
}
