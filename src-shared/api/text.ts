/**
 * Sentences main says to a user travel as a key with parameters ({@link ServerText}) beside their
 * English form: the CLI and logs print the English, the renderer translates the key (English and
 * Russian: src-renderer/src/i18n/server-*.json) and formats the numbers in the UI's language.
 *
 * The English templates are in ./server-messages; a `{name}` in a template is a parameter. A
 * parameter is a string (a file name, a UID: shown as is), a number (formatted for the reader), or
 * another ServerText (a part of the sentence that is itself translated).
 *
 * A sentence with a counted noun is a plural template, its forms separated by `|` as vue-i18n writes
 * them (English 2 forms, Russian 3: see ./plural); the number parameter `count` picks the form.
 */
import { serverMessages } from './server-messages';
import { choosePlural } from './plural';

export { serverMessages };
export type ServerMessageKey = keyof typeof serverMessages;

/** A parameter of a sentence: shown as is, formatted as a number, or translated itself. */
export type TextParam = string | number | ServerText;

/** A sentence by key: what the renderer translates. */
export interface ServerText {
  key: ServerMessageKey;
  params?: Record<string, TextParam>;
}

/** The `{name}` parameters a template names. */
export type Placeholders<S extends string> = S extends `${string}{${infer P}}${infer Rest}` ? P | Placeholders<Rest> : never;
type ParamsOf<K extends ServerMessageKey> = Record<Placeholders<(typeof serverMessages)[K]>, TextParam>;

/** Builds a sentence: the key and exactly the parameters its English template names. */
export function say<K extends ServerMessageKey>(key: K, ...params: Placeholders<(typeof serverMessages)[K]> extends never ? [] : [ParamsOf<K>]): ServerText {
  return params[0] ? { key, params: params[0] } : { key };
}

/** The parameter names in a template, in order of appearance (for tests of the translations). */
export function placeholdersOf(template: string): string[] {
  return [...template.matchAll(/\{([A-Za-z][A-Za-z0-9]*)\}/g)].map((m) => m[1]);
}

/** Fills `{name}` parameters of a template; `render` turns each value into text. Unknown names stay as written. */
export function fillTemplate(template: string, params: Record<string, TextParam> | undefined, render: (value: TextParam) => string): string {
  return template.replace(/\{([A-Za-z][A-Za-z0-9]*)\}/g, (whole, name: string) => {
    const value = params?.[name];
    return value === undefined ? whole : render(value);
  });
}

export function isServerText(value: unknown): value is ServerText {
  return typeof value === 'object' && value !== null && typeof (value as ServerText).key === 'string' && Object.hasOwn(serverMessages, (value as ServerText).key);
}

/** The English sentence (CLI, logs, and the `reason` beside every key). Numbers as written, not grouped. */
export function englishOf(text: ServerText): string {
  const template = pluralFormOf(serverMessages[text.key] ?? text.key, text, 'en');
  return fillTemplate(template, text.params, (value) => (typeof value === 'object' ? englishOf(value) : String(value)));
}

/** The form of a (plural) template for the sentence's `count` parameter in `locale`. */
export function pluralFormOf(template: string, text: ServerText, locale: string): string {
  const count = text.params?.count;
  return choosePlural(template, typeof count === 'number' ? count : undefined, locale);
}

/** A sentence given as English only, or as a key: the English either way. */
export function sentenceOf(reason: string | ServerText): string {
  return typeof reason === 'string' ? reason : englishOf(reason);
}

/** A sentence as reports carry it (a rejected file, a skipped film): the English, and its key when main has one. */
export interface Said {
  reason: string;
  text?: ServerText;
}

/** A sentence by key as a report item carries it: its English beside it. */
export function said(text: ServerText): Said {
  return { reason: englishOf(text), text };
}
