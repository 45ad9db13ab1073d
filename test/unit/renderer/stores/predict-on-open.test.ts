import { beforeEach, describe, expect, it } from 'vitest';
import { useProjectStore } from '../../../../src-renderer/src/stores/project';
import { useSettingsStore } from '../../../../src-renderer/src/stores/settings';
import { useWorkbenchStore } from '../../../../src-renderer/src/stores/workbench';
import { fakeApi, installStores, ok, record } from '../fake-api';

// The "Predict on open" preference: on by default, remembered, and when off a film without a mask opens
// without one (no prediction asked for); the Predict button still predicts it.
describe('predict on open', () => {
  beforeEach(() => localStorage.clear());

  async function openNewFilm() {
    const { api } = fakeApi({ project: { listImages: () => ok([record({ id: 'a' })]) } });
    installStores(api);
    await useProjectStore().refreshImages();
    return { api, settings: useSettingsStore(), workbench: useWorkbenchStore() };
  }

  it('is on by default: opening a film without a mask asks for its prediction', async () => {
    const { api, settings, workbench } = await openNewFilm();
    expect(settings.predictOnOpen).toBe(true);
    await workbench.openImage('a');
    expect(api.inference.predictImage).toHaveBeenCalledWith('a', expect.objectContaining({ unpredictedOnly: true }));
  });

  it('off: the film opens without a prediction, the choice is remembered, Predict still predicts', async () => {
    const first = await openNewFilm();
    first.settings.predictOnOpen = false;
    await Promise.resolve();
    expect(localStorage.getItem('pleura.predictOnOpen')).toBe('off');

    const { api, settings, workbench } = await openNewFilm();
    expect(settings.predictOnOpen).toBe(false);
    await workbench.openImage('a');
    expect(api.inference.predictImage).not.toHaveBeenCalled();
    await workbench.predictCurrent();
    expect(api.inference.predictImage).toHaveBeenCalledTimes(1);
    expect(api.inference.predictImage).toHaveBeenCalledWith('a', expect.not.objectContaining({ unpredictedOnly: true }));
  });
});
