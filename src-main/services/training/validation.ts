import { join } from 'node:path';
import type { EvaluationPair } from '../models/evaluate';
import { decodeGrey8, listPairs, readSplits } from '../../workers/training/data';
import { PleuraError } from '../../../src-shared/api/result';
import { say } from '../../../src-shared/api/text';

/**
 * Loads image/mask pairs at their own size for validation (the way the app sees them): a data set's
 * subset (`<dir>/images`, `<dir>/masks`, `splits.json`) or all pairs of two folders matched by stem.
 */
export async function loadValidationPairs(
  dir: string | { imagesDir: string; masksDir: string },
  options: { subset?: string; splitFile?: string; limit?: number } = {},
): Promise<EvaluationPair[]> {
  const imagesDir = typeof dir === 'string' ? join(dir, 'images') : dir.imagesDir;
  const masksDir = typeof dir === 'string' ? join(dir, 'masks') : dir.masksDir;
  let pairs = await listPairs(imagesDir, masksDir);
  if (options.subset) {
    const splits = typeof dir === 'string' ? await readSplits(dir, options.splitFile) : options.splitFile ? await readSplits(imagesDir, options.splitFile) : null;
    const names = splits?.[options.subset];
    if (!names) throw new PleuraError('not-found', say('training.noSubset', { subset: options.subset }));
    const wanted = new Set(names);
    pairs = pairs.filter((p) => wanted.has(p.name));
  }
  if (options.limit !== undefined) pairs = pairs.slice(0, options.limit);
  const result: EvaluationPair[] = [];
  for (const pair of pairs) {
    const [image, mask] = await Promise.all([decodeGrey8(pair.imagePath), decodeGrey8(pair.maskPath)]);
    if (image.widthPx !== mask.widthPx || image.heightPx !== mask.heightPx) {
      throw new PleuraError('invalid-argument', say('training.pairSize', { name: pair.name, maskWidth: mask.widthPx, maskHeight: mask.heightPx, widthPx: image.widthPx, heightPx: image.heightPx }));
    }
    result.push({ name: pair.name, widthPx: image.widthPx, heightPx: image.heightPx, image: image.data, mask: mask.data });
  }
  return result;
}
