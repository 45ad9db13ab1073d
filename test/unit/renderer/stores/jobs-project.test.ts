import { describe, expect, it } from 'vitest';
import { useJobsStore } from '../../../../src-renderer/src/stores/jobs';
import { useMessagesStore } from '../../../../src-renderer/src/stores/messages';
import { useProjectStore } from '../../../../src-renderer/src/stores/project';
import { useTrainingStore, curveFromMetrics } from '../../../../src-renderer/src/stores/training';
import { fakeApi, installStores, ok, record } from '../fake-api';
import { englishOf, say } from '../../../../src-shared/api/text';

describe('jobs store', () => {
  it('follows progress events to a result and resolves waiters', async () => {
    const titleText = say('inference.jobTitle', { count: 4 });
    const { api, emit } = fakeApi({ jobs: { cancel: () => ok(null), list: () => ok([{ jobId: 'j1', kind: 'inference', title: 'Predict 4 image(s)', titleText, startedAt: new Date().toISOString(), state: 'running' }]) } });
    installStores(api);
    const jobs = useJobsStore();
    jobs.track('j1', 'inference');
    const settled = jobs.whenSettled('j1');
    const text = say('job.countOf', { done: 1, total: 4 });
    emit('job', { type: 'progress', jobId: 'j1', kind: 'inference', fraction: 0.25, etaMs: 30_000, message: '1 / 4', text });
    await Promise.resolve();
    // main's title (by key) arrives from jobs.list; the progress line keeps its key for the UI's language
    expect(jobs.jobs.j1).toMatchObject({ title: { reason: 'Predict 4 image(s)', text: titleText }, fraction: 0.25, etaMs: 30_000, message: { reason: '1 / 4', text }, state: 'running' });
    expect(jobs.running).toHaveLength(1);
    emit('job', { type: 'result', jobId: 'j1', kind: 'inference', value: { predicted: 4 } });
    await expect(settled).resolves.toEqual({ state: 'done', result: { predicted: 4 }, error: null });
    expect(jobs.running).toHaveLength(0);
  });

  it('estimates the ETA itself when the event carries none', () => {
    const { api, emit } = fakeApi();
    installStores(api);
    const jobs = useJobsStore();
    jobs.track('j2', 'training');
    jobs.jobs.j2.startedAtMs = Date.now() - 10_000;
    emit('job', { type: 'progress', jobId: 'j2', kind: 'training', fraction: 0.5, etaMs: null });
    expect(jobs.jobs.j2.etaMs).toBeGreaterThan(8_000);
    expect(jobs.jobs.j2.etaMs).toBeLessThan(12_000);
  });

  it('a failed job and a failed cancel surface as messages', async () => {
    const { api, emit } = fakeApi({ jobs: { cancel: () => ({ ok: false, code: 'not-found', reason: 'No such job.' }) } });
    installStores(api);
    const jobs = useJobsStore();
    const messages = useMessagesStore();
    jobs.track('j3', 'export');
    await jobs.cancel('j3');
    expect(api.jobs.cancel).toHaveBeenCalledWith('j3');
    expect(jobs.jobs.j3.cancelling).toBe(false);
    const text = say('disk.full', { what: 'log.jsonl' });
    emit('job', { type: 'error', jobId: 'j3', kind: 'export', code: 'disk-full', reason: englishOf(text), text });
    expect(jobs.jobs.j3.state).toBe('failed');
    expect(jobs.jobs.j3.error).toEqual({ reason: englishOf(text), text });
    expect(messages.messages.map((m) => [m.key, m.params.reason, m.texts?.reason])).toEqual([
      ['errors.cancel', 'No such job.', undefined],
      ['jobs.failed', 'The disk is full: could not write log.jsonl. Free some space and try again.', text],
    ]);
  });
});

describe('project store', () => {
  it('an unavailable service is reported, not thrown', async () => {
    const { api } = fakeApi();
    installStores(api);
    const project = useProjectStore();
    expect(await project.open('/nowhere')).toBe(false);
    expect(project.isOpen).toBe(false);
    expect(useMessagesStore().messages[0]).toMatchObject({ kind: 'error', key: 'errors.projectOpen', params: { code: 'unsupported' } });
  });

  it('opens a project, lists its images and refreshes on a project event', async () => {
    let images = [record({ id: 'a' })];
    const summary = { path: '/p', name: 'p', formatVersion: 1, imageCount: 1, createdAt: '', settings: { copyImages: true, userName: 'u' } };
    const { api, emit } = fakeApi({ project: { open: () => ok(summary), current: () => ok(summary), listImages: () => ok(images) } });
    installStores(api);
    const project = useProjectStore();
    expect(await project.open('/p')).toBe(true);
    expect(project.images.map((i) => i.id)).toEqual(['a']);
    expect(project.recentPaths[0]).toBe('/p');
    images = [record({ id: 'a' }), record({ id: 'b' })];
    emit('project', { kind: 'changed' });
    await new Promise((resolve) => setTimeout(resolve, 0));
    expect(project.images.map((i) => i.id)).toEqual(['a', 'b']);
  });
});

describe('training curves', () => {
  it('maps batch, epoch and validation metrics to curve points', () => {
    const points = curveFromMetrics([
      { phase: 'batch', epoch: 0, step: 1, values: { loss: 0.9, dice: 0.4 } },
      { phase: 'epoch', epoch: 0, step: 2, values: { loss: 0.7, dice: 0.6, valDice: 0.65 } },
      { phase: 'validation', epoch: 0, step: 2, values: { dice: 0.66 } },
    ]);
    expect(points).toEqual([
      { epoch: 0, step: 1, loss: 0.9, dice: 0.4, valDice: null },
      { epoch: 0, step: 2, loss: 0.7, dice: 0.6, valDice: 0.65 },
      { epoch: 0, step: 2, loss: null, dice: null, valDice: 0.66 },
    ]);
  });

  it('promote activates the run result model', async () => {
    const { api } = fakeApi({ models: { activate: (key: string) => ok({ key, active: true }), list: () => ok([]) }, training: { runs: () => ok([]) } });
    installStores(api);
    const training = useTrainingStore();
    const run = { runId: 'r', jobId: null, state: 'done' as const, startedAt: '', options: {}, resultModel: 'lungs@2', validation: { dice: 0.95, iou: 0.9 }, activeValidation: { dice: 0.94, iou: 0.89 }, promoted: false, history: [], stop: null };
    expect(await training.promote(run)).toBe(true);
    expect(api.models.activate).toHaveBeenCalledWith('lungs@2');
  });
});
