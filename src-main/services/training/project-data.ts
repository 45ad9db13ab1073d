import { createHash } from 'node:crypto';
import { PleuraError } from '../../../src-shared/api/result';
import { toGrey8 } from '../../../src-shared/imaging';
import type { AppContext } from '../context';
import { decodeImage } from '../images/decode';
import type { EvaluationPair } from '../models/evaluate';
import { getSession } from '../project/session';

/** The project's approved or corrected images with their latest masks, split into train and held-out val. */
export interface ProjectTrainingData {
  projectName: string;
  train: EvaluationPair[];
  val: EvaluationPair[];
  /** Names the validation set by its members, so versions are compared only on the same images. */
  valSetName: string;
}

const hashOf = (text: string) => createHash('sha256').update(text).digest();

/**
 * Whether an image is held out for validation: about one in five, decided by a hash of its id, so an
 * image never moves between train and val as more images are approved.
 */
export function isHeldOut(imageId: string): boolean {
  return hashOf(`pleura-val:${imageId}`)[0] % 5 === 0;
}

/**
 * Decodes the open project's approved/corrected images (as the viewer shows them, 8-bit) and their
 * latest masks. With 3 or more images at least one is held out. Throws PleuraError('no-project') without
 * a project and 'invalid-argument' when fewer than 2 images qualify.
 */
export async function loadProjectTrainingData(ctx: AppContext, options: { signal?: AbortSignal } = {}): Promise<ProjectTrainingData> {
  const store = getSession(ctx).require();
  const records = store.listImages().filter((r) => (r.status === 'approved' || r.status === 'corrected') && r.latestRevisionId !== null);
  if (records.length < 2) {
    throw new PleuraError('invalid-argument', `Fine-tuning needs at least 2 approved or corrected masks; the project has ${records.length}.`);
  }
  const pairs: (EvaluationPair & { id: string })[] = [];
  for (const record of records) {
    if (options.signal?.aborted) throw new PleuraError('cancelled', 'Cancelled');
    const decoded = await decodeImage(await store.readImageBytes(record.id), { name: record.name });
    const loaded = await store.loadRevision(record.id);
    if (!loaded) continue;
    const image = toGrey8(decoded.pixels, decoded.meta);
    if (loaded.mask.widthPx !== decoded.pixels.widthPx || loaded.mask.heightPx !== decoded.pixels.heightPx) {
      throw new PleuraError('corrupt', `${record.name}: its mask is ${loaded.mask.widthPx}x${loaded.mask.heightPx}, the image ${decoded.pixels.widthPx}x${decoded.pixels.heightPx}`);
    }
    pairs.push({ id: record.id, name: record.name, widthPx: decoded.pixels.widthPx, heightPx: decoded.pixels.heightPx, image, mask: loaded.mask.data });
  }
  let val = pairs.filter((p) => isHeldOut(p.id));
  if (val.length === 0 && pairs.length >= 3) {
    const first = [...pairs].sort((a, b) => Buffer.compare(hashOf(`pleura-val:${a.id}`), hashOf(`pleura-val:${b.id}`)))[0];
    val = [first];
  }
  if (val.length === pairs.length) val = val.slice(0, pairs.length - 1);
  const valIds = new Set(val.map((p) => p.id));
  const train = pairs.filter((p) => !valIds.has(p.id));
  const members = [...valIds].sort().join(',');
  const valSetName = val.length > 0 ? `project-val:${hashOf(members).toString('hex').slice(0, 12)}` : 'project-train';
  return { projectName: store.name, train, val: val.length > 0 ? val : train, valSetName };
}
