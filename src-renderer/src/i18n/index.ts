import { createI18n } from 'vue-i18n';
import en from './en.json';
import ru from './ru.json';
import { pluralIndex } from '../../../src-shared/api/plural';

export type MessageSchema = typeof en;
export const locales = ['en', 'ru'] as const;
export type Locale = (typeof locales)[number];

const storageKey = 'pleura.locale';

function savedLocale(): Locale {
  const saved = typeof localStorage !== 'undefined' ? localStorage.getItem(storageKey) : null;
  return (locales as readonly string[]).includes(saved ?? '') ? (saved as Locale) : 'en';
}

/**
 * How a number picks the form of a plural message ("{count} film | {count} films"; Russian has three
 * forms: "{count} снимок | {count} снимка | {count} снимков"), by Intl.PluralRules: 21 снимок, 11 снимков.
 * vue-i18n takes the number from the `count` parameter, or from t(key, named, plural) for another name.
 */
export const pluralRules = {
  en: (choice: number, forms: number) => pluralIndex('en', choice, forms),
  ru: (choice: number, forms: number) => pluralIndex('ru', choice, forms),
} satisfies Record<Locale, (choice: number, forms: number) => number>;

/** The UI's translations: English by default, Russian complete; the choice is remembered. */
export function createPleuraI18n(options: { locale?: Locale } = {}) {
  return createI18n<[MessageSchema], Locale>({
    legacy: false,
    locale: options.locale ?? savedLocale(),
    fallbackLocale: 'en',
    messages: { en, ru },
    pluralRules,
  });
}

/** Remembers the user's language for the next start. */
export function rememberLocale(locale: Locale): void {
  if (typeof localStorage !== 'undefined') localStorage.setItem(storageKey, locale);
}
