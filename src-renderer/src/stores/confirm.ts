import { defineStore } from 'pinia';
import { shallowRef } from 'vue';

/** A question for the user: i18n keys (with params) for the title, each line of the body and the buttons. */
export interface ConfirmRequest {
  titleKey: string;
  lines: { key: string; params?: Record<string, string | number> }[];
  okKey: string;
  cancelKey?: string;
  /** The OK button does something that cannot be taken back in one step (shown in a warning colour). */
  danger?: boolean;
}

/**
 * Asks the user before something that replaces their work or needs their word (predict over a correction,
 * approve a doubtful mask, break a lock). One question at a time; `ask` resolves with their answer.
 */
export const useConfirmStore = defineStore('confirm', () => {
  const request = shallowRef<(ConfirmRequest & { resolve: (ok: boolean) => void }) | null>(null);

  function ask(question: ConfirmRequest): Promise<boolean> {
    request.value?.resolve(false);
    return new Promise((resolve) => {
      request.value = { ...question, resolve };
    });
  }

  function answer(ok: boolean): void {
    const open = request.value;
    request.value = null;
    open?.resolve(ok);
  }

  return { request, ask, answer };
});
