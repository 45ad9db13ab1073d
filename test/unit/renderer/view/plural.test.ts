import { describe, expect, it } from 'vitest';
import { mount } from '@vue/test-utils';
import ToastList from '../../../../src-renderer/src/components/ToastList.vue';
import { useProjectStore } from '../../../../src-renderer/src/stores/project';
import { fakeApi, installStores, ok } from '../fake-api';
import en from '../../../../src-renderer/src/i18n/en.json';
import ru from '../../../../src-renderer/src/i18n/ru.json';
import serverRu from '../../../../src-renderer/src/i18n/server-ru.json';
import { createPleuraI18n, type Locale } from '../../../../src-renderer/src/i18n';
import { translateServerText } from '../../../../src-renderer/src/i18n/server';
import { pluralFormCount, pluralFormsOf, pluralIndex } from '../../../../src-shared/api/plural';
import { englishOf, say, serverMessages } from '../../../../src-shared/api/text';

function entries(tree: unknown, prefix = ''): [string, string][] {
  return Object.entries(tree as Record<string, unknown>).flatMap(([key, value]) =>
    typeof value === 'string' ? [[`${prefix}${key}`, value] as [string, string]] : entries(value, `${prefix}${key}.`),
  );
}
const enMessages = new Map(entries(en));
const ruMessages = new Map(entries(ru));
const isPlural = (text: string) => pluralFormsOf(text).length > 1;

function t(locale: Locale) {
  return createPleuraI18n({ locale }).global.t as (key: string, ...args: unknown[]) => string;
}

describe('plural forms by Intl.PluralRules', () => {
  it('English: 1 takes the singular, 0, 2 and 1.5 the plural', () => {
    expect([0, 1, 2, 5, 21, 1.5].map((n) => pluralIndex('en', n, 2))).toEqual([1, 0, 1, 1, 1, 1]);
  });

  it('Russian: one / few / many, 11-14 are many, fractions take the few form', () => {
    const cases: [number, number][] = [[1, 0], [2, 1], [3, 1], [4, 1], [5, 2], [0, 2], [11, 2], [12, 2], [14, 2], [21, 0], [22, 1], [25, 2], [101, 0], [111, 2], [1.5, 1], [0.5, 1]];
    for (const [n, form] of cases) expect(pluralIndex('ru', n, 3), String(n)).toBe(form);
  });

  it('a message with fewer forms than the language has uses its last one', () => {
    expect(pluralIndex('ru', 5, 2)).toBe(1);
    expect(pluralIndex('ru', 5, 1)).toBe(0);
  });
});

describe('the UI agrees its nouns with their numbers', () => {
  it('English says "1 mask", never "1 masks"', () => {
    const en_ = t('en');
    expect(en_('import.masksImported', { count: 1 })).toMatch(/^1 mask imported with its film/);
    expect(en_('import.masksImported', { count: 2 })).toMatch(/^2 masks imported with their films/);
    expect(en_('project.images', { count: 1 })).toBe('1 image');
    expect(en_('project.images', { count: 3 })).toBe('3 images');
    expect(en_('export.films', 1)).toBe('1 film');
    for (const [key, text] of enMessages) if (isPlural(text)) expect(en_(key, { count: 1 }), key).not.toMatch(/\b1 (masks|films|images|files)\b/);
  });

  it('Russian takes the right form for 1, 2, 5, 11, 21, 22, 25', () => {
    const ru_ = t('ru');
    const want: [number, string][] = [[1, '1 снимок'], [2, '2 снимка'], [5, '5 снимков'], [11, '11 снимков'], [21, '21 снимок'], [22, '22 снимка'], [25, '25 снимков']];
    for (const [n, text] of want) {
      expect(ru_('export.films', n), String(n)).toBe(text);
      expect(ru_('import.foundFilms', { count: n }), String(n)).toBe(`К импорту ${text}.`);
    }
    expect(ru_('import.masksImported', { count: 1 })).toMatch(/^1 маска импортирована/);
    expect(ru_('import.masksImported', { count: 3 })).toMatch(/^3 маски импортированы/);
    expect(ru_('import.masksImported', { count: 11 })).toMatch(/^11 масок импортировано/);
    expect(ru_('project.images', { count: 21 })).toBe('21 изображение');
  });

  it('a message with several numbers agrees each of them (import report)', () => {
    const en_ = t('en');
    const ru_ = t('ru');
    const report = (tr: typeof en_) => tr('project.importDone', { imported: tr('project.importedFilms', 1), duplicates: tr('project.alreadyThere', 2), rejected: tr('project.refusedFiles', 5) });
    expect(report(en_)).toBe('Import: 1 film imported, 2 films already in the project, 5 files refused.');
    expect(report(ru_)).toBe('Импорт: импортирован 1 снимок, 2 снимка уже были в проекте, 5 файлов отклонено.');
  });

  it('the import toast agrees each of its numbers, in either language', async () => {
    for (const [locale, want] of [['en', 'Import: 1 film imported, 21 films already in the project, 1 file refused.'], ['ru', 'Импорт: импортирован 21 снимок, 22 снимка уже были в проекте, 1 файл отклонён.']] as const) {
      const counts = locale === 'en' ? [1, 21, 1] : [21, 22, 1];
      const item = (n: number) => Array.from({ length: n }, (_, i) => ({ path: `f${i}`, name: `f${i}`, imageId: `i${i}`, reason: 'x' }));
      const report = { imported: item(counts[0]), duplicates: item(counts[1]), rejected: item(counts[2]) };
      const pinia = installStores(fakeApi({ project: { importPaths: () => ok(report), listImages: () => ok([]) } }).api);
      await useProjectStore().importPaths(['/films']);
      const wrapper = mount(ToastList, { global: { plugins: [pinia, createPleuraI18n({ locale })] } });
      expect(wrapper.text()).toContain(want);
    }
  });

  it('every plural message has as many forms as its language has (en 2, ru 3), in both languages', () => {
    const plural = [...enMessages].filter(([key, text]) => isPlural(text) || isPlural(ruMessages.get(key) ?? ''));
    expect(plural.length).toBeGreaterThan(15);
    for (const [key, text] of plural) {
      expect(pluralFormsOf(text).length, `en ${key}`).toBe(pluralFormCount('en'));
      expect(pluralFormsOf(ruMessages.get(key) ?? '').length, `ru ${key}`).toBe(pluralFormCount('ru'));
    }
  });

  it('a message counting a noun is a plural message (no "film(s)", no count left without agreement)', () => {
    // Numbers that need no agreement: in parentheses or after a colon ("Send all approved (3)"), or a progress "3 of 7".
    const noAgreement = new Set(['import.uploading', 'models.moreSets', 'models.repredict', 'pacs.sendApproved', 'export.approvedOnly', 'export.skippedTitle', 'pacs.retrieveReport', 'pacs.sendReport', 'project.importDone', 'export.done']);
    for (const [key, text] of enMessages) {
      expect(text, key).not.toMatch(/\(s\)/);
      if (/\{count\}/.test(text) && !noAgreement.has(key)) expect(isPlural(text), `${key} counts a noun but has one form`).toBe(true);
    }
  });
});

describe('server sentences with a count', () => {
  const ruServer = serverRu as Record<string, string>;
  it('every plural sentence has 2 English and 3 Russian forms, picked by {count}', () => {
    const plural = Object.entries(serverMessages).filter(([key, text]) => isPlural(text) || isPlural(ruServer[key]));
    expect(plural.length).toBeGreaterThan(5);
    for (const [key, text] of plural) {
      expect(pluralFormsOf(text).length, `en ${key}`).toBe(2);
      expect(pluralFormsOf(ruServer[key]).length, `ru ${key}`).toBe(3);
      for (const form of [...pluralFormsOf(text), ...pluralFormsOf(ruServer[key])]) expect(form, key).toContain('{count}');
    }
    for (const [key, text] of Object.entries(serverMessages)) expect(text, key).not.toMatch(/\{\w+\}[^{.;:]*?[a-z]\(s\)/);
  });

  it('shows the right form in English and Russian', () => {
    expect(englishOf(say('inference.jobTitle', { count: 1 }))).toBe('Predict 1 image');
    expect(englishOf(say('inference.jobTitle', { count: 3 }))).toBe('Predict 3 images');
    expect(translateServerText(say('inference.jobTitle', { count: 1 }), 'en')).toBe('Predict 1 image');
    const removed = (count: number) => translateServerText(say('project.orphansRemoved', { count }), 'ru');
    expect(removed(1)).toMatch(/^Удалён 1 незаконченный временный файл/);
    expect(removed(2)).toMatch(/^Удалено 2 незаконченных временных файла/);
    expect(removed(5)).toMatch(/^Удалено 5 незаконченных временных файлов/);
    expect(removed(11)).toMatch(/^Удалено 11 незаконченных временных файлов/);
    expect(removed(21)).toMatch(/^Удалён 21 незаконченный временный файл/);
    expect(removed(22)).toMatch(/^Удалено 22 незаконченных временных файла/);
    expect(removed(25)).toMatch(/^Удалено 25 незаконченных временных файлов/);
  });
});
