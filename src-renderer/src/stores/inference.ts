import { defineStore } from 'pinia';
import { ref, shallowRef } from 'vue';
import type { PendingPrediction, PredictionResult, UncertaintyMap } from '../../../src-shared/api';
import { useApi } from './api';
import { useJobsStore } from './jobs';
import { useMessagesStore } from './messages';
import { useProjectStore } from './project';

/** Prediction of one image or a batch, and the uncertainty map of the image on screen. */
export const useInferenceStore = defineStore('inference', () => {
  const api = useApi();
  const messages = useMessagesStore();
  const project = useProjectStore();
  const jobs = useJobsStore();
  const predicting = ref<string | null>(null);
  const lastResult = shallowRef<PredictionResult | null>(null);
  const uncertainty = shallowRef<{ imageId: string; map: UncertaintyMap } | null>(null);
  const tta = ref(true);

  /**
   * Predicts one image now. On an image holding a person's work the prediction is kept beside it unless
   * `replace` names the revision the user agreed to replace.
   */
  async function predict(imageId: string, replace?: { parentId: string | null }): Promise<PredictionResult | null> {
    predicting.value = imageId;
    try {
      const result = await api.inference.predictImage(imageId, { tta: tta.value, ...(replace ? { replace: true, parentId: replace.parentId } : {}) });
      if (!result.ok) {
        messages.failure('errors.predict', result);
        return null;
      }
      lastResult.value = result.value;
      await project.refreshImages();
      if (uncertainty.value?.imageId === imageId) uncertainty.value = null;
      return result.value;
    } finally {
      predicting.value = null;
    }
  }

  /**
   * The model's mask for a film opened without one. The server predicts a film once whoever asks (a
   * second client, a batch) and refuses (`conflict`) once it has a mask; that, a missing model or a film
   * that cannot be decoded (the viewer says so already) stay quiet here.
   */
  async function predictOnOpen(imageId: string): Promise<PredictionResult | null> {
    predicting.value = imageId;
    try {
      const result = await api.inference.predictImage(imageId, { tta: tta.value, unpredictedOnly: true });
      if (!result.ok) {
        if (!['conflict', 'not-found', 'corrupt', 'unsupported', 'no-project'].includes(result.code)) messages.failure('errors.predict', result);
        return null;
      }
      lastResult.value = result.value;
      await project.refreshImages();
      return result.value;
    } finally {
      if (predicting.value === imageId) predicting.value = null;
    }
  }

  /**
   * The mask of the prediction of this film now running, once the network made it and before it is saved
   * (null when none runs, or the server cannot say: the mask then comes as any saved revision does).
   */
  async function predictedMask(imageId: string): Promise<PendingPrediction | null> {
    const result = await api.inference.predictedMask(imageId);
    return result.ok ? result.value : null;
  }

  /** Starts a batch job (every unpredicted image when `imageIds` is omitted). */
  async function predictBatch(imageIds?: string[], options: { scope?: 'unpredicted' | 'not-approved' } = {}): Promise<string | null> {
    const result = await api.inference.predictBatch({ imageIds, tta: tta.value, ...options });
    if (!result.ok) {
      messages.failure('errors.predict', result);
      return null;
    }
    const { jobId } = result.value;
    jobs.track(jobId, 'inference');
    void jobs.whenSettled(jobId).then((settled) => {
      const skipped = (settled.result as { skipped?: string[] } | null)?.skipped?.length ?? 0;
      if (skipped > 0) messages.push('info', 'review.batchSkipped', { count: skipped });
      return project.refreshImages();
    });
    return jobId;
  }

  /** Loads the uncertainty map of an image's latest prediction (null when it has none). */
  async function loadUncertainty(imageId: string): Promise<UncertaintyMap | null> {
    if (uncertainty.value?.imageId === imageId) return uncertainty.value.map;
    const result = await api.inference.uncertaintyMap(imageId);
    if (!result.ok) {
      messages.failure('errors.uncertainty', result);
      return null;
    }
    uncertainty.value = result.value ? { imageId, map: result.value } : null;
    return result.value;
  }

  return { predicting, lastResult, uncertainty, tta, predict, predictOnOpen, predictedMask, predictBatch, loadUncertainty };
});
