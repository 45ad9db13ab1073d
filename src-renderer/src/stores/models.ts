import { defineStore } from 'pinia';
import { computed, ref } from 'vue';
import type { ModelVersion } from '../../../src-shared/api';
import { useApi } from './api';
import { useMessagesStore } from './messages';

/** The model registry: versions, the active one, activate/rollback/import. */
export const useModelsStore = defineStore('models', () => {
  const api = useApi();
  const messages = useMessagesStore();
  const versions = ref<ModelVersion[]>([]);
  const busy = ref(false);
  const active = computed(() => versions.value.find((v) => v.active) ?? null);

  async function refresh(): Promise<void> {
    const result = await api.models.list();
    if (result.ok) versions.value = result.value;
    else messages.failure('errors.models', result);
  }

  async function run(work: () => Promise<{ ok: boolean }>): Promise<boolean> {
    busy.value = true;
    try {
      const outcome = await work();
      if (outcome.ok) await refresh();
      return outcome.ok;
    } finally {
      busy.value = false;
    }
  }

  async function activate(key: string): Promise<boolean> {
    return run(async () => {
      const result = await api.models.activate(key);
      if (!result.ok) messages.failure('errors.activate', result);
      else messages.push('success', 'models.activated', { key: result.value.key });
      return result;
    });
  }

  async function rollback(): Promise<boolean> {
    return run(async () => {
      const result = await api.models.rollback();
      if (!result.ok) messages.failure('errors.rollback', result);
      else messages.push('success', 'models.activated', { key: result.value.key });
      return result;
    });
  }

  async function importModel(onnxPath: string, manifestPath: string): Promise<boolean> {
    return run(async () => {
      const result = await api.models.importModel(onnxPath, manifestPath);
      if (!result.ok) messages.failure('errors.importModel', result);
      else messages.push('success', 'models.imported', { key: result.value.key });
      return result;
    });
  }

  api.on('models', () => void refresh());

  return { versions, active, busy, refresh, activate, rollback, importModel };
});
