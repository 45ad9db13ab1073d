import { defineStore } from 'pinia';
import { ref } from 'vue';
import type { SerializedError, ServerText } from '../../../src-shared/api';

export type MessageKind = 'error' | 'warning' | 'info' | 'success';

/**
 * A message for the user. `key` is an i18n key (translated when shown), `params` its values; a failed
 * call's `reason` (already a sentence from main) travels in `params.reason`.
 */
export interface UiMessage {
  id: number;
  kind: MessageKind;
  key: string;
  params: Record<string, string | number>;
  /** Parameters main gave by key (a failure's reason): shown translated in place of `params[name]`. */
  texts?: Record<string, ServerText>;
  /** Offered as a "Retry" button (e.g. a save that failed). */
  retry?: () => void;
}

export interface PushOptions {
  retry?: () => void;
  texts?: Record<string, ServerText>;
}

const autoDismissMs: Record<MessageKind, number | null> = { error: null, warning: 12_000, info: 5_000, success: 4_000 };

/** Messages and errors shown as toasts; the only place failures surface (never only the console). */
export const useMessagesStore = defineStore('messages', () => {
  const messages = ref<UiMessage[]>([]);
  let nextId = 1;

  function push(kind: MessageKind, key: string, params: Record<string, string | number> = {}, options: PushOptions = {}): number {
    const id = nextId++;
    // The same error repeated (e.g. a retry failing again) replaces the older toast instead of stacking.
    messages.value = messages.value.filter((m) => !(m.kind === kind && m.key === key && m.params.reason === params.reason));
    messages.value.push({ id, kind, key, params, retry: options.retry, ...(options.texts ? { texts: options.texts } : {}) });
    const timeoutMs = autoDismissMs[kind];
    if (timeoutMs !== null && typeof setTimeout !== 'undefined') setTimeout(() => dismiss(id), timeoutMs);
    return id;
  }

  /**
   * Shows a failed call: `key` says what was attempted, the error's reason says why it failed. A lost
   * serve-mode connection is one fact however many calls it failed: one toast saying what happened to
   * the server (restarted, not answering, dropped), the latest replacing the earlier ones.
   */
  function failure(key: string, error: SerializedError, options: { retry?: () => void } = {}): number {
    const connection = error.details?.connection;
    if (typeof connection === 'string') {
      messages.value = messages.value.filter((m) => !m.key.startsWith('errors.connection-'));
      return push('error', `errors.connection-${connection}`, {}, options);
    }
    return push('error', key, { reason: error.reason, code: error.code }, { ...options, ...(error.text ? { texts: { reason: error.text } } : {}) });
  }

  function dismiss(id: number): void {
    messages.value = messages.value.filter((m) => m.id !== id);
  }

  function clear(): void {
    messages.value = [];
  }

  return { messages, push, failure, dismiss, clear };
});
