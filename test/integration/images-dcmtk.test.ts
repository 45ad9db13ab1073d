// Every valid DICOM fixture is decoded by Pleura and by a decoder nobody here wrote: dcmtk (dcmj2pnm,
// dcml2pnm for JPEG-LS) or, for JPEG 2000 which Debian's dcmtk cannot decode, OpenJPEG's opj_decompress.
// Dimensions, photometric interpretation and every pixel value after the modality LUT are compared:
// exactly for lossless syntaxes, within a tolerance for lossy ones.
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import dicomParser from 'dicom-parser';
import { afterAll, describe, expect, it } from 'vitest';
import { decodeImage } from '../../src-main/services/images/decode';
import { fixturePath } from '../helpers/paths';

const hasTool = (tool: string, flag: string) => spawnSync(tool, [flag], { stdio: 'ignore' }).error === undefined;
const hasDcmtk = hasTool('dcmj2pnm', '--version') && hasTool('dcml2pnm', '--version') && hasTool('dcmdump', '--version');
const hasOpenJpeg = hasTool('opj_decompress', '-h');
if (!hasDcmtk) console.warn('SKIPPED images-dcmtk: dcmtk is not installed (apt-get install -y dcmtk); .ci/run installs it.');
if (!hasOpenJpeg) console.warn('SKIPPED JPEG 2000 checks: opj_decompress is missing (apt-get install -y libopenjp2-tools).');

type Oracle = 'dcmj2pnm' | 'dcml2pnm' | 'opj_decompress';

/** Valid image fixtures, the independent decoder for each, and the largest difference allowed. */
const FIXTURES: [file: string, oracle: Oracle, tolerance: number][] = [
  ['gdcm-CR-MONO1-10-chest.dcm', 'dcmj2pnm', 0],
  ['derived_CR-MONO1-10-chest_implicitVR-LE.dcm', 'dcmj2pnm', 0],
  ['derived_CR-MONO1-10-chest_explicitVR-BE.dcm', 'dcmj2pnm', 0],
  ['derived_CR-MONO1-10-chest_RLE.dcm', 'dcmj2pnm', 0],
  ['1.3.6.1.4.1.11129.5.5.110503645592756492463169821050252582267888.dcm', 'dcmj2pnm', 0],
  ['KarstenHilbertRF.dcm', 'dcmj2pnm', 0],
  ['mlut_18.dcm', 'dcmj2pnm', 0],
  ['vlut_04.dcm', 'dcmj2pnm', 0],
  // lossy JPEG: two IDCT implementations may differ by a grey level or two
  ['1.2.276.0.7230010.3.1.4.8323329.6904.1517875201.850819.dcm', 'dcmj2pnm', 2],
  ['Fake_MONOHR1.dcm', 'dcmj2pnm', 2],
  ['Issue44_Monochrome1-Jpeg.dcm', 'dcmj2pnm', 2],
  ['RG2_JPLY_fixed.dcm', 'dcmj2pnm', 2],
  ['RG2_JPLY.dcm', 'dcmj2pnm', 2],
  ['RG2_JPLL.dcm', 'dcmj2pnm', 0],
  ['RG2_JLSL.dcm', 'dcml2pnm', 0],
  // JPEG-LS near-lossless decoding is deterministic: any conforming decoder gives the same values
  ['RG1_JLSN.dcm', 'dcml2pnm', 0],
  ['RG3_J2KR.dcm', 'opj_decompress', 0],
  ['966_fixed.dcm', 'opj_decompress', 0],
  ['JPEG2KLossless_1s_1f_u_16_16.dcm', 'opj_decompress', 0],
  ['NM_Kakadu44_SOTmarkerincons.dcm', 'opj_decompress', 0],
  ['RG1_J2KI.dcm', 'opj_decompress', 0],
];

const workDir = mkdtempSync(join(tmpdir(), 'pleura-dcmtk-'));
afterAll(() => rmSync(workDir, { recursive: true, force: true }));

interface Netpbm { widthPx: number; heightPx: number; maxValue: number; values: Uint32Array }

/** Reads PGM: ASCII (P2) as dcmtk writes with +opn, or binary 8/16-bit (P5) as opj_decompress writes. */
function readPgm(path: string): Netpbm {
  const bytes = readFileSync(path);
  let position = 0;
  const token = (): string => {
    for (;;) {
      while (bytes[position] <= 32) position++;
      if (bytes[position] !== 0x23) break; // comment
      while (bytes[position] !== 0x0a) position++;
    }
    const start = position;
    while (bytes[position] > 32) position++;
    return bytes.toString('latin1', start, position);
  };
  const magic = token();
  const widthPx = Number(token());
  const heightPx = Number(token());
  const maxValue = Number(token());
  const values = new Uint32Array(widthPx * heightPx);
  if (magic === 'P5') {
    position++;
    const wide = maxValue > 255;
    for (let i = 0; i < values.length; i++) values[i] = wide ? bytes.readUInt16BE(position + 2 * i) : bytes[position + i];
    return { widthPx, heightPx, maxValue, values };
  }
  for (let i = 0; i < values.length; i++) {
    while (bytes[position] <= 32) position++;
    let value = 0;
    while (bytes[position] > 32) value = value * 10 + bytes[position++] - 48;
    values[i] = value;
  }
  return { widthPx, heightPx, maxValue, values };
}

/** One attribute as dcmdump prints it (`(0028,0004) CS [MONOCHROME1]`), or undefined. */
function dcmdumpValue(file: string, tag: string): string | undefined {
  const line = execFileSync('dcmdump', ['+P', tag, file], { encoding: 'latin1' }).split('\n').find((l) => l.startsWith(`(${tag})`));
  const match = line?.match(/\[([^\]]*)\]|\) [A-Z]{2} ([-\d\\.]+)/);
  return match ? (match[1] ?? match[2]).trim() : undefined;
}

/** Output bits of the Modality LUT Sequence's LUT Descriptor (not the VOI LUT's), if there is one. */
function modalityLutBits(file: string): number | undefined {
  const dump = execFileSync('dcmdump', ['+P', '0028,3000', file], { encoding: 'latin1' });
  const descriptor = dump.split('\n').find((line) => line.trim().startsWith('(0028,3002)'));
  const bits = descriptor?.match(/\) [A-Z]{2} ([-\d\\]+)/)?.[1].split('\\')[2];
  return bits === undefined ? undefined : Number(bits);
}

/** The independent decoder's pixel values and size: modality-LUT values for dcmtk, stored values for OpenJPEG. */
function oracleDecode(file: string, oracle: Oracle): Netpbm {
  const out = join(workDir, 'oracle.pgm');
  if (oracle === 'opj_decompress') {
    const dataSet = dicomParser.parseDicom(new Uint8Array(readFileSync(file)));
    const element = dataSet.elements.x7fe00010;
    const codestream = dicomParser.readEncapsulatedPixelDataFromFragments(dataSet, element, 0, element.fragments!.length);
    const j2k = join(workDir, 'frame.j2k');
    writeFileSync(j2k, codestream);
    execFileSync('opj_decompress', ['-quiet', '-i', j2k, '-o', out], { stdio: 'ignore' });
    return readPgm(out);
  }
  // Without windowing, dcmtk scales the modality value range onto 0..2^n-1; with n equal to the bits of
  // that range (bits stored, or the Modality LUT's output bits) the scale is exactly 1. +Pid keeps
  // MONOCHROME1 uninverted, as Pleura's values are.
  const lutBits = modalityLutBits(file);
  const bits = lutBits ?? Number(dcmdumpValue(file, '0028,0101'));
  execFileSync(oracle, ['+opn', String(bits), '+Pid', file, out], { stdio: 'ignore' });
  return readPgm(out);
}

describe.skipIf(!hasDcmtk)('DICOM decoding matches dcmtk / OpenJPEG', () => {
  it.each(FIXTURES)('%s (%s, tolerance %d)', async (name, oracle, tolerance) => {
    if (oracle === 'opj_decompress' && !hasOpenJpeg) return;
    const file = fixturePath('dicom', name);
    const ours = await decodeImage(new Uint8Array(readFileSync(file)), { name });
    const theirs = oracleDecode(file, oracle);
    expect([ours.pixels.widthPx, ours.pixels.heightPx]).toEqual([theirs.widthPx, theirs.heightPx]);
    expect([ours.meta.widthPx, ours.meta.heightPx]).toEqual([theirs.widthPx, theirs.heightPx]);
    const photometric = dcmdumpValue(file, '0028,0004');
    expect(ours.meta.photometric).toBe(photometric);
    expect(ours.pixels.invert).toBe(photometric === 'MONOCHROME1');
    // dcmtk writes value - (lowest possible modality value): 0 with a Modality LUT or unsigned pixels
    // under identity rescale (every fixture here); signed pixels start at -2^(bits stored - 1).
    let offset = 0;
    if (oracle !== 'opj_decompress' && modalityLutBits(file) === undefined) {
      const slope = Number(dcmdumpValue(file, '0028,1053') ?? 1);
      const intercept = Number(dcmdumpValue(file, '0028,1052') ?? 0);
      expect([slope, intercept]).toEqual([1, 0]);
      if (dcmdumpValue(file, '0028,0103') === '1') offset = 2 ** (Number(dcmdumpValue(file, '0028,0101')) - 1);
    }
    const data = ours.pixels.data;
    let maxDifference = 0;
    let firstMismatch = -1;
    for (let i = 0; i < data.length; i++) {
      const difference = Math.abs(data[i] + offset - theirs.values[i]);
      if (difference > maxDifference) maxDifference = difference;
      if (difference > tolerance && firstMismatch < 0) firstMismatch = i;
    }
    expect({ firstMismatch, maxDifference: Math.min(maxDifference, tolerance + 1) }).toEqual({ firstMismatch: -1, maxDifference: Math.min(maxDifference, tolerance) });
    // the image is not trivially flat: the comparison says something
    expect(ours.pixels.max - ours.pixels.min).toBeGreaterThan(100);
  });
});
