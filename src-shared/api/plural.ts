/**
 * Which form of a plural message a number takes, in the way vue-i18n and the server sentences write
 * them: the forms separated by `|`, in the order of the language's CLDR categories below (English
 * "{count} film | {count} films"; Russian "{count} снимок | {count} снимка | {count} снимков").
 * Built on Intl.PluralRules, so 21 is "one" in Russian and 11 is "many".
 */
export const pluralCategories = {
  en: ['one', 'other'],
  // Russian fractions (1.5) are "other" in CLDR; they read like the "few" form (1,5 снимка), so they take it.
  ru: ['one', 'few', 'many'],
} as const satisfies Record<string, readonly Intl.LDMLPluralRule[]>;

export type PluralLocale = keyof typeof pluralCategories;

/** How many forms a plural message has in this language (en 2, ru 3). */
export function pluralFormCount(locale: PluralLocale): number {
  return pluralCategories[locale].length;
}

const rules = new Map<string, Intl.PluralRules>();

/** The index of the form `count` takes among `forms` forms of a message in `locale`. */
export function pluralIndex(locale: string, count: number, forms: number): number {
  if (forms <= 1) return 0;
  const categories: readonly string[] = pluralCategories[locale as PluralLocale] ?? pluralCategories.en;
  let rule = rules.get(locale);
  if (!rule) rules.set(locale, (rule = new Intl.PluralRules(locale)));
  const category = rule.select(Math.abs(count));
  let index = categories.indexOf(category);
  if (index < 0) index = locale === 'ru' && category === 'other' ? categories.indexOf('few') : categories.length - 1;
  return Math.min(index, forms - 1);
}

/** The forms of a plural message (`a | b | c`); one form when it has no `|`. */
export function pluralFormsOf(template: string): string[] {
  return template.split(/\s*\|\s*/);
}

/** The form of `template` for `count` in `locale` (the template itself when it has one form). */
export function choosePlural(template: string, count: number | undefined, locale: string): string {
  const forms = pluralFormsOf(template);
  if (forms.length === 1) return template;
  return forms[count === undefined ? forms.length - 1 : pluralIndex(locale, count, forms.length)];
}
