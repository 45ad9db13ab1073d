import { randomUUID } from 'node:crypto';
import { fineTuneDefaults, type FineTuneOptions, type TrainingRun } from '../../../src-shared/api/training';
import { say } from '../../../src-shared/api/text';
import { PleuraError, saidOf } from '../../../src-shared/api/result';
import { service, type AppContext } from '../context';
import { getModelRegistry } from '../models/registry';
import { getSession } from '../project/session';
import { makeSample } from '../../workers/training/data';
import type { DataSource } from '../../workers/training/protocol';
import { loadProjectTrainingData } from './project-data';
import { newVersionName, trainEvaluatePromote } from './pipeline';

/** Service-side settings the API does not carry. */
export interface FineTuneSettings {
  /** A data set folder (`images/`, `masks/`, `splits.json`) to mix in with `mixBaseImages`; default $PLEURA_BASE_DATA. */
  baseDataDir?: string;
  /** Train in this thread instead of the training worker. */
  inProcess?: boolean;
}

/** A run as the log keeps it (the job id is meaningless after a restart). */
function loggedRun(run: TrainingRun): TrainingRun {
  return { ...structuredClone(run), jobId: null };
}

interface FineTuneService {
  runs: Map<string, TrainingRun>;
  start(options: FineTuneOptions, settings?: FineTuneSettings): { jobId: string; runId: string; done: Promise<TrainingRun> };
}

/** The process's fine-tuning service (runs are listed for the Train workspace while the process lives). */
export function getFineTuneService(ctx: AppContext): FineTuneService {
  return service(ctx, 'training.finetune', () => createFineTuneService(ctx));
}

function createFineTuneService(ctx: AppContext): FineTuneService {
  const runs = new Map<string, TrainingRun>();
  return {
    runs,
    start(options, settings = {}) {
      const store = getSession(ctx).require();
      const runId = randomUUID();
      const run: TrainingRun = {
        runId, jobId: null, state: 'running', startedAt: new Date().toISOString(), options,
        resultModel: null, validation: null, activeValidation: null, promoted: false, history: [], stop: null,
      };
      const epochs = options.epochs ?? fineTuneDefaults.epochs;
      const patienceEpochs = fineTuneDefaults.patienceEpochs;
      runs.set(runId, run);
      const { jobId, done } = ctx.jobs.start('training', say('training.jobTitle', { project: store.name }), async (job) => {
        const registry = getModelRegistry(ctx);
        const base = await registry.resolve(options.baseModelId);
        if (!base.tfjsDir) throw new PleuraError('unsupported', say('training.noTfjs', { key: base.key }));
        job.progress(0, say('training.reading'));
        const data = await loadProjectTrainingData(ctx, { signal: job.signal });
        const inputPx = base.manifest.input.widthPx;
        const train: DataSource[] = [{ kind: 'samples', samples: data.train.map((p) => makeSample(p.name, { widthPx: p.widthPx, heightPx: p.heightPx, data: p.image }, { widthPx: p.widthPx, heightPx: p.heightPx, data: p.mask }, inputPx)) }];
        const baseDataDir = settings.baseDataDir ?? process.env.PLEURA_BASE_DATA;
        if ((options.mixBaseImages ?? 0) > 0) {
          if (!baseDataDir) job.log('warn', say('training.noBaseData'));
          else train.push({ kind: 'dataset', dir: baseDataDir, subset: 'train', limit: options.mixBaseImages });
        }
        const val: DataSource[] = [{ kind: 'samples', samples: data.val.map((p) => makeSample(p.name, { widthPx: p.widthPx, heightPx: p.heightPx, data: p.image }, { widthPx: p.widthPx, heightPx: p.heightPx, data: p.mask }, inputPx)) }];
        job.log('info', say('training.data', { train: data.train.length, val: data.val.length, project: data.projectName, base: base.key }));
        const result = await trainEvaluatePromote(ctx, {
          model: { kind: 'load', tfjsDir: base.tfjsDir },
          train,
          val,
          // The child is fed exactly like its parent: the same per-image stretch, if the parent has one.
          ...(base.manifest.normalisation.perImage ? { perImage: base.manifest.normalisation.perImage } : {}),
          options: {
            epochs, batchSize: options.batchSize ?? fineTuneDefaults.batchSize, learningRate: options.learningRate ?? fineTuneDefaults.learningRate,
            mode: options.mode ?? fineTuneDefaults.mode, augment: true, earlyStopping: { patience: patienceEpochs }, seed: 1,
          },
          manifest: {
            id: base.manifest.id, version: newVersionName(), name: base.manifest.name,
            description: `Fine-tuned from ${base.key} on ${data.train.length} approved masks of ${data.projectName}`,
            convention: base.manifest.convention, licence: base.manifest.licence, postprocess: base.manifest.postprocess,
            training: { data: [...base.manifest.training.data, `project ${data.projectName}: ${data.train.length} approved/corrected masks`], parent: base.key },
          },
        }, {
          validation: { name: data.valSetName, pairs: data.val },
          force: options.forcePromote,
          hooks: {
            signal: job.signal,
            inProcess: settings.inProcess,
            log: (level, message) => job.log(level, message),
            progress: (p) => {
              job.progress(p.fraction, say('training.progress', { epoch: p.epoch + 1, epochs: p.epochs, step: p.step, steps: p.steps, loss: Number(p.loss.toFixed(4)) }));
              job.metrics(p.phase, p.epoch, p.step, { loss: p.loss, ...p.metrics, learningRate: p.learningRate, ...(p.validation ? { valLoss: p.validation.loss, valDice: p.validation.metrics.dice } : {}) });
              if (p.phase === 'epoch') run.history.push({ epoch: p.epoch, loss: p.loss, dice: p.metrics.dice, ...(p.validation ? { valDice: p.validation.metrics.dice } : {}) });
            },
          },
        });
        const { history, bestEpoch, stoppedEarly } = result.training;
        const common = { epochsRun: history.length, epochs, bestEpoch: bestEpoch >= 0 ? bestEpoch + 1 : null };
        const stop: TrainingRun['stop'] = stoppedEarly ? { kind: 'early-stopping', ...common, patienceEpochs } : { kind: 'completed', ...common };
        Object.assign(run, { state: 'done', resultModel: result.key, validation: result.validation, activeValidation: result.activeValidation, reference: result.reference, activeReference: result.activeReference, promoted: result.promoted, stop });
        // The whole run goes into the log: the runs list is rebuilt from it after a restart.
        await store.appendAudit('train', { runId, base: base.key, result: result.key, valDice: result.validation.dice, activeValDice: result.activeValidation?.dice ?? null, promoted: result.promoted, mode: options.mode ?? 'decoder', run: loggedRun(run) });
        if (result.promoted) await store.appendAudit('promote', { key: result.key, forced: options.forcePromote === true });
        return run;
      });
      run.jobId = jobId;
      const finished = done.catch(async (error: unknown) => {
        const cancelled = error instanceof PleuraError && error.code === 'cancelled';
        run.state = cancelled ? 'cancelled' : 'failed';
        const common = { epochsRun: run.history.length, epochs };
        run.stop = cancelled
          ? { kind: 'cancelled', ...common }
          : { kind: 'error', ...common, code: error instanceof PleuraError ? error.code : 'internal', ...saidOf(error) };
        // A failed or cancelled run is listed after a restart too.
        const current = getSession(ctx).current();
        if (current === store && !store.readOnly) {
          await store.appendAudit('train', { runId, base: options.baseModelId ?? null, result: null, promoted: false, mode: options.mode ?? 'decoder', error: (error as Error).message, run: loggedRun(run) }).catch(() => undefined);
        }
        throw error;
      });
      finished.catch(() => undefined);
      return { jobId, runId, done: finished };
    },
  };
}
