import { createHash } from 'node:crypto';
import { PleuraError } from '../../../src-shared/api/result';
import { say } from '../../../src-shared/api/text';
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

/** Whether a person changed a model's mask on this film: a user revision after a model revision. */
export function userChangedModelMask(revisions: readonly { source: { kind: string } }[]): boolean {
  const firstModel = revisions.findIndex((r) => r.source.kind === 'model');
  return firstModel >= 0 && revisions.slice(firstModel + 1).some((r) => r.source.kind === 'user');
}

/**
 * The held-out films a new version is judged on. Films whose model mask a person corrected say whether a
 * version got better where the model was wrong; approved films that are the model's own unedited output
 * only measure agreement with the active model. So: the hash-chosen held-out films that were corrected;
 * if there are none, every hash-chosen held-out film (with 3 or more films at least one); never all films.
 */
export function chooseHeldOut(films: readonly { id: string; corrected: boolean }[]): { valIds: Set<string>; corrected: boolean } {
  const heldOut = films.filter((f) => isHeldOut(f.id));
  const heldOutCorrected = heldOut.filter((f) => f.corrected);
  let val = heldOutCorrected.length > 0 ? heldOutCorrected : heldOut;
  if (val.length === 0 && films.length >= 3) {
    const byHash = [...films].sort((a, b) => Buffer.compare(hashOf(`pleura-val:${a.id}`), hashOf(`pleura-val:${b.id}`)));
    val = [byHash.find((f) => f.corrected) ?? byHash[0]];
  }
  if (val.length === films.length) val = val.slice(0, films.length - 1);
  return { valIds: new Set(val.map((f) => f.id)), corrected: val.length > 0 && val.every((f) => f.corrected) };
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
    throw new PleuraError('invalid-argument', say('training.tooFewMasks', { count: records.length }));
  }
  const pairs: (EvaluationPair & { id: string })[] = [];
  for (const record of records) {
    if (options.signal?.aborted) throw new PleuraError('cancelled', say('job.cancelled'));
    const decoded = await decodeImage(await store.readImageBytes(record.id), { name: record.name });
    const loaded = await store.loadRevision(record.id);
    if (!loaded) continue;
    const image = toGrey8(decoded.pixels, decoded.meta);
    if (loaded.mask.widthPx !== decoded.pixels.widthPx || loaded.mask.heightPx !== decoded.pixels.heightPx) {
      throw new PleuraError('corrupt', say('training.maskSize', { name: record.name, maskWidth: loaded.mask.widthPx, maskHeight: loaded.mask.heightPx, widthPx: decoded.pixels.widthPx, heightPx: decoded.pixels.heightPx }));
    }
    pairs.push({ id: record.id, name: record.name, widthPx: decoded.pixels.widthPx, heightPx: decoded.pixels.heightPx, image, mask: loaded.mask.data });
  }
  const { valIds, corrected } = chooseHeldOut(pairs.map((p) => ({ id: p.id, corrected: userChangedModelMask(store.listRevisions(p.id)) })));
  const val = pairs.filter((p) => valIds.has(p.id));
  const train = pairs.filter((p) => !valIds.has(p.id));
  const members = [...valIds].sort().join(',');
  const valSetName = val.length > 0 ? `${corrected ? 'project-corrected-val' : 'project-val'}:${hashOf(members).toString('hex').slice(0, 12)}` : 'project-train';
  return { projectName: store.name, train, val: val.length > 0 ? val : train, valSetName };
}
