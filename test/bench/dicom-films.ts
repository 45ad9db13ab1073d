// Large DICOM films for the benchmarks, made at bench time from one real CR (the 2048x2500 12-bit
// Kakadu sample in test/fixtures/dicom, decoded by Pleura): JPEG lossless SV1 through dcmtk's dcmcjpeg,
// JPEG 2000 lossless through OpenJPEG's opj_compress (its defaults: 5 decomposition levels, no tiles),
// each copy with its own study, series and instance UIDs (so no two are the same file).
import { execFileSync } from 'node:child_process';
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import dcmjs from 'dcmjs';
import { decodeImage } from '../../src-main/services/images/decode';
import { readDicom, writeDicom, type Dataset } from '../../src-main/services/export/dicom-io';
import { fixturePath } from '../helpers/paths';

const sourceFilm = 'NM_Kakadu44_SOTmarkerincons.dcm';

export interface Syntax {
  key: 'jpeg-lossless' | 'jpeg2000';
  label: string;
}
export const syntaxes: Syntax[] = [
  { key: 'jpeg-lossless', label: 'JPEG lossless SV1' },
  { key: 'jpeg2000', label: 'JPEG 2000 lossless' },
];

const newUid = () => dcmjs.data.DicomMetaDictionary.uid() as string;

/** The source CR as an uncompressed dataset with new UIDs, its pixels as 16-bit words. */
export async function sourceDataset(): Promise<{ dataset: Dataset; pixels: Uint16Array; widthPx: number; heightPx: number }> {
  const bytes = new Uint8Array(readFileSync(fixturePath('dicom', sourceFilm)));
  const decoded = await decodeImage(bytes, { name: sourceFilm });
  const pixels = Uint16Array.from(decoded.pixels.data);
  // dcmjs's validation logger says "Invalid vr type xs - using US" for each "US or SS" attribute it
  // reads or writes: right for these films (pixel representation 0), and noise in the bench's output.
  (dcmjs.log as unknown as { getLogger(name: string): { setLevel(level: string): void } }).getLogger('validation.dcmjs').setLevel('silent');
  const dataset = readDicom(bytes);
  return { dataset, pixels, widthPx: decoded.pixels.widthPx, heightPx: decoded.pixels.heightPx };
}

/** Writes `count` copies of the film in one syntax, each with its own study/series/instance UIDs. */
export function writeFilms(dir: string, syntax: Syntax, source: Awaited<ReturnType<typeof sourceDataset>>, count: number): string[] {
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

