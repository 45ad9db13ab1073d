import { pluralFormOf, serverMessages, type Said, type ServerMessageKey, type ServerText, type TextParam } from '../../../src-shared/api/text';
import ru from './server-ru.json';
import type { Locale } from './index';

/**
 * What main says, in the user's language: main sends a key with parameters (src-shared/api/text), the
 * English templates come with the key list, the Russian ones are in server-ru.json (a test checks every
 * key has one, with the same parameters). Numbers are formatted through Intl in the UI's language,
 * `…At` parameters holding an ISO time as dates; strings (file names, UIDs) are shown as they are.
 */
export const serverTranslations: Record<Locale, Record<ServerMessageKey, string>> = {
  en: serverMessages,
  ru: ru as Record<ServerMessageKey, string>,
};

export function translateServerText(text: ServerText, locale: string): string {
  const templates = serverTranslations[locale as Locale] ?? serverTranslations.en;
  const template = pluralFormOf(templates[text.key] ?? serverMessages[text.key] ?? text.key, text, locale);
  // 'min2': four-digit numbers (a film's 2048 px, a port) are not grouped; 12 345 and more are
  const numbers = new Intl.NumberFormat(locale, { maximumFractionDigits: 4, useGrouping: 'min2' } as unknown as Intl.NumberFormatOptions);
  const render = (name: string, value: TextParam): string => {
    if (typeof value === 'number') return numbers.format(value);
    if (typeof value === 'object') return translateServerText(value, locale);
    if (name.endsWith('At') && /^\d{4}-\d{2}-\d{2}T/.test(value)) {
      const date = new Date(value);
      if (!Number.isNaN(date.getTime())) return new Intl.DateTimeFormat(locale, { dateStyle: 'medium', timeStyle: 'short' }).format(date);
    }
    return value;
  };
  return template.replace(/\{([A-Za-z][A-Za-z0-9]*)\}/g, (whole, name: string) => {
    const value = text.params?.[name];
    return value === undefined ? whole : render(name, value);
  });
}

/**
 * A sentence from main as shown: translated when main gave its key, else main's English as it came
 * (a failure from a part of main that has no key, or from an older server).
 */
export function showSaid(said: Said | string | null | undefined, locale: string): string {
  if (!said) return '';
  if (typeof said === 'string') return said;
  return said.text ? translateServerText(said.text, locale) : said.reason;
}


/** A failure kept to show later: its sentence, and for a serve-mode connection that failed, why (restarted / unreachable). */
export type KeptFailure = Said & { connection?: string };

/** The sentence of a failed call or event, to keep and show later. */
export function saidOfFailure(failure: { reason: string; text?: ServerText; details?: Record<string, unknown> }): KeptFailure {
  const connection = typeof failure.details?.connection === 'string' ? failure.details.connection : undefined;
  return { reason: failure.reason, ...(failure.text ? { text: failure.text } : {}), ...(connection ? { connection } : {}) };
}
