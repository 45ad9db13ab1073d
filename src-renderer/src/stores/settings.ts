import { defineStore } from 'pinia';
import { ref, watch } from 'vue';

const predictOnOpenKey = 'pleura.predictOnOpen';

function saved(key: string): string | null {
  return typeof localStorage !== 'undefined' ? localStorage.getItem(key) : null;
}

/**
 * The workstation's preferences, remembered in this browser or window for the next start (as the
 * language is). `predictOnOpen`: a film opened without any mask gets the model's at once (on unless
 * the user turned it off; with it off, the film opens without a mask and Predict gives one).
 */
export const useSettingsStore = defineStore('settings', () => {
  const predictOnOpen = ref(saved(predictOnOpenKey) !== 'off');
  watch(predictOnOpen, (on) => {
    if (typeof localStorage !== 'undefined') localStorage.setItem(predictOnOpenKey, on ? 'on' : 'off');
  });
  return { predictOnOpen };
});
