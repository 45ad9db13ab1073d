// Pleura's lossless JPEG decoder (src-main/services/images/dicom/jpeg-lossless.ts) against dcmtk's
// dcmdjpeg, sample for sample: the committed JPEG Lossless fixture, and files made here by dcmtk's own
// encoder (dcmcjpeg) from the committed fixtures and from synthetic films (8, 10, 12 and 16 bits,
// signed, MONOCHROME1, RGB, every predictor, point transform), plus streams with restart intervals,
// one scan per component and 16-bit Huffman codes from the test encoder (which dcmcjpeg cannot write). dcmdjpeg's uncompressed
// output is read by Pleura's native path (itself checked against dcmtk in images-dcmtk.test.ts).
// Damaged streams must fail with a PleuraError, never crash or hang.
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import dicomParser from 'dicom-parser';
import sharp from 'sharp';
import { afterAll, describe, expect, it } from 'vitest';
import { PleuraError } from '../../src-shared/api/result';
import { decodeImage } from '../../src-main/services/images/decode';
import { fixturePath } from '../helpers/paths';
import { encodeJpegLossless, type LosslessEncodeOptions } from '../helpers/jpeg-lossless-encoder';

const hasDcmtk = ['dcmcjpeg', 'dcmdjpeg', 'img2dcm'].every((tool) => spawnSync(tool, ['--version'], { stdio: 'ignore' }).error === undefined);
if (!hasDcmtk) console.warn('SKIPPED images-jpeg-lossless: dcmtk is not installed (apt-get install -y dcmtk).');

const workDir = mkdtempSync(join(tmpdir(), 'pleura-jpll-'));
afterAll(() => rmSync(workDir, { recursive: true, force: true }));
let counter = 0;
const temp = (suffix: string) => join(workDir, `${counter++}-${suffix}`);

/** A deterministic pseudo-random generator (mulberry32). */
function random(seed: number): () => number {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/**
 * An uncompressed Explicit VR LE film: the gdcm CR header (MONOCHROME1) with size, bits and pixel
 * representation patched and the given 16-bit words as its pixel data.
 */
function uncompressedFilm(widthPx: number, heightPx: number, words: Uint16Array, options: { bitsStored: number; signed?: boolean }): string {
  const template = new Uint8Array(readFileSync(fixturePath('dicom', 'gdcm-CR-MONO1-10-chest.dcm')));
  const dataSet = dicomParser.parseDicom(template);
  const header = template.slice(0, dataSet.elements.x7fe00010.dataOffset - 12);
  const view = new DataView(header.buffer);
  const patch = (tag: string, value: number) => view.setUint16(dataSet.elements[tag].dataOffset, value, true);
  patch('x00280010', heightPx);
  patch('x00280011', widthPx);
  patch('x00280101', options.bitsStored);
  patch('x00280102', options.bitsStored - 1);
  patch('x00280103', options.signed ? 1 : 0);
  const element = new Uint8Array(12);
  element.set([0xe0, 0x7f, 0x10, 0x00, 0x4f, 0x57, 0, 0]);
  new DataView(element.buffer).setUint32(8, words.byteLength, true);
  const file = temp('native.dcm');
  writeFileSync(file, Buffer.concat([header, element, new Uint8Array(words.buffer, words.byteOffset, words.byteLength)]));
  return file;
}

/** A synthetic film: a smooth gradient with noise, full-range steps and the ±32768 differences of 16-bit data. */
function syntheticWords(widthPx: number, heightPx: number, bits: number, seed: number): Uint16Array {
  const next = random(seed);
  const top = 2 ** bits - 1;
  const words = new Uint16Array(widthPx * heightPx);
  for (let y = 0; y < heightPx; y++) {
    for (let x = 0; x < widthPx; x++) {
      let value = Math.round(((x + y) / (widthPx + heightPx)) * top + (next() - 0.5) * top * 0.05);
      if (y % 17 === 3) value = x % 2 === 0 ? 0 : top; // hard edges: the widest differences
      if (bits === 16 && y % 23 === 5) value = x % 2 === 0 ? 0 : 32768; // difference category 16
      words[y * widthPx + x] = Math.max(0, Math.min(top, value));
    }
  }
  return words;
}

/** A 24-bit BMP (BITMAPINFOHEADER, bottom-up rows padded to 4 bytes) of interleaved RGB pixels. */
function bmp24(rgb: Uint8Array, widthPx: number, heightPx: number): Buffer {
  const rowBytes = Math.ceil((widthPx * 3) / 4) * 4;
  const file = Buffer.alloc(54 + rowBytes * heightPx);
  file.write('BM', 0, 'latin1');
  file.writeUInt32LE(file.length, 2);
  file.writeUInt32LE(54, 10);
  file.writeUInt32LE(40, 14);
  file.writeInt32LE(widthPx, 18);
  file.writeInt32LE(heightPx, 22);
  file.writeUInt16LE(1, 26);
  file.writeUInt16LE(24, 28);
  file.writeUInt32LE(rowBytes * heightPx, 34);
  for (let y = 0; y < heightPx; y++) {
    const row = 54 + (heightPx - 1 - y) * rowBytes;
    for (let x = 0; x < widthPx; x++) {
      const i = 3 * (y * widthPx + x);
      file[row + 3 * x] = rgb[i + 2];
      file[row + 3 * x + 1] = rgb[i + 1];
      file[row + 3 * x + 2] = rgb[i];
    }
  }
  return file;
}

function dcmcjpeg(input: string, args: string[]): string {
  const output = temp('jpll.dcm');
  execFileSync('dcmcjpeg', [...args, input, output], { stdio: 'ignore' });
  return output;
}

/** The file with its encapsulated pixel data replaced by one frame holding `codestream`. */
function withCodestream(file: string, codestream: Uint8Array): string {
  const bytes = new Uint8Array(readFileSync(file));
  const element = dicomParser.parseDicom(bytes).elements.x7fe00010;
  const headerEnd = element.dataOffset - 12; // tag 4, VR 2, reserved 2, length 4
  const padded = codestream.length % 2 === 0 ? codestream : Uint8Array.from([...codestream, 0]);
  const item = (length: number) => {
    const b = Buffer.alloc(8);
    b.writeUInt16LE(0xfffe, 0);
    b.writeUInt16LE(0xe000, 2);
    b.writeUInt32LE(length, 4);
    return b;
  };
  const pixelHeader = Buffer.from([0xe0, 0x7f, 0x10, 0x00, 0x4f, 0x42, 0, 0, 0xff, 0xff, 0xff, 0xff]);
  const delimiter = Buffer.from([0xfe, 0xff, 0xdd, 0xe0, 0, 0, 0, 0]);
  const out = temp('custom.dcm');
  writeFileSync(out, Buffer.concat([bytes.subarray(0, headerEnd), pixelHeader, item(0), item(padded.length), padded, delimiter]));
  return out;
}

/** Decodes the compressed file with Pleura and dcmdjpeg's uncompressed output with Pleura's native path; both must agree exactly. */
async function expectSameAsDcmdjpeg(file: string): Promise<void> {
  const reference = temp('dcmdjpeg.dcm');
  execFileSync('dcmdjpeg', [file, reference], { stdio: 'ignore' });
  const ours = await decodeImage(new Uint8Array(readFileSync(file)), { name: 'jpll' });
  const theirs = await decodeImage(new Uint8Array(readFileSync(reference)), { name: 'dcmdjpeg' });
  expect(ours.pixels.data.constructor).toBe(theirs.pixels.data.constructor);
  expect([ours.pixels.widthPx, ours.pixels.heightPx, ours.pixels.channels, ours.pixels.min, ours.pixels.max, ours.pixels.invert])
    .toEqual([theirs.pixels.widthPx, theirs.pixels.heightPx, theirs.pixels.channels, theirs.pixels.min, theirs.pixels.max, theirs.pixels.invert]);
  const a = ours.pixels.data;
  const b = theirs.pixels.data;
  let firstMismatch = -1;
  for (let i = 0; i < a.length && firstMismatch < 0; i++) if (a[i] !== b[i]) firstMismatch = i;
  expect({ firstMismatch, length: a.length }).toEqual({ firstMismatch: -1, length: b.length });
  expect(ours.pixels.max - ours.pixels.min).toBeGreaterThan(10); // not a flat image: the comparison says something
}

function syntaxOf(file: string): string {
  return dicomParser.parseDicom(new Uint8Array(readFileSync(file))).string('x00020010')?.trim() ?? '';
}

describe.skipIf(!hasDcmtk)('lossless JPEG decoding matches dcmtk dcmdjpeg', () => {
  it('RG2_JPLL.dcm (the committed JPEG Lossless SV1 fixture, 10-bit CR)', async () => {
    await expectSameAsDcmdjpeg(fixturePath('dicom', 'RG2_JPLL.dcm'));
  });

  it.each([
    ['8-bit DX (NIH), SV1', '1.3.6.1.4.1.11129.5.5.110503645592756492463169821050252582267888.dcm', ['+e1']],
    ['8-bit RF with a Modality LUT, SV1', 'KarstenHilbertRF.dcm', ['+e1']],
    ['10-bit MONOCHROME1 CR, SV1', 'gdcm-CR-MONO1-10-chest.dcm', ['+e1']],
    ['12-bit signed with a Modality LUT, SV1', 'mlut_18.dcm', ['+e1']],
    ...[2, 3, 4, 5, 6, 7].map((sv): [string, string, string[]] => [`10-bit CR, predictor ${sv}`, 'gdcm-CR-MONO1-10-chest.dcm', ['+el', '+sv', String(sv)]]),
    ['10-bit CR, predictor 1 with point transform 2', 'gdcm-CR-MONO1-10-chest.dcm', ['+el', '+sv', '1', '+pt', '2']],
    ['10-bit CR, predictor 7 with point transform 3', 'gdcm-CR-MONO1-10-chest.dcm', ['+el', '+sv', '7', '+pt', '3']],
  ])('%s (dcmcjpeg %s)', async (_label, name, args) => {
    const file = dcmcjpeg(fixturePath('dicom', name), args);
    expect(syntaxOf(file)).toBe(args[0] === '+e1' ? '1.2.840.10008.1.2.4.70' : '1.2.840.10008.1.2.4.57');
    await expectSameAsDcmdjpeg(file);
  });

  it.each([
    ['12-bit', 12, false, ['+e1']],
    ['16-bit (full range, difference category 16)', 16, false, ['+e1']],
    ['16-bit, predictor 6', 16, false, ['+el', '+sv', '6']],
    ['16-bit signed', 16, true, ['+e1']],
    ['12-bit signed, predictor 4', 12, true, ['+el', '+sv', '4']],
  ])('synthetic %s film (dcmcjpeg %s)', async (_label, bits, signed, args) => {
    const film = uncompressedFilm(301, 217, syntheticWords(301, 217, bits, bits + (signed ? 100 : 0)), { bitsStored: bits, signed });
    await expectSameAsDcmdjpeg(dcmcjpeg(film, args));
  });

  it('8-bit RGB (img2dcm from a BMP, then dcmcjpeg +e1)', async () => {
    // a colour picture: a chest X-ray tinted differently in each channel
    const { data, info } = await sharp(fixturePath('raster', 'covidgb-ards-tiger-snake-bite.png')).resize(203, 160).greyscale().raw().toBuffer({ resolveWithObject: true });
    const rgbPixels = new Uint8Array(info.width * info.height * 3);
    for (let i = 0; i < info.width * info.height; i++) rgbPixels.set([data[i], 255 - data[i], (data[i] * 3 + i) & 0xff], 3 * i);
    const bmp = temp('rgb.bmp');
    writeFileSync(bmp, bmp24(rgbPixels, info.width, info.height));
    const rgb = temp('rgb.dcm');
    execFileSync('img2dcm', ['-i', 'BMP', bmp, rgb], { stdio: 'ignore' });
    const file = dcmcjpeg(rgb, ['+e1']);
    const image = await decodeImage(new Uint8Array(readFileSync(file)), { name: 'rgb' });
    expect(image.pixels.channels).toBe(3);
    await expectSameAsDcmdjpeg(file);
    // the same pixels from the test encoder: one scan per component, restarts, predictor 4
    const separate = withCodestream(file, encodeJpegLossless(rgbPixels, info.width, info.height, { precision: 8, predictor: 4, components: 3, restartRows: 5 }));
    await expectSameAsDcmdjpeg(separate);
    const decoded = await decodeImage(new Uint8Array(readFileSync(separate)), { name: 'rgb scans' });
    expect(Array.from(decoded.pixels.data).findIndex((v, i) => v !== rgbPixels[i])).toBe(-1);
  });

  it.each([
    ['restart every row, 16-bit codes', 16, { predictor: 1, restartRows: 1, table: 'long' }],
    ['restart every 7 rows, predictor 5', 12, { predictor: 5, restartRows: 7 }],
    ['restart every 3 rows (markers wrap past RST7), predictor 7, point transform 1', 12, { predictor: 7, restartRows: 3, pointTransform: 1 }],
    ['no restarts, 16-bit codes on a 16-bit film', 16, { predictor: 1, table: 'long' }],
  ] as [string, number, Omit<LosslessEncodeOptions, 'precision'>][])('test encoder: %s', async (_label, bits, options) => {
    const words = syntheticWords(123, 61, bits, 7);
    const film = uncompressedFilm(123, 61, words, { bitsStored: bits });
    const template = dcmcjpeg(film, ['+el', '+sv', '1']);
    const file = withCodestream(template, encodeJpegLossless(words, 123, 61, { precision: bits, ...options }));
    await expectSameAsDcmdjpeg(file);
    if (!options.pointTransform) {
      // and lossless: the film's own values
      const image = await decodeImage(new Uint8Array(readFileSync(file)), { name: 'x' });
      expect(Array.from(image.pixels.data).findIndex((v, i) => v !== words[i])).toBe(-1);
    }
  });
});

describe.skipIf(!hasDcmtk)('damaged lossless JPEG fails with a PleuraError', () => {
  const source = () => new Uint8Array(readFileSync(fixturePath('dicom', 'RG2_JPLL.dcm')));
  const pixelData = (bytes: Uint8Array) => {
    const element = dicomParser.parseDicom(bytes).elements.x7fe00010;
    const fragment = element.fragments![0];
    return { start: fragment.position, length: fragment.length };
  };

  it.each([
    ['EOI marker in the middle of the entropy data', (b: Uint8Array, f: { start: number; length: number }) => b.set([0xff, 0xd9], f.start + 5000), /damaged and cannot be decoded \(the data ends after \d+ of 2140 rows\)/],
    ['Huffman table over-full', (b: Uint8Array, f: { start: number; length: number }) => {
      const dht = b.subarray(f.start).findIndex((v, i, a) => v === 0xff && a[i + 1] === 0xc4);
      b[f.start + dht + 5 + 1] = 200; // 200 codes of length 2
    }, /damaged and cannot be decoded \(a Huffman table/],
    ['precision 1 in the frame header', (b: Uint8Array, f: { start: number; length: number }) => {
      const sof = b.subarray(f.start).findIndex((v, i, a) => v === 0xff && a[i + 1] === 0xc3);
      b[f.start + sof + 4] = 1;
    }, /pixel data is damaged and cannot be decoded \(the frame header declares 1-bit samples/],
    ['arithmetic coding (SOF11)', (b: Uint8Array, f: { start: number; length: number }) => {
      const sof = b.subarray(f.start).findIndex((v, i, a) => v === 0xff && a[i + 1] === 0xc3);
      b[f.start + sof + 1] = 0xcb;
    }, /process SOF11, not lossless Huffman/],
    ['predictor 0 in the scan header', (b: Uint8Array, f: { start: number; length: number }) => {
      const sos = b.subarray(f.start).findIndex((v, i, a) => v === 0xff && a[i + 1] === 0xda);
      b[f.start + sos + 2 + 2 + 1 + 2] = 0;
    }, /the scan's predictor is 0/],
  ])('%s', async (_label, damage, message) => {
    const bytes = source();
    damage(bytes, pixelData(bytes));
    const decoding = decodeImage(bytes, { name: 'damaged' });
    await expect(decoding).rejects.toBeInstanceOf(PleuraError);
    await expect(decoding).rejects.toMatchObject({ message: expect.stringMatching(message) });
  });

  it('a codestream cut in half', async () => {
    const file = fixturePath('dicom', 'RG2_JPLL.dcm');
    const bytes = new Uint8Array(readFileSync(file));
    const { start, length } = pixelData(bytes);
    const cut = new Uint8Array(readFileSync(withCodestream(file, bytes.slice(start, start + Math.floor(length / 2)))));
    await expect(decodeImage(cut, { name: 'cut' })).rejects.toMatchObject({ code: 'corrupt', message: expect.stringMatching(/damaged and cannot be decoded \(the data ends after \d+ of 2140 rows\)/) });
  });

  it('300 random byte changes in the codestream: each decodes or fails with a PleuraError, quickly', async () => {
    const film = uncompressedFilm(64, 48, syntheticWords(64, 48, 12, 3), { bitsStored: 12 });
    const clean = new Uint8Array(readFileSync(dcmcjpeg(film, ['+e1'])));
    const { start, length } = pixelData(clean);
    const next = random(42);
    const outcomes = { decoded: 0, refused: 0 };
    for (let round = 0; round < 300; round++) {
      const bytes = clean.slice();
      const changes = 1 + Math.floor(next() * 4);
      for (let c = 0; c < changes; c++) bytes[start + Math.floor(next() * length)] = Math.floor(next() * 256);
      try {
        await decodeImage(bytes, { name: 'fuzz' });
        outcomes.decoded++;
      } catch (error) {
        expect(error).toBeInstanceOf(PleuraError);
        outcomes.refused++;
      }
    }
    expect(outcomes.refused).toBeGreaterThan(0);
  });
});
