import { constants, inflateRawSync } from 'node:zlib';
import dicomParser, { type ByteArrayParser, type DataSet } from 'dicom-parser';
import { PleuraError } from '../../../../src-shared/api/result';
import { say } from '../../../../src-shared/api/text';
import { INFLATE_SLACK_BYTES, MAX_INFLATED_BYTES } from '../limits';

/** dicom-parser's DataSet class (its typings declare only the interface). */
const DataSetClass = (dicomParser as unknown as { DataSet: new (parser: ByteArrayParser, bytes: Uint8Array, elements: object) => DataSet }).DataSet;

/** Inflated bytes the header pass may look at to find the image attributes and the pixel data. */
const HEADER_WINDOW_BYTES = 64 * 2 ** 20;

/** What the pixel module of an inflated dataset's start declares, and where its pixel data begins. */
interface DeclaredSize {
  /** Bytes of the inflated dataset that the attributes and the pixel data can need at most. */
  neededBytes: number;
}

function isBufferTooLarge(error: unknown): boolean {
  const code = (error as NodeJS.ErrnoException | undefined)?.code;
  return code === 'ERR_BUFFER_TOO_LARGE' || error instanceof RangeError;
}

/** Inflates the start of a raw deflate stream: at most `inputBytes` of it, output capped. */
function inflateStart(compressed: Uint8Array, inputBytes: number): Uint8Array | null {
  try {
    return inflateRawSync(compressed.subarray(0, inputBytes), { finishFlush: constants.Z_SYNC_FLUSH, maxOutputLength: HEADER_WINDOW_BYTES });
  } catch (error) {
    if (isBufferTooLarge(error)) return null;
    throw error;
  }
}

/** The size the dataset declares, from its explicit-VR-little-endian start; null while incomplete. */
function declaredSize(head: Uint8Array, complete: boolean): DeclaredSize | null {
  const dataSet = new DataSetClass(dicomParser.littleEndianByteArrayParser, head, {});
  try {
    const stream = new dicomParser.ByteStream(dicomParser.littleEndianByteArrayParser, head, 0);
    dicomParser.parseDicomDataSetExplicit(dataSet, stream, head.length, { untilTag: 'x7fe00010' });
  } catch {
    if (!complete) return null;
  }
  const pixelData = dataSet.elements.x7fe00010;
  if (!pixelData) return complete ? { neededBytes: head.length + INFLATE_SLACK_BYTES } : null;
  const rows = dataSet.uint16('x00280010') ?? 0;
  const columns = dataSet.uint16('x00280011') ?? 0;
  const samples = dataSet.uint16('x00280002') ?? 1;
  const bitsAllocated = dataSet.uint16('x00280100') ?? 16;
  const frames = Math.max(1, Number.parseInt(dataSet.string('x00280008') ?? '1', 10) || 1);
  const pixelBytes = rows * columns * samples * Math.ceil(bitsAllocated / 8) * frames;
  return { neededBytes: pixelData.dataOffset + pixelBytes + INFLATE_SLACK_BYTES };
}

/** Non-final stored deflate blocks holding `bytes`: put before a raw stream, they inflate to `bytes`. */
function storedBlocks(bytes: Uint8Array): Uint8Array {
  const blocks: Uint8Array[] = [];
  for (let at = 0; at < bytes.length || blocks.length === 0; at += 65535) {
    const piece = bytes.subarray(at, Math.min(bytes.length, at + 65535));
    const header = new Uint8Array([0, piece.length & 255, piece.length >> 8, ~piece.length & 255, (~piece.length >> 8) & 255]);
    blocks.push(header, piece);
  }
  const out = new Uint8Array(blocks.reduce((sum, b) => sum + b.length, 0));
  let offset = 0;
  for (const block of blocks) {
    out.set(block, offset);
    offset += block.length;
  }
  return out;
}

/**
 * Inflates a Deflated Explicit VR Little Endian dataset (what dicom-parser's inflater returns: the
 * bytes before `position` followed by the inflated dataset) without trusting the stream: the output is
 * bounded by what the header can need (the attributes before the pixel data, rows x columns x samples
 * x bytes x frames, plus slack) and made in one allocation of that size, with no second copy.
 * @throws PleuraError 'unsupported' when the declared size is past the budget, 'corrupt' when the
 *   stream inflates to more than declared (a deflate bomb) or is damaged.
 */
export function inflateDataset(array: Uint8Array, position: number, name: string): Uint8Array {
  const compressed = array.subarray(position);
  let size: DeclaredSize | null = null;
  for (let input = 16 * 1024; size === null; input *= 4) {
    const complete = input >= compressed.length;
    const head = inflateStart(compressed, Math.min(input, compressed.length));
    if (!head) throw new PleuraError('unsupported', say('dicom.deflateHeader', { name, maxMiB: HEADER_WINDOW_BYTES / 2 ** 20 }));
    size = declaredSize(head, complete);
    if (!size && complete) size = { neededBytes: head.length + INFLATE_SLACK_BYTES };
  }
  if (size.neededBytes > MAX_INFLATED_BYTES) {
    throw new PleuraError('unsupported', say('dicom.deflateTooLarge', { name, sizeMiB: Math.round(size.neededBytes / 2 ** 20), maxMiB: MAX_INFLATED_BYTES / 2 ** 20 }));
  }
  const limit = position + size.neededBytes;
  const stream = concat(storedBlocks(array.subarray(0, position)), compressed);
  try {
    // one output buffer of the bound (chunkSize), so zlib neither grows nor joins pieces
    const whole = inflateRawSync(stream, { chunkSize: Math.max(64, limit + 1), maxOutputLength: limit });
    return new Uint8Array(whole.buffer, whole.byteOffset, whole.length);
  } catch (error) {
    if (isBufferTooLarge(error)) {
      throw new PleuraError('corrupt', say('dicom.deflateBomb', { name, sizeMiB: Math.round(size.neededBytes / 2 ** 20) }));
    }
    throw new PleuraError('corrupt', say('dicom.deflateDamaged', { name, detail: (error as Error).message }));
  }
}

function concat(a: Uint8Array, b: Uint8Array): Uint8Array {
  const out = new Uint8Array(a.length + b.length);
  out.set(a, 0);
  out.set(b, a.length);
  return out;
}
