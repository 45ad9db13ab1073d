// Large DICOM films for the benchmarks, 2048x2500 (2500 rows) 12-bit, made at bench time from a real CR
// in test/fixtures/dicom, decoded by Pleura: the chest (default) is 966_fixed's PA chest (2000x2128,
// 12-bit MONOCHROME1) resampled (Lanczos, 1.02x across, 1.17x down) to the size; the hand is the Kakadu
// sample as it is (a real 2048x2500 acquisition, but with no lung for the model to find). JPEG lossless SV1 through dcmtk's dcmcjpeg,
// JPEG 2000 lossless through OpenJPEG's opj_compress (its defaults: 5 decomposition levels, no tiles),
// each copy with its own study, series and instance UIDs (so no two are the same file).
import { execFileSync } from 'node:child_process';
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import dcmjs from 'dcmjs';
import sharp from 'sharp';
import { decodeImage } from '../../src-main/services/images/decode';
import { readDicom, writeDicom, type Dataset } from '../../src-main/services/export/dicom-io';
import { fixturePath } from '../helpers/paths';

export type SourceFilm = 'chest' | 'hand';
const sourceFiles: Record<SourceFilm, string> = { chest: '966_fixed.dcm', hand: 'NM_Kakadu44_SOTmarkerincons.dcm' };
const size = { widthPx: 2048, heightPx: 2500 };

export interface Syntax {
  key: 'jpeg-lossless' | 'jpeg2000';
  label: string;
}
export const syntaxes: Syntax[] = [
  { key: 'jpeg-lossless', label: 'JPEG lossless SV1' },
  { key: 'jpeg2000', label: 'JPEG 2000 lossless' },
];

const newUid = () => dcmjs.data.DicomMetaDictionary.uid() as string;

export interface SourceDataset {
  dataset: Dataset;
  pixels: Uint16Array;
  widthPx: number;
  heightPx: number;
}

/** The source CR at 2048x2500, 12 bits, as an uncompressed dataset, its pixels as 16-bit words. */
export async function sourceDataset(film: SourceFilm = 'chest'): Promise<SourceDataset> {
  const file = sourceFiles[film];
  const bytes = new Uint8Array(readFileSync(fixturePath('dicom', file)));
  const decoded = await decodeImage(bytes, { name: file });
  let pixels = Uint16Array.from(decoded.pixels.data);
  const shift = Math.max(0, 12 - decoded.meta.bitsStored);
  const scale = { x: size.widthPx / decoded.pixels.widthPx, y: size.heightPx / decoded.pixels.heightPx };
  if (scale.x !== 1 || scale.y !== 1) {
    // a Uint16Array (not a Buffer) tells sharp the raw samples are 16-bit
    const raw = Uint16Array.from(pixels, (v) => v << shift);
    const resized = await sharp(raw, { raw: { width: decoded.pixels.widthPx, height: decoded.pixels.heightPx, channels: 1, premultiplied: false } })
      .toColourspace('grey16').resize(size.widthPx, size.heightPx, { fit: 'fill', kernel: 'lanczos3' }).raw({ depth: 'ushort' }).toBuffer();
    pixels = Uint16Array.from(new Uint16Array(resized.buffer, resized.byteOffset, size.widthPx * size.heightPx), (v) => Math.min(4095, v));
  }
  // dcmjs's validation logger says "Invalid vr type xs - using US" for each "US or SS" attribute it
  // reads or writes: right for these films (pixel representation 0), and noise in the bench's output.
  (dcmjs.log as unknown as { getLogger(name: string): { setLevel(level: string): void } }).getLogger('validation.dcmjs').setLevel('silent');
  const original = readDicom(bytes);
  // The attributes a projection film's display needs, nothing else (the samples carry odd values, such
  // as 966_fixed's study date, that a DICOM writer refuses).
  const kept = ['SOPClassUID', 'Modality', 'PatientID', 'PatientSex', 'BodyPartExamined', 'ViewPosition', 'PhotometricInterpretation', 'RescaleSlope', 'RescaleIntercept', 'RescaleType',
    ...(shift > 0 ? [] : ['WindowCenter', 'WindowWidth', 'VOILUTFunction'])]; // a source of fewer bits: its windows no longer fit
  const spacing = (name: string) => (Array.isArray(original[name]) ? { [name]: [(original[name] as number[])[0] / scale.y, (original[name] as number[])[1] / scale.x] } : {});
  const dataset: Dataset = {
    ...Object.fromEntries(kept.filter((key) => original[key] !== undefined).map((key) => [key, original[key]])),
    Rows: size.heightPx, Columns: size.widthPx, ...spacing('PixelSpacing'), ...spacing('ImagerPixelSpacing'),
  };
  return { dataset, pixels, ...size };
}

/** Writes `count` copies of the film in one syntax, each with its own study/series/instance UIDs. */
export function writeFilms(dir: string, syntax: Syntax, source: SourceDataset, count: number): string[] {
  const files: string[] = [];
  // The J2K codestream is the same for every copy (only the header's UIDs differ), so it is encoded once.
  let j2k: Uint8Array | null = null;
  if (syntax.key === 'jpeg2000') {
    const pgm = join(dir, 'source.pgm');
    const header = Buffer.from(`P5\n${source.widthPx} ${source.heightPx}\n4095\n`);
    const body = Buffer.alloc(source.pixels.length * 2);
    for (let i = 0; i < source.pixels.length; i++) body.writeUInt16BE(source.pixels[i], 2 * i);
    writeFileSync(pgm, Buffer.concat([header, body]));
    execFileSync('opj_compress', ['-i', pgm, '-o', join(dir, 'source.j2k')], { stdio: 'ignore' });
    j2k = new Uint8Array(readFileSync(join(dir, 'source.j2k')));
  }
  for (let i = 0; i < count; i++) {
    const dataset: Dataset = {
      ...source.dataset,
      StudyInstanceUID: newUid(), SeriesInstanceUID: newUid(), SOPInstanceUID: newUid(),
      BitsAllocated: 16, BitsStored: 12, HighBit: 11, PixelRepresentation: 0, SamplesPerPixel: 1,
      PatientName: [{ Alphabetic: `Bench^Film${i + 1}` }],
    };
    const file = join(dir, `${syntax.key}-${String(i + 1).padStart(2, '0')}.dcm`);
    if (syntax.key === 'jpeg2000') {
      const fragment = j2k!.slice().buffer;
      writeFileSync(file, writeDicom({ ...dataset, PixelData: [fragment], _vrMap: { PixelData: 'OB' } }, '1.2.840.10008.1.2.4.90'));
    } else {
      const raw = join(dir, `raw-${i}.dcm`);
      writeFileSync(raw, writeDicom({ ...dataset, PixelData: source.pixels.slice().buffer, _vrMap: { PixelData: 'OW' } }));
      execFileSync('dcmcjpeg', ['+e1', raw, file], { stdio: 'ignore' });
      rmSync(raw);
    }
    files.push(file);
  }
  return files;
}

