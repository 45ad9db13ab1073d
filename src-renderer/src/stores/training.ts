import { defineStore } from 'pinia';
import { computed, ref } from 'vue';
import type { FineTuneOptions, TrainingRun } from '../../../src-shared/api';
import { fineTuneDefaults } from '../../../src-shared/api/training';
import { useApi } from './api';
import { useJobsStore } from './jobs';
import { useMessagesStore } from './messages';
import { useModelsStore } from './models';

/** One point of a training curve. */
export interface CurvePoint {
  epoch: number;
  step: number;
  loss: number | null;
  dice: number | null;
  valDice: number | null;
}

/**
 * Curve points from a job's metrics events: batch events give the loss/Dice as training goes, epoch and
 * validation events the per-epoch figures. Unknown keys are ignored.
 */
export function curveFromMetrics(events: readonly { phase: string; epoch: number; step: number; values: Record<string, number> }[]): CurvePoint[] {
  const pick = (values: Record<string, number>, ...keys: string[]): number | null => {
    for (const key of keys) if (Number.isFinite(values[key])) return values[key];
    return null;
  };
  return events.map((event) => ({
    epoch: event.epoch,
    step: event.step,
    loss: event.phase === 'validation' ? null : pick(event.values, 'loss'),
    dice: event.phase === 'validation' ? null : pick(event.values, 'dice', 'diceCoefficient'),
    valDice: pick(event.values, 'valDice', 'val_dice', ...(event.phase === 'validation' ? ['dice'] : [])),
  }));
}

/** Fine-tuning runs on approved masks; live curves come from the running job's metrics. */
export const useTrainingStore = defineStore('training', () => {
  const api = useApi();
  const messages = useMessagesStore();
  const jobs = useJobsStore();
  const models = useModelsStore();
  const runs = ref<TrainingRun[]>([]);
  const currentJobId = ref<string | null>(null);
  const { patienceEpochs: _patience, ...formDefaults } = fineTuneDefaults;
  const options = ref<FineTuneOptions>({ ...formDefaults });

  const currentJob = computed(() => (currentJobId.value ? (jobs.jobs[currentJobId.value] ?? null) : null));
  const liveCurve = computed(() => curveFromMetrics(currentJob.value?.metrics ?? []));

  async function refresh(): Promise<void> {
    const result = await api.training.runs();
    if (result.ok) runs.value = [...result.value].sort((a, b) => b.startedAt.localeCompare(a.startedAt));
    else messages.failure('errors.runs', result);
  }

  async function start(): Promise<string | null> {
    const result = await api.training.fineTune({ ...options.value });
    if (!result.ok) {
      messages.failure('errors.train', result);
      return null;
    }
    const { jobId } = result.value;
    currentJobId.value = jobId;
    jobs.track(jobId, 'training');
    await refresh();
    void jobs.whenSettled(jobId).then(async () => {
      await refresh();
      await models.refresh();
    });
    return jobId;
  }

  /** Makes a run's resulting model active (it keeps the previous one for rollback). */
  async function promote(run: TrainingRun): Promise<boolean> {
    if (!run.resultModel) return false;
    const promoted = await models.activate(run.resultModel);
    if (promoted) await refresh();
    return promoted;
  }

  return { runs, currentJobId, currentJob, liveCurve, options, refresh, start, promote };
});
