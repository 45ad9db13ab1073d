import { createI18n } from 'vue-i18n';
import en from './en.json';
import ru from './ru.json';

export type MessageSchema = typeof en;
export const locales = ['en', 'ru'] as const;
export type Locale = (typeof locales)[number];

const storageKey = 'pleura.locale';

function savedLocale(): Locale {
  const saved = typeof localStorage !== 'undefined' ? localStorage.getItem(storageKey) : null;
  return (locales as readonly string[]).includes(saved ?? '') ? (saved as Locale) : 'en';
}

/** The UI's translations: English by default, Russian complete; the choice is remembered. */
export function createPleuraI18n(options: { locale?: Locale } = {}) {
  return createI18n<[MessageSchema], Locale>({
    legacy: false,
    locale: options.locale ?? savedLocale(),
    fallbackLocale: 'en',
    messages: { en, ru },
  });
}

/** Remembers the user's language for the next start. */
export function rememberLocale(locale: Locale): void {
  if (typeof localStorage !== 'undefined') localStorage.setItem(storageKey, locale);
}
