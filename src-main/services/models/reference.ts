import { stat } from 'node:fs/promises';
import { join } from 'node:path';
import type { EvaluationPair } from './evaluate';
import type { ModelRegistry, ResolvedModel } from './registry';
import { loadValidationPairs } from '../training/validation';

/** Where a model folder keeps its fixed reference films: `reference/images/*.png`, `reference/masks/*.png`. */
export const referenceFolder = 'reference';
/** The registry keeps a version's reference score under this suffix of its key (beside the project validation). */
export const referenceSuffix = '#reference';

/** A model lineage's fixed reference set: same name and films for every version descended from it. */
export interface ReferenceSet {
  name: string;
  pairs: EvaluationPair[];
}

async function isDir(path: string): Promise<boolean> {
  return (await stat(path).catch(() => null))?.isDirectory() ?? false;
}

/**
 * The reference set of a version: its own folder's `reference/`, else its parent's (following
 * `manifest.training.parent`, so fine-tuned versions are judged on their ancestor's set). Null when no
 * ancestor ships one.
 */
export async function referenceSetFor(registry: Pick<ModelRegistry, 'resolve'>, model: ResolvedModel): Promise<ReferenceSet | null> {
  let current: ResolvedModel | null = model;
  for (let depth = 0; current && depth < 16; depth++) {
    const dir = join(current.dir, referenceFolder);
    if ((await isDir(join(dir, 'images'))) && (await isDir(join(dir, 'masks')))) {
      const pairs = await loadValidationPairs({ imagesDir: join(dir, 'images'), masksDir: join(dir, 'masks') });
      if (pairs.length > 0) return { name: `reference:${current.key}`, pairs };
    }
    const parent: string | null = current.manifest.training.parent ?? null;
    current = parent ? await registry.resolve(parent).catch(() => null) : null;
  }
  return null;
}

/** Scores compared by the promotion gate: project validation, and the reference set when there is one. */
export interface GateScores {
  validation: { dice: number };
  activeValidation: { dice: number } | null;
  reference: { dice: number } | null;
  activeReference: { dice: number } | null;
}

/**
 * Whether a new version may become active: it must not be worse than the active one on the project's
 * held-out films, nor on the lineage's fixed reference set (a fine-tune that fits the project but forgets
 * the general case is kept inactive). Forcing overrides both.
 */
export function promotionAllowed(scores: GateScores, options: { force?: boolean } = {}): boolean {
  if (options.force) return true;
  const validationOk = !scores.activeValidation || scores.validation.dice >= scores.activeValidation.dice;
  const referenceOk = !scores.reference || !scores.activeReference || scores.reference.dice >= scores.activeReference.dice;
  return validationOk && referenceOk;
}
