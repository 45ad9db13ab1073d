// `npm run bench -- imaging`: decode-to-displayable time (decode + default window to 8-bit grey) for
// every DICOM fixture and for a 2500x2048 16-bit DICOM, uncompressed and JPEG lossless, side by side
// with dcmtk's dcm2pnm on the same file (ratio = ours / dcmtk, same run). dcmtk writes an 8-bit PGM
// with the file's first window (or min-max), which is the same work: decode, modality LUT, VOI, 8-bit.
// JPEG 2000 films run against OpenJPEG's opj_decompress -threads 1 on the frame's codestream (decode
// only, no windowing: a bound in its favour). The JPEG lossless film's codec also runs alone against
// the WASM build of DCMTK's codec and the JS decoder Pleura used before.
import { execFileSync, spawnSync } from 'node:child_process';
import { createRequire } from 'node:module';
import { mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { performance } from 'node:perf_hooks';
import dicomParser from 'dicom-parser';
import { toGrey8 } from '../../src-shared/imaging/defaults';
import { decodeImage } from '../../src-main/services/images/decode';
import { decodeJpegLossless } from '../../src-main/services/images/dicom/jpeg-lossless';
import { fixturePath } from '../helpers/paths';
import type { BenchContext, BenchResult } from './types';

const RUNS = 3;
/** The start-up film and the 2500x2048 films, whose ratios the goals are about: more runs, so one slow run under load moves the median less. */
const MORE_RUNS = 9;
const require = createRequire(import.meta.url);

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)];
}

async function timeOurs(bytes: Uint8Array, name: string, runs = RUNS): Promise<number> {
  const times: number[] = [];
  for (let run = 0; run <= runs; run++) {
    const start = performance.now();
    const image = await decodeImage(bytes, { name });
    toGrey8(image.pixels, image.meta);
    if (run > 0) times.push(performance.now() - start); // run 0 loads the codec
  }
  return median(times);
}

function dcmtkTool(transferSyntax: string): string | null {
  if (transferSyntax.startsWith('1.2.840.10008.1.2.4.8')) return 'dcml2pnm';
  if (transferSyntax.startsWith('1.2.840.10008.1.2.4.9') || transferSyntax.startsWith('1.2.840.10008.1.2.4.2')) return null;
  return 'dcmj2pnm';
}

/** OpenJPEG's own decoder on the frame's codestream, single-threaded (its process start included, a few ms). */
function timeOpenJpeg(bytes: Uint8Array, dir: string): number | null {
  const dataSet = dicomParser.parseDicom(bytes);
  const element = dataSet.elements.x7fe00010;
  if (!element?.fragments?.length) return null;
  const codestream = dicomParser.readEncapsulatedPixelDataFromFragments(dataSet, element, 0, element.fragments.length);
  const j2k = join(dir, 'frame.j2k');
  writeFileSync(j2k, codestream);
  const args = ['-i', j2k, '-o', join(dir, 'frame.pgm'), '-threads', '1'];
  const times: number[] = [];
  for (let run = 0; run <= RUNS; run++) {
    const start = performance.now();
    execFileSync('opj_decompress', args, { stdio: 'ignore' });
    if (run > 0) times.push(performance.now() - start);
  }
  return median(times);
}

/** One run of a dcmtk tool writing the film as an 8-bit PGM through its first window (or min-max), in ms. */
function runDcmtk(tool: string, file: string, out: string, hasWindow: boolean): number {
  const start = performance.now();
  execFileSync(tool, [hasWindow ? '+Wi' : '+Wm', ...(hasWindow ? ['1'] : []), '+op', file, out], { stdio: 'ignore' });
  return performance.now() - start;
}

function timeDcmtk(tool: string, file: string, out: string, hasWindow: boolean, runs = RUNS): number {
  const times: number[] = [];
  for (let run = 0; run <= runs; run++) {
    const time = runDcmtk(tool, file, out, hasWindow);
    if (run > 0) times.push(time);
  }
  return median(times);
}

/**
 * The lossless JPEG codecs alone on one frame, same run: Pleura's decoder, dcmjs-codecs (DCMTK's IJG
 * codec built to WASM, already a dependency) and jpeg-lossless-decoder-js (the decoder Pleura used
 * before). Frame bytes in, samples out; no DICOM parsing, no windowing. Each warmed up first (WASM
 * tier-up, JIT).
 */
async function timeLosslessCodecs(bytes: Uint8Array, ctx: BenchContext): Promise<BenchResult[]> {
  const dataSet = dicomParser.parseDicom(bytes);
  const element = dataSet.elements.x7fe00010;
  const frame = dicomParser.readEncapsulatedPixelDataFromFragments(dataSet, element, 0, element.fragments!.length);
  const widthPx = dataSet.uint16('x00280011') ?? 0;
  const heightPx = dataSet.uint16('x00280010') ?? 0;
  const size = `${widthPx}x${heightPx} ${dataSet.uint16('x00280101')}-bit`;
  const time = (decode: () => unknown): number => {
    const times: number[] = [];
    for (let run = 0; run < 3 + 2 * RUNS; run++) {
      const start = performance.now();
      decode();
      if (run >= 3) times.push(performance.now() - start);
    }
    return median(times);
  };
  const ours = time(() => decodeJpegLossless(frame, { widthPx, heightPx, components: 1 }));
  const results: BenchResult[] = [];
  try {
    const codecs = require('dcmjs-codecs') as { NativeCodecs: { initializeAsync(o: object): Promise<void>; decodeJpeg(c: unknown, p: object): { getDecodedBuffer(): Uint8Array } }; Context: new (a: object) => unknown };
    await codecs.NativeCodecs.initializeAsync({ webAssemblyModulePathOrUrl: join(dirname(require.resolve('dcmjs-codecs')), 'dcmjs-native-codecs.wasm') });
    const attributes = { width: widthPx, height: heightPx, bitsAllocated: 16, bitsStored: dataSet.uint16('x00280101'), samplesPerPixel: 1, pixelRepresentation: 0, planarConfiguration: 0, photometricInterpretation: 'MONOCHROME2' };
    const wasm = time(() => codecs.NativeCodecs.decodeJpeg(new codecs.Context({ ...attributes, encodedBuffer: frame }), {}).getDecodedBuffer());
    results.push({ metric: `JPEG lossless codec alone, ${size} frame: Pleura's decoder`, value: ours, unit: 'ms', peer: 'dcmjs-codecs (DCMTK IJG, WASM)', peerValue: wasm, ratio: ours / wasm });
  } catch (error) {
    ctx.log(`dcmjs-codecs did not run: ${error instanceof Error ? error.message : String(error)}`);
  }
  try {
    const { Decoder } = await import('jpeg-lossless-decoder-js');
    const former = time(() => {
      const copy = frame.slice();
      return new Decoder().decode(copy.buffer, 0, copy.length, 2);
    });
    results.push({ metric: `JPEG lossless codec alone, ${size} frame: Pleura's decoder`, value: ours, unit: 'ms', peer: 'jpeg-lossless-decoder-js (used before)', peerValue: former, ratio: ours / former });
  } catch (error) {
    ctx.log(`jpeg-lossless-decoder-js did not run: ${error instanceof Error ? error.message : String(error)}`);
  }
  return results;
}

/**
 * dcmtk's time on `file` less its start-up: the film and the 1-pixel film run back to back, MORE_RUNS
 * pairs, and the median of the differences is taken, so that load that comes and goes during the run
 * weighs on both sides of each difference alike.
 */
function timeDcmtkDecoding(tool: string, file: string, onePixel: string, out: string, hasWindow: boolean, onePixelHasWindow: boolean): number {
  const differences: number[] = [];
  for (let run = 0; run <= MORE_RUNS; run++) {
    const film = runDcmtk(tool, file, out, hasWindow);
    const startup = runDcmtk('dcmj2pnm', onePixel, out, onePixelHasWindow);
    if (run > 0) differences.push(film - startup);
  }
  return median(differences);
}

/**
 * A 2500x2048 12-bit CR as uncompressed Explicit VR Little Endian: the pixels of the JPEG 2000 sample
 * NM_Kakadu44 (decoded by Pleura, checked against OpenJPEG by the tests) put into the header of the
 * gdcm CR sample with rows, columns and bits patched. Written with plain byte edits, no DICOM writer.
 */
async function makeLargeDicom(dir: string): Promise<string> {
  const kakadu = await decodeImage(new Uint8Array(readFileSync(fixturePath('dicom', 'NM_Kakadu44_SOTmarkerincons.dcm'))), { name: 'kakadu' });
  return writePatchedDicom(dir, 'large-2500x2048-uncompressed.dcm', kakadu.pixels.widthPx, kakadu.pixels.heightPx, Uint16Array.from(kakadu.pixels.data));
}

/** The gdcm CR header with the given size and 12-bit pixels (the 1-pixel one measures dcmtk's start-up). */
function writePatchedDicom(dir: string, name: string, widthPx: number, heightPx: number, pixels: Uint16Array): string {
  const template = new Uint8Array(readFileSync(fixturePath('dicom', 'gdcm-CR-MONO1-10-chest.dcm')));
  const dataSet = dicomParser.parseDicom(template);
  const header = template.slice(0, dataSet.elements.x7fe00010.dataOffset - 12);
  const view = new DataView(header.buffer);
  const patch = (tag: string, value: number) => view.setUint16(dataSet.elements[tag].dataOffset, value, true);
  patch('x00280010', heightPx);
  patch('x00280011', widthPx);
  patch('x00280101', 12);
  patch('x00280102', 11);
  const element = new Uint8Array(12);
  element.set([0xe0, 0x7f, 0x10, 0x00, 0x4f, 0x57, 0, 0]);
  new DataView(element.buffer).setUint32(8, pixels.byteLength, true);
  const file = join(dir, name);
  writeFileSync(file, Buffer.concat([header, element, new Uint8Array(pixels.buffer)]));
  return file;
}

export default async function run(ctx: BenchContext): Promise<BenchResult[]> {
  const hasDcmtk = spawnSync('dcmj2pnm', ['--version'], { stdio: 'ignore' }).error === undefined;
  if (!hasDcmtk) ctx.log('dcmtk is not installed (apt-get install -y dcmtk): ours only, no ratios.');
  const hasOpenJpeg = spawnSync('opj_decompress', ['-h'], { stdio: 'ignore' }).error === undefined;
  const dir = mkdtempSync(join(tmpdir(), 'pleura-imaging-bench-'));
  const out = join(dir, 'out.pgm');
  const results: BenchResult[] = [];
  try {
    const files: [label: string, path: string][] = readdirSync(fixturePath('dicom'))
      .filter((name) => name.endsWith('.dcm'))
      .map((name) => [name.replace(/\.dcm$/, '').slice(0, 40), fixturePath('dicom', name)]);
    const large = await makeLargeDicom(dir);
    files.push(['2500x2048 16-bit uncompressed', large]);
    if (hasDcmtk) {
      const lossless = join(dir, 'large-2500x2048-jpeg-lossless.dcm');
      execFileSync('dcmcjpeg', ['+e1', large, lossless], { stdio: 'ignore' });
      files.push(['2500x2048 16-bit JPEG lossless SV1', lossless]);
    }
    // dcmtk's process start (exec, dictionary load, file open) measured on a 1-pixel film in this run and
    // subtracted from its figures on the 2500x2048 films (run by run, see timeDcmtkDecoding), so the
    // ratio compares decoding with decoding.
    const onePixel = writePatchedDicom(dir, 'one-pixel.dcm', 1, 1, Uint16Array.of(1000));
    const onePixelWindows = (await decodeImage(new Uint8Array(readFileSync(onePixel)), { name: 'one pixel' })).meta.windows.length;
    const startupMs = hasDcmtk ? timeDcmtk('dcmj2pnm', onePixel, out, onePixelWindows > 0, MORE_RUNS) : 0;
    if (hasDcmtk) {
      ctx.log(`dcmtk start-up (dcmj2pnm on a 1-pixel film): ${startupMs.toFixed(1)} ms`);
      results.push({ metric: 'dcmtk start-up: dcmj2pnm on a 1-pixel film', value: startupMs, unit: 'ms' });
    }
    for (const [label, path] of files) {
      const bytes = new Uint8Array(readFileSync(path));
      let ours: number;
      try {
        ours = await timeOurs(bytes, label, label.startsWith('2500x2048') ? MORE_RUNS : RUNS);
      } catch (error) {
        ctx.log(`${label}: not an image (${error instanceof Error ? error.message : String(error)})`);
        continue;
      }
      const image = await decodeImage(bytes, { name: label });
      const syntax = dicomParser.parseDicom(bytes).string('x00020010') ?? '';
      const tool = hasDcmtk ? dcmtkTool(syntax) : null;
      const metric = `decode to display: ${label} (${image.pixels.widthPx}x${image.pixels.heightPx})`;
      if (!tool) {
        const openJpeg = hasOpenJpeg && syntax.startsWith('1.2.840.10008.1.2.4.9') ? timeOpenJpeg(bytes, dir) : null;
        results.push(openJpeg === null
          ? { metric, value: ours, unit: 'ms' }
          : { metric, value: ours, unit: 'ms', peer: 'opj_decompress -threads 1', peerValue: openJpeg, ratio: ours / openJpeg });
        continue;
      }
      const theirs = timeDcmtk(tool, path, out, image.meta.windows.length > 0, label.startsWith('2500x2048') ? MORE_RUNS : RUNS);
      results.push({ metric, value: ours, unit: 'ms', peer: tool, peerValue: theirs, ratio: ours / theirs });
      if (label === '2500x2048 16-bit JPEG lossless SV1') results.push(...(await timeLosslessCodecs(bytes, ctx)));
      if (label.startsWith('2500x2048')) {
        const decoding = timeDcmtkDecoding(tool, path, onePixel, out, image.meta.windows.length > 0, onePixelWindows > 0);
        if (decoding > 0) results.push({ metric: `${metric}, dcmtk start-up subtracted`, value: ours, unit: 'ms', peer: `${tool} minus start-up`, peerValue: decoding, ratio: ours / decoding });
      }
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  return results;
}
