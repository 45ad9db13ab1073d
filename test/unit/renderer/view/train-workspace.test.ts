import { describe, expect, it } from 'vitest';
import { flushPromises, mount } from '@vue/test-utils';
import TrainWorkspace from '../../../../src-renderer/src/workspaces/train/TrainWorkspace.vue';
import { createPleuraI18n } from '../../../../src-renderer/src/i18n';
import { fineTuneDefaults } from '../../../../src-shared/api/training';
import type { TrainingRun } from '../../../../src-shared/api';
import { apiKey } from '../../../../src-renderer/src/api/client';
import { fakeApi, installStores, ok } from '../fake-api';

/**
 * HTML's constraint validation for a number input (min/max and the step rule: (value - min) / step must
 * be a whole number, with step "any" exempt), as Chromium applies it before a form submits.
 */
function numberInputValid(input: HTMLInputElement): boolean {
  const value = Number(input.value);
  if (input.value === '' || !Number.isFinite(value)) return false;
  const min = input.min === '' ? null : Number(input.min);
  const max = input.max === '' ? null : Number(input.max);
  if (min !== null && value < min) return false;
  if (max !== null && value > max) return false;
  if (input.step === 'any') return true;
  const step = input.step === '' ? 1 : Number(input.step);
  const steps = (value - (min ?? 0)) / step;
  return Math.abs(steps - Math.round(steps)) < 1e-7;
}

const run = (overrides: Partial<TrainingRun>): TrainingRun => ({
  runId: 'r1', jobId: 'j1', state: 'done', startedAt: '2026-12-02T01:05:00Z', options: {}, resultModel: 'lungs@2',
  validation: { dice: 0.912, iou: 0.84 }, activeValidation: { dice: 0.9, iou: 0.83 }, promoted: false, history: [], stop: null, ...overrides,
});

function setup(runs: TrainingRun[], locale: 'en' | 'ru' = 'en') {
  const { api } = fakeApi({
    training: { runs: () => ok(runs), fineTune: () => ok({ jobId: 'job-1', runId: 'run-1' }) },
    models: { list: () => ok([{ key: 'lungs@2', active: true, builtIn: false, sizeBytes: 1, manifest: {} }]) },
    inference: { predictBatch: () => ok({ jobId: 'p1' }) },
    project: { listImages: () => ok([]) },
  });
  const pinia = installStores(api);
  const wrapper = mount(TrainWorkspace, { global: { plugins: [pinia, createPleuraI18n({ locale })], provide: { [apiKey as symbol]: api }, stubs: { CurveChart: true } } });
  return { api, wrapper };
}

describe('Train workspace', () => {
  it('every numeric field starts at a value its own min/max/step accept, and a run starts with those defaults', async () => {
    const { api, wrapper } = setup([]);
    await flushPromises();
    const inputs = wrapper.findAll<HTMLInputElement>('[data-testid="train-form"] input[type="number"]');
    expect(inputs.length).toBeGreaterThanOrEqual(4);
    for (const input of inputs) expect(numberInputValid(input.element), `${input.element.outerHTML} = ${input.element.value}`).toBe(true);
    expect(Number(wrapper.get<HTMLInputElement>('[data-testid="train-lr"]').element.value)).toBe(fineTuneDefaults.learningRate);
    await wrapper.get('[data-testid="train-form"]').trigger('submit');
    await flushPromises();
    const { patienceEpochs: _patience, ...expected } = fineTuneDefaults;
    expect(api.training.fineTune).toHaveBeenCalledWith(expected);
  });

  it('the old step rule is what refused 0.0001 (the check above can fail)', () => {
    const input = document.createElement('input');
    Object.assign(input, { type: 'number', min: '0.000001', max: '1', step: '0.00001', value: '0.0001' });
    expect(numberInputValid(input)).toBe(false);
  });

  it('the run list says why each run ended, in the UI language', async () => {
    const runs = [
      run({ runId: 'a', stop: { kind: 'early-stopping', epochsRun: 6, epochs: 10, bestEpoch: 1, patienceEpochs: 5 } }),
      run({ runId: 'b', state: 'cancelled', resultModel: null, stop: { kind: 'cancelled', epochsRun: 2, epochs: 10 } }),
      run({ runId: 'c', state: 'failed', resultModel: null, stop: { kind: 'error', epochsRun: 0, epochs: 10, code: 'invalid-argument', reason: 'Fine-tuning needs at least 2 approved or corrected masks' } }),
    ];
    const { wrapper } = setup(runs);
    await flushPromises();
    const stops = wrapper.findAll('[data-testid="run-stop"]').map((cell) => cell.text());
    expect(stops[0]).toMatch(/stopped early at epoch 6\/10.*5 epochs.*kept epoch 1/);
    expect(stops[1]).toMatch(/cancelled after epoch 2\/10/);
    expect(stops[2]).toMatch(/at least 2 approved/);
    const ru = setup(runs, 'ru').wrapper;
    await flushPromises();
    expect(ru.findAll('[data-testid="run-stop"]')[0].text()).toMatch(/ранняя остановка на эпохе 6\/10/);
    expect(ru.text()).toContain('0,912');
  });

  it('after a promotion the run offers to re-predict the films not yet approved with the new model', async () => {
    const { api, wrapper } = setup([run({ promoted: true, stop: { kind: 'completed', epochsRun: 10, epochs: 10, bestEpoch: 9 } })]);
    await flushPromises();
    await wrapper.get('[data-testid="train-repredict"]').trigger('click');
    expect(api.inference.predictBatch).toHaveBeenCalledWith(expect.objectContaining({ scope: 'not-approved' }));
  });
});
