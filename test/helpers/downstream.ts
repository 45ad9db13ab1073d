import { readFile, readdir } from 'node:fs/promises';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import sharp from 'sharp';
import dcmjs from 'dcmjs';
import { quietly } from '../../src-main/services/export/dicom-io';

/**
 * pycocotools' RLE decode, written from its C source (maskApi.c rleFrString + rleDecode), independent
 * of Pleura's encoder: counts are LEB128-like 6-bit groups offset by 48, each count after the second
 * is a delta to the count two before; runs alternate 0/1 from 0, in column-major (Fortran) order.
 */
export function pycocoDecode(rle: { size: [number, number]; counts: string }): Uint8Array {
  const [h, w] = rle.size;
  const s = rle.counts;
  const counts: number[] = [];
  let p = 0;
  while (p < s.length) {
    let x = 0;
    let k = 0;
    let more = 1;
    while (more) {
      const c = s.charCodeAt(p) - 48;
      x |= (c & 0x1f) << (5 * k);
      more = c & 0x20;
      p++;
      k++;
      if (!more && c & 0x10) x |= -1 << (5 * k);
    }
    if (counts.length > 2) x += counts[counts.length - 2];
    counts.push(x);
  }
  const columnMajor = new Uint8Array(h * w);
  let position = 0;
  let value = 0;
  for (const count of counts) {
    columnMajor.fill(value, position, position + count);
    position += count;
    value = 1 - value;
  }
  if (position !== h * w) throw new Error(`RLE counts sum to ${position}, not ${h * w}`);
  const rowMajor = new Uint8Array(h * w);
  for (let x = 0; x < w; x++) for (let y = 0; y < h; y++) rowMajor[y * w + x] = columnMajor[x * h + y];
  return rowMajor;
}

/** A PNG's single channel, refusing any PNG that is not one 8-bit channel. */
export async function readSingleChannelPng(path: string): Promise<{ widthPx: number; heightPx: number; data: Uint8Array }> {
  const meta = await sharp(path).metadata();
  if (meta.channels !== 1 || meta.depth !== 'uchar') throw new Error(`${path}: ${meta.channels} channel(s), depth ${meta.depth}; expected 1 channel, 8-bit`);
  return { widthPx: meta.width!, heightPx: meta.height!, data: new Uint8Array(await sharp(path).extractChannel(0).raw().toBuffer()) };
}

/**
 * What nnU-Net v2's verify_dataset_integrity checks of a raw dataset with PNG files, and the problems
 * found (empty when it would pass): dataset.json keys, background 0 and consecutive labels, one image
 * per channel per case named <case>_0000<ending>, numTraining equal to the cases found, labels single
 * channel holding only declared values, and images the same shape as their labels.
 */
export async function nnunetProblems(dir: string): Promise<{ problems: string[]; cases: string[] }> {
  const problems: string[] = [];
  const dataset = JSON.parse(await readFile(join(dir, 'dataset.json'), 'utf8')) as Record<string, unknown>;
  for (const key of ['channel_names', 'labels', 'numTraining', 'file_ending']) if (!(key in dataset)) problems.push(`dataset.json lacks ${key}`);
  const labels = dataset.labels as Record<string, number>;
  const values = Object.values(labels).sort((a, b) => a - b);
  if (labels.background !== 0) problems.push('background is not 0');
  if (values.some((v, i) => v !== i)) problems.push('labels are not consecutive from 0');
  const ending = String(dataset.file_ending);
  const channels = Object.keys(dataset.channel_names as object).length;
  const labelFiles = (await readdir(join(dir, 'labelsTr'))).filter((f) => f.endsWith(ending)).sort();
  const imageFiles = new Set(await readdir(join(dir, 'imagesTr')));
  const cases = labelFiles.map((f) => f.slice(0, -ending.length));
  if (dataset.numTraining !== cases.length) problems.push(`numTraining ${String(dataset.numTraining)} but ${cases.length} cases`);
  const expected = new Set(cases.flatMap((c) => Array.from({ length: channels }, (_, i) => `${c}_${String(i).padStart(4, '0')}${ending}`)));
  for (const name of imageFiles) if (!expected.has(name)) problems.push(`imagesTr/${name} belongs to no case`);
  for (const name of expected) if (!imageFiles.has(name)) problems.push(`imagesTr/${name} is missing`);
  for (const c of cases) {
    let label: Awaited<ReturnType<typeof readSingleChannelPng>>;
    try {
      label = await readSingleChannelPng(join(dir, 'labelsTr', `${c}${ending}`));
    } catch (error) {
      problems.push((error as Error).message);
      continue;
    }
    const found = new Set(label.data);
    for (const v of found) if (!values.includes(v)) problems.push(`${c}: label value ${v} is not declared`);
    for (let i = 0; i < channels; i++) {
      const path = join(dir, 'imagesTr', `${c}_${String(i).padStart(4, '0')}${ending}`);
      if (!imageFiles.has(`${c}_${String(i).padStart(4, '0')}${ending}`)) continue;
      const meta = await sharp(path).metadata();
      if (meta.width !== label.widthPx || meta.height !== label.heightPx) problems.push(`${c}: image ${meta.width}x${meta.height} but label ${label.widthPx}x${label.heightPx}`);
      if (meta.channels !== 1) problems.push(`${c}: image has ${meta.channels} channels for one declared channel`);
    }
  }
  return { problems, cases };
}

/** dciodvfy's Error lines for a file (empty when it finds none). */
export function dciodvfyErrors(path: string): string[] {
  const run = spawnSync('dciodvfy', [path], { encoding: 'utf8' });
  if (run.error) throw run.error;
  return `${run.stdout}\n${run.stderr}`.split('\n').filter((line) => /^Error/.test(line));
}

export const hasDciodvfy = spawnSync('dciodvfy', [], { encoding: 'utf8' }).error === undefined;

function naturalize(bytes: Uint8Array): Record<string, unknown> {
  return quietly(() => {
    const dict = dcmjs.data.DicomMessage.readFile(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength));
    return dcmjs.data.DicomMetaDictionary.naturalizeDataset(dict.dict) as Record<string, unknown>;
  });
}

/**
 * Loads a SEG with dcmjs's own Cornerstone adapter (what OHIF's SEG loading descends from) against its
 * film, through a metadata provider built from the film file itself: it finds the film only if the
 * SEG's references resolve to it. Returns the label map (1-based segment numbers) or throws.
 */
export function loadSegWithDcmjs(segBytes: Uint8Array, filmBytes: Uint8Array): Uint16Array {
  const film = naturalize(filmBytes);
  const imageId = 'pleura:film';
  const provider = {
    get(type: string, id: string) {
      if (id !== imageId) return undefined;
      if (type === 'sopCommonModule') return { sopInstanceUID: film.SOPInstanceUID, sopClassUID: film.SOPClassUID };
      if (type === 'generalSeriesModule') return { seriesInstanceUID: film.SeriesInstanceUID, modality: film.Modality };
      if (type === 'imagePixelModule') return { rows: film.Rows, columns: film.Columns };
      if (type === 'imagePlaneModule') {
        const iop = (film.ImageOrientationPatient as number[] | undefined) ?? [1, 0, 0, 0, 1, 0];
        return { rows: film.Rows, columns: film.Columns, rowCosines: iop.slice(0, 3), columnCosines: iop.slice(3, 6), imagePositionPatient: film.ImagePositionPatient, frameOfReferenceUID: film.FrameOfReferenceUID };
      }
      return undefined;
    },
  };
  const buffer = segBytes.buffer.slice(segBytes.byteOffset, segBytes.byteOffset + segBytes.byteLength);
  const warn = console.warn;
  let missing = '';
  console.warn = (...args: unknown[]) => {
    missing ||= args.map(String).join(' ');
  };
  try {
    const state = quietly(() => dcmjs.adapters.Cornerstone.Segmentation.generateToolState([imageId], buffer, provider));
    if (missing) throw new Error(`dcmjs: ${missing}`);
    return new Uint16Array(state.labelmapBufferArray[0]);
  } finally {
    console.warn = warn;
  }
}
