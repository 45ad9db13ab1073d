import { join } from 'node:path';
import type { AppContext } from '../context';
import { PleuraError } from '../../../src-shared/api/result';
import { say } from '../../../src-shared/api/text';
import { getModelRegistry, type ResolvedModel } from '../models/registry';
import { folderName, versionKey } from '../models/store';
import { evaluateOnnx, type EvaluationPair } from '../models/evaluate';
import { promotionAllowed, referenceSetFor, referenceSuffix } from '../models/reference';
import type { TrainingRequest, TrainingResult } from '../../workers/training/protocol';
import { getTrainingHost, type TrainingRunHooks } from './host';

/** The fixed validation set a new version is judged on (the same for the active version). */
export interface ValidationSet {
  /** Stable name: versions are compared only on the same set. */
  name: string;
  pairs: EvaluationPair[];
}

export interface PipelineResult {
  key: string;
  training: TrainingResult;
  validation: { dice: number; iou: number };
  activeKey: string | null;
  activeValidation: { dice: number; iou: number } | null;
  /** Scores on the lineage's fixed reference set (models/<id>/reference), when it ships one. */
  reference: { dice: number; iou: number } | null;
  activeReference: { dice: number; iou: number } | null;
  promoted: boolean;
  /** Seconds spent training (incl. worker start), exporting+registering, and validating. */
  timings: { trainS: number; validateS: number; totalS: number };
}

/** A version name that sorts by time and does not collide within a process. */
export function newVersionName(now = new Date()): string {
  return now.toISOString().replace(/[-:]/g, '').replace('T', '-').replace(/\..*/, '') + `-${String(now.getMilliseconds()).padStart(3, '0')}`;
}

async function validationOf(ctx: AppContext, model: ResolvedModel, set: ValidationSet, slot = ''): Promise<{ dice: number; iou: number }> {
  const registry = getModelRegistry(ctx);
  const recorded = await registry.validation(model.key + slot);
  if (recorded && recorded.set === set.name) return { dice: recorded.dice, iou: recorded.iou };
  const report = await evaluateOnnx(model.onnxPath, model.manifest, set.pairs);
  const result = { dice: report.mean.dice, iou: report.mean.iou };
  await registry.recordValidation(model.key + slot, { set: set.name, ...result });
  return result;
}

/**
 * Trains a new version into the registry's store, validates it and the active version with ONNX Runtime
 * on the same fixed set, and activates it only when its Dice is not lower (or `force`). The request's
 * `outDir` is replaced by the version's folder in the store.
 */
export async function trainEvaluatePromote(
  ctx: AppContext,
  request: Omit<TrainingRequest, 'outDir'>,
  options: { validation: ValidationSet; force?: boolean; hooks?: TrainingRunHooks },
): Promise<PipelineResult> {
  const started = performance.now();
  const registry = getModelRegistry(ctx);
  const key = versionKey(request.manifest);
  const outDir = join(registry.versionsDir(), folderName(key));
  if ((await registry.list()).some((v) => v.key === key)) throw new PleuraError('conflict', say('model.exists', { key }));
  const training = await getTrainingHost(ctx).run({ ...request, outDir }, options.hooks);
  const trained = performance.now();
  await registry.add(outDir);
  const fresh = await registry.resolve(key);
  options.hooks?.log?.('info', `validating ${key} on ${options.validation.name} (${options.validation.pairs.length} images)`);
  const validation = await validationOf(ctx, fresh, options.validation);
  const active = await registry.active();
  const activeModel = active ? await registry.resolve(active.key) : null;
  const activeValidation = activeModel ? await validationOf(ctx, activeModel, options.validation) : null;
  // The fixed reference set of the new version's lineage, scored for both versions (same films, same name).
  const referenceSet = await referenceSetFor(registry, fresh);
  const reference = referenceSet ? await validationOf(ctx, fresh, referenceSet, referenceSuffix) : null;
  const activeReference = referenceSet && activeModel ? await validationOf(ctx, activeModel, referenceSet, referenceSuffix) : null;
  const promoted = promotionAllowed({ validation, activeValidation, reference, activeReference }, { force: options.force });
  if (promoted) await registry.activate(key, { force: true });
  options.hooks?.log?.(
    'info',
    `${key}: val Dice ${validation.dice.toFixed(4)}${activeValidation ? ` vs active ${activeValidation.dice.toFixed(4)}` : ''}` +
      `${reference ? `, reference Dice ${reference.dice.toFixed(4)}${activeReference ? ` vs active ${activeReference.dice.toFixed(4)}` : ''}` : ''}: ${promoted ? 'activated' : 'kept inactive'}`,
  );
  const done = performance.now();
  return {
    key, training, validation, activeKey: active?.key ?? null, activeValidation, reference, activeReference, promoted,
    timings: { trainS: (trained - started) / 1000, validateS: (done - trained) / 1000, totalS: (done - started) / 1000 },
  };
}
