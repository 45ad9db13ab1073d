import { readFile, readdir } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import { basename, extname, join } from 'node:path';
import sharp from 'sharp';
import { PleuraError } from '../../../src-shared/api/result';
import type { PerImageNormalisation } from '../../../src-shared/ml/manifest';
import { normalisePerImage, resizeForModel } from '../../../src-shared/ml/preprocess';
import { resizeMaskArea } from './resize';

/** One training pair at the network's input size: image in 0..1 (grey / 255), mask 0/1, row-major. */
export interface Sample {
  name: string;
  sizePx: number;
  image: Float32Array;
  mask: Uint8Array;
}

/** Names of the images of each subset, as in a data set's `splits.json`. */
export type Splits = Record<string, string[]>;

export interface DatasetOptions {
  /** Square network input side in pixels. */
  inputPx: number;
  /** Subset of `splits.json` to load (train / val / test); all pairs when absent. */
  subset?: string;
  /** A splits file other than `<dir>/splits.json`. */
  splitFile?: string;
  /** Load at most this many pairs (in file-name order of the subset). */
  limit?: number;
  /** The model's per-image normalisation (manifest `normalisation.perImage`), applied as inference does. */
  perImage?: PerImageNormalisation;
}

/** A grey 8-bit picture with its size (what decoders hand over). */
export interface Grey8 {
  widthPx: number;
  heightPx: number;
  data: Uint8Array;
}

/** Decodes an image file (PNG, JPEG...) to 8-bit grey with sharp. */
export async function decodeGrey8(bytesOrPath: Uint8Array | string): Promise<Grey8> {
  try {
    const { data, info } = await sharp(bytesOrPath).greyscale().raw().toBuffer({ resolveWithObject: true });
    // greyscale() may keep an alpha channel; take the first channel of each pixel.
    const pixels = new Uint8Array(info.width * info.height);
    for (let i = 0; i < pixels.length; i++) pixels[i] = data[i * info.channels];
    return { widthPx: info.width, heightPx: info.height, data: pixels };
  } catch (error) {
    const what = typeof bytesOrPath === 'string' ? bytesOrPath : 'image bytes';
    throw new PleuraError('corrupt', `Cannot decode ${what}: ${(error as Error).message}`);
  }
}

/**
 * Brings a decoded image and its mask (nonzero = lung, any size) to a training sample. The image is
 * resized exactly as inference resizes it (src-shared/ml: area average when shrinking, bilinear when
 * enlarging), then stretched per image when the model asks for it (`perImage`), so the network trains on
 * the pixels it will be fed.
 */
export function makeSample(name: string, image: Grey8, mask: Grey8, inputPx: number, perImage?: PerImageNormalisation): Sample {
  const resized = resizeForModel({ widthPx: image.widthPx, heightPx: image.heightPx, data: image.data }, inputPx, inputPx).data.slice();
  for (let i = 0; i < resized.length; i++) resized[i] /= 255;
  if (perImage) normalisePerImage(resized, perImage);
  return { name, sizePx: inputPx, image: resized, mask: resizeMaskArea(mask.data, mask.widthPx, mask.heightPx, inputPx, inputPx) };
}

/** Reads `splits.json` (or `splitFile`); null when the data set has none. */
export async function readSplits(dir: string, splitFile?: string): Promise<Splits | null> {
  const path = splitFile ?? join(dir, 'splits.json');
  if (!existsSync(path)) {
    if (splitFile) throw new PleuraError('not-found', `No splits file at ${splitFile}`);
    return null;
  }
  const parsed = JSON.parse(await readFile(path, 'utf8')) as Record<string, unknown>;
  const splits: Splits = {};
  for (const [key, value] of Object.entries(parsed)) {
    if (Array.isArray(value) && value.every((v) => typeof v === 'string')) splits[key] = value as string[];
  }
  return splits;
}

const imageExtensions = new Set(['.png', '.jpg', '.jpeg', '.tif', '.tiff', '.bmp', '.webp']);

/** Lists the pairs of `<dir>/images` and `<dir>/masks` matched by file stem (sorted by name). */
export async function listPairs(imagesDir: string, masksDir: string): Promise<{ name: string; imagePath: string; maskPath: string }[]> {
  if (!existsSync(imagesDir)) throw new PleuraError('not-found', `No images folder at ${imagesDir}`);
  if (!existsSync(masksDir)) throw new PleuraError('not-found', `No masks folder at ${masksDir}`);
  const stem = (file: string) => basename(file, extname(file)).replace(/\.mask$/, '');
  const masks = new Map<string, string>();
  for (const file of await readdir(masksDir)) if (imageExtensions.has(extname(file).toLowerCase())) masks.set(stem(file), file);
  const pairs: { name: string; imagePath: string; maskPath: string }[] = [];
  for (const file of (await readdir(imagesDir)).sort()) {
    if (!imageExtensions.has(extname(file).toLowerCase())) continue;
    const mask = masks.get(stem(file));
    if (mask) pairs.push({ name: file, imagePath: join(imagesDir, file), maskPath: join(masksDir, mask) });
  }
  return pairs;
}

// Decoding and resizing dominate start-up; a process keeps each pair once per input size.
const cache = new Map<string, Sample>();

/** Loads one image/mask pair at the input size, from the in-process cache when it is there. */
export async function loadPair(imagePath: string, maskPath: string, inputPx: number, name = basename(imagePath), perImage?: PerImageNormalisation): Promise<Sample> {
  const key = `${imagePath}\u0000${maskPath}\u0000${inputPx}\u0000${perImage ? JSON.stringify(perImage) : ''}`;
  const cached = cache.get(key);
  if (cached) return cached;
  const [image, mask] = await Promise.all([decodeGrey8(imagePath), decodeGrey8(maskPath)]);
  const sample = makeSample(name, image, mask, inputPx, perImage);
  cache.set(key, sample);
  return sample;
}

/**
 * Loads a data set laid out as `<dir>/images/*.png` and `<dir>/masks/*.png` (same file names), the
 * subset named in `splits.json` if asked. Throws PleuraError when folders or named files are missing.
 */
export async function loadDataset(dir: string, options: DatasetOptions): Promise<Sample[]> {
  let pairs = await listPairs(join(dir, 'images'), join(dir, 'masks'));
  if (options.subset) {
    const splits = await readSplits(dir, options.splitFile);
    if (!splits) throw new PleuraError('not-found', `${dir} has no splits.json; cannot pick subset '${options.subset}'`);
    const names = splits[options.subset];
    if (!names) throw new PleuraError('invalid-argument', `No subset '${options.subset}' in the splits (have: ${Object.keys(splits).join(', ')})`);
    const byName = new Map(pairs.map((p) => [p.name, p]));
    const missing = names.filter((n) => !byName.has(n));
    if (missing.length > 0) throw new PleuraError('not-found', `${missing.length} files of subset '${options.subset}' are missing, e.g. ${missing[0]}`);
    pairs = names.map((n) => byName.get(n)!);
  }
  if (options.limit !== undefined) pairs = pairs.slice(0, options.limit);
  if (pairs.length === 0) throw new PleuraError('not-found', `No image/mask pairs in ${dir}`);
  const samples: Sample[] = [];
  for (const pair of pairs) samples.push(await loadPair(pair.imagePath, pair.maskPath, options.inputPx, pair.name, options.perImage));
  return samples;
}
