import { basename } from 'node:path';
import sharp from 'sharp';
import type { ImagePixels } from '../../../src-shared/api/images';
import { PleuraError } from '../../../src-shared/api/result';
import { UsageError, type CliCommand } from '../command';
import { decodeImage } from '../../services/images/decode';
import { readInputFile } from './info';

/**
 * Grey modality values as 16-bit samples: shifted up by `offset` when some are negative, rounded,
 * clamped to 0..65535 (the count of clamped pixels is reported, not hidden).
 */
function toUint16(pixels: ImagePixels): { data: Uint16Array; offset: number; clamped: number } {
  const offset = pixels.min < 0 ? -Math.floor(pixels.min) : 0;
  const data = new Uint16Array(pixels.data.length);
  let clamped = 0;
  for (let i = 0; i < data.length; i++) {
    const value = Math.round(pixels.data[i] + offset);
    if (value < 0 || value > 65535) clamped++;
    data[i] = value < 0 ? 0 : value > 65535 ? 65535 : value;
  }
  return { data, offset, clamped };
}

/**
 * Colour samples as 8 bits, shifted down to fit. A plain loop into one preallocated array:
 * `Uint8Array.from(data, fn)` on 300 M samples ran V8 out of memory.
 */
export function toRgb8(pixels: ImagePixels): Uint8Array {
  if (pixels.data instanceof Uint8Array) return pixels.data;
  const shift = pixels.max > 255 ? Math.ceil(Math.log2(pixels.max + 1)) - 8 : 0;
  const source = pixels.data;
  const out = new Uint8Array(source.length);
  for (let i = 0; i < source.length; i++) {
    const value = Math.round(source[i]) >> shift;
    out[i] = value < 0 ? 0 : value > 255 ? 255 : value;
  }
  return out;
}

export const decodeCommand: CliCommand = {
  name: 'decode',
  summary: 'Decode an image to PNG: modality-LUT values as 16-bit grey (RGB as 8-bit RGB)',
  usage: [
    'pleura decode FILE --out OUT.png [--frame N] [--json]',
    '',
    '  --out OUT.png   where to write the PNG',
    '  --frame N       frame of a multi-frame DICOM, from 0 (default 0)',
    '',
    'Grey values are written as they are after the modality LUT (no window, MONOCHROME1 not inverted);',
    'negative values are shifted up by the reported offset, and values past 65535 are clamped.',
  ].join('\n'),
  options: { out: { type: 'string', short: 'o' }, frame: { type: 'string' } },
  allowPositionals: true,
  async run({ values, positionals }, io) {
    if (positionals.length !== 1) throw new UsageError('Give exactly one FILE.');
    const out = values.out;
    if (typeof out !== 'string' || out.length === 0) throw new UsageError('--out OUT.png is required.');
    const frameText = typeof values.frame === 'string' ? values.frame : '0';
    if (!/^\d+$/.test(frameText)) throw new UsageError(`--frame takes a whole number from 0; got "${frameText}".`);
    const path = positionals[0];
    const image = await decodeImage(await readInputFile(path), { name: basename(path), frame: Number(frameText) });
    const { pixels, meta } = image;
    let report: Record<string, unknown>;
    try {
      if (pixels.channels === 1) {
        const { data, offset, clamped } = toUint16(pixels);
        await sharp(data, { raw: { width: pixels.widthPx, height: pixels.heightPx, channels: 1 } }).toColourspace('grey16').png().toFile(out);
        report = { bitDepth: 16, offset, clampedPixels: clamped };
      } else {
        await sharp(toRgb8(pixels), { raw: { width: pixels.widthPx, height: pixels.heightPx, channels: 3 } }).png().toFile(out);
        report = { bitDepth: 8, offset: 0, clampedPixels: 0 };
      }
    } catch (error) {
      throw new PleuraError('io', `${out} cannot be written (${error instanceof Error ? error.message : String(error)}).`);
    }
    io.result({
      file: path,
      out,
      frame: image.frame,
      widthPx: pixels.widthPx,
      heightPx: pixels.heightPx,
      channels: pixels.channels,
      photometric: meta.photometric,
      min: pixels.min,
      max: pixels.max,
      ...report,
    });
  },
};
