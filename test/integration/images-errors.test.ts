// Every kind of bad input gives its own PleuraError with a specific message, from readImageMeta (the
// cheap check an import makes) and from decodeImage; raster images and orientation are checked too.
import { execFileSync, spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import dicomParser from 'dicom-parser';
import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { PleuraError } from '../../src-shared/api/result';
import { decodeImage, readImageMeta } from '../../src-main/services/images/decode';
import { fixturePath } from '../helpers/paths';

const hasDcmtk = spawnSync('dcm2pnm', ['--version'], { stdio: 'ignore' }).error === undefined;
const dicom = (name: string) => new Uint8Array(readFileSync(fixturePath('dicom', name)));
const raster = (name: string) => new Uint8Array(readFileSync(fixturePath('raster', name)));

/** A copy of a DICOM file with one US element's value replaced. */
function withUint16(name: string, tag: string, value: number): Uint8Array {
  const bytes = dicom(name);
  const element = dicomParser.parseDicom(bytes).elements[tag];
  new DataView(bytes.buffer, bytes.byteOffset).setUint16(element.dataOffset, value, true);
  return bytes;
}

/** A copy of a DICOM file with its transfer syntax UID replaced by one of the same length. */
function withTransferSyntax(name: string, uid: string): Uint8Array {
  const bytes = dicom(name);
  const element = dicomParser.parseDicom(bytes).elements.x00020010;
  expect(uid.length).toBeLessThanOrEqual(element.length);
  bytes.fill(0, element.dataOffset, element.dataOffset + element.length);
  bytes.set(new TextEncoder().encode(uid), element.dataOffset);
  return bytes;
}

const hugePng = () => sharp({ create: { width: 20000, height: 8, channels: 3, background: '#000' } }).greyscale().png().toBuffer().then((b) => new Uint8Array(b));

const CASES: [string, () => Promise<Uint8Array> | Uint8Array, string, RegExp, { metaToo: boolean }][] = [
  ['empty file', () => new Uint8Array(0), 'corrupt', /is empty \(0 bytes\)/, { metaToo: true }],
  ['text file', () => new TextEncoder().encode('Patient list\nnot an image at all\n'), 'unsupported', /neither a DICOM file nor an image/, { metaToo: true }],
  ['.dcm that is not DICOM', () => new TextEncoder().encode('Patient list\nnot an image at all\n'), 'unsupported', /is not a DICOM file/, { metaToo: true }],
  ['DICOM without pixel data', () => dicom('Issue56-NoPixelData.dcm'), 'unsupported', /has no pixel data/, { metaToo: true }],
  ['DICOM truncated in the pixel data', () => dicom('derived_CR-MONO1-10-chest_truncated.dcm'), 'corrupt', /truncated inside the pixel data \(231885 of 387200 bytes\)/, { metaToo: true }],
  ['compressed DICOM truncated in the pixel data', () => dicom('RG2_JPLL.dcm').subarray(0, 1_000_000), 'corrupt', /truncated inside the pixel data \(\d+ bytes of compressed data present\)/, { metaToo: true }],
  ['DICOM truncated in the header', () => dicom('RG2_JPLL.dcm').subarray(0, 700), 'corrupt', /truncated: it ends in the middle of a DICOM element/, { metaToo: true }],
  ['unsupported transfer syntax', () => withTransferSyntax('RG2_JPLY.dcm', '1.2.840.10008.1.2.4.53'), 'unsupported', /JPEG Spectral Selection \(retired\) \(1\.2\.840\.10008\.1\.2\.4\.53\)/, { metaToo: true }],
  ['absurd DICOM dimensions', () => withUint16('gdcm-CR-MONO1-10-chest.dcm', 'x00280010', 60000), 'unsupported', /declares 440 x 60000 pixels, more than Pleura opens safely/, { metaToo: true }],
  ['codestream size differing from the header', () => withUint16('RG2_JLSL.dcm', 'x00280010', 2000), 'corrupt', /codestream is 1760 x 2140 pixels but the DICOM header says 1760 x 2000/, { metaToo: false }],
  ['damaged JPEG-LS codestream', () => { const b = dicom('RG2_JLSL.dcm'); b.fill(0xff, b.length - 600_000, b.length - 500_000); return b; }, 'corrupt', /JPEG-LS Lossless pixel data is damaged/, { metaToo: false }],
  ['native pixel data shorter than declared', () => withUint16('gdcm-CR-MONO1-10-chest.dcm', 'x00280100', 32), 'corrupt', /387200 bytes of pixel data but 440 x 440 pixels at 32 bits need 774400 \(frames: 1\)/, { metaToo: false }],
  ['truncated PNG', () => raster('CHNCXR_0001_0-truncated.png'), 'corrupt', /damaged or truncated PNG file/, { metaToo: false }],
  ['absurd PNG dimensions', hugePng, 'unsupported', /declares 20000 x 8 pixels, more than Pleura opens safely/, { metaToo: true }],
];

describe('bad input gives a specific error', () => {
  it.each(CASES)('%s', async (label, make, code, message, { metaToo }) => {
    const bytes = await make();
    const name = label === '.dcm that is not DICOM' ? 'list.dcm' : 'input';
    const decoding = decodeImage(bytes, { name });
    await expect(decoding).rejects.toBeInstanceOf(PleuraError);
    await expect(decoding).rejects.toMatchObject({ code, message: expect.stringMatching(message) });
    if (metaToo) await expect(readImageMeta(bytes, { name })).rejects.toMatchObject({ code, message: expect.stringMatching(message) });
  });

  it('refuses a frame that does not exist', async () => {
    await expect(decodeImage(dicom('gdcm-CR-MONO1-10-chest.dcm'), { name: 'x', frame: 1 })).rejects.toMatchObject({ code: 'invalid-argument', message: expect.stringMatching(/has 1 frame; frame 1 does not exist/) });
  });
});

describe('raster images', () => {
  it('keeps 8-bit grey PNGs one channel, with no spacing', async () => {
    const image = await decodeImage(raster('CHNCXR_0001_0.png'), { name: 'CHNCXR_0001_0.png' });
    expect(image.meta).toMatchObject({ kind: 'raster', widthPx: 512, heightPx: 512, photometric: 'MONOCHROME2', bitsStored: 8, spacing: null });
    expect([image.pixels.channels, image.pixels.data.constructor]).toEqual([1, Uint8Array]);
  });

  it.skipIf(!hasDcmtk)('keeps 16-bit PNG values (made by dcmtk from a CR)', async () => {
    const image = await decodeImage(raster('cr-mono1-16bit.png'), { name: 'cr.png' });
    // the PNG was written by `dcm2pnm +on2 +Pid`; the same values as ASCII come from `+opn 16 +Pid`
    const ascii = execFileSync('dcm2pnm', ['+opn', '16', '+Pid', fixturePath('dicom', 'gdcm-CR-MONO1-10-chest.dcm')], { encoding: 'latin1', maxBuffer: 2 ** 26 });
    const values = ascii.split(/\s+/).filter(Boolean).slice(4).map(Number);
    expect(image.meta.bitsStored).toBe(16);
    expect(image.pixels.data).toBeInstanceOf(Uint16Array);
    expect(image.pixels.max).toBeGreaterThan(255);
    expect(values.length).toBe(image.pixels.data.length);
    expect(image.pixels.data.findIndex((value, i) => value !== values[i])).toBe(-1);
  });

  it('applies the EXIF orientation of a JPEG (6: rotate 90 degrees clockwise)', async () => {
    const meta = await readImageMeta(raster('covidgb-orientation6.jpg'), { name: 'o.jpg' });
    const image = await decodeImage(raster('covidgb-orientation6.jpg'), { name: 'o.jpg' });
    expect([meta.widthPx, meta.heightPx]).toEqual([439, 512]);
    expect([image.pixels.widthPx, image.pixels.heightPx, image.pixels.channels]).toEqual([439, 512, 1]);
    // compare with the upright source PNG turned clockwise: JPEG loss only, not a different layout
    const source = await decodeImage(raster('covidgb-ards-tiger-snake-bite.png'), { name: 's.png' });
    let totalDifference = 0;
    for (let y = 0; y < 512; y++) {
      for (let x = 0; x < 439; x++) {
        const upright = source.pixels.data[(439 - 1 - x) * 512 + y];
        totalDifference += Math.abs(image.pixels.data[y * 439 + x] - upright);
      }
    }
    expect(totalDifference / (439 * 512)).toBeLessThan(3);
  });

  it('decodes RGB images to three interleaved channels', async () => {
    const png = await sharp({ create: { width: 2, height: 1, channels: 3, background: { r: 200, g: 10, b: 30 } } }).png().toBuffer();
    const image = await decodeImage(new Uint8Array(png), { name: 'rgb.png' });
    expect(image.meta.photometric).toBe('RGB');
    expect(Array.from(image.pixels.data)).toEqual([200, 10, 30, 200, 10, 30]);
  });
});
