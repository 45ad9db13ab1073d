import { describe, expect, it } from 'vitest';
import { englishOf, placeholdersOf, say, serverMessages, type ServerMessageKey } from '../../../../src-shared/api/text';
import ru from '../../../../src-renderer/src/i18n/server-ru.json';
import { showSaid, translateServerText } from '../../../../src-renderer/src/i18n/server';
import { metricSetLabel } from '../../../../src-renderer/src/composables/metric-sets';
import en from '../../../../src-renderer/src/i18n/en.json';

const keys = Object.keys(serverMessages) as ServerMessageKey[];
const russian = ru as Record<string, string>;

describe('what main says, in both languages', () => {
  it('every key main can send has a Russian sentence with the same parameters', () => {
    expect(keys.length).toBeGreaterThan(200);
    const missing = keys.filter((key) => typeof russian[key] !== 'string' || russian[key].trim() === '');
    expect(missing).toEqual([]);
    // a plural sentence repeats its parameters in each form (English 2 forms, Russian 3): compare the sets
    const names = (text: string) => [...new Set(placeholdersOf(text))].sort();
    for (const key of keys) expect(names(russian[key]), key).toEqual(names(serverMessages[key]));
  });

  it('Russian has no key main does not send (a renamed key would leave a dead translation)', () => {
    expect(Object.keys(russian).filter((key) => !Object.hasOwn(serverMessages, key))).toEqual([]);
  });

  it('a Russian sentence is Russian: Cyrillic wherever the English has words of its own', () => {
    const wordsOnly = (text: string) => text.replace(/\{\w+\}/g, '').replace(/[^A-Za-z]/g, '');
    const untranslated = keys.filter((key) => wordsOnly(serverMessages[key]).length > 0 && !/[А-Яа-яЁё]/.test(russian[key]));
    expect(untranslated).toEqual([]);
  });

  it('parameters are filled in: numbers through Intl, nested sentences translated, strings as they are', () => {
    const text = say('file.tooLarge', { file: '/data/big film.dcm', sizeMiB: 12345, maxMiB: 20480 });
    expect(englishOf(text)).toBe('/data/big film.dcm is 12345 MiB, more than Pleura reads (20480 MiB).');
    expect(translateServerText(text, 'en')).toBe('/data/big film.dcm is 12,345 MiB, more than Pleura reads (20,480 MiB).');
    expect(translateServerText(say('image.invalidSize', { name: 'a', widthPx: 2048, heightPx: 0 }), 'en')).toBe('"a" declares an image of 2048 x 0 pixels, which is not a valid size.');
    // Intl groups Russian thousands with a no-break space (which one depends on the ICU version)
    expect(translateServerText(text, 'ru').replace(/[\u00a0\u202f]/g, ' ')).toBe('/data/big film.dcm занимает 12 345 МиБ — больше, чем читает Pleura (20 480 МиБ).');
    const nested = say('import.maskNotImported', { reason: say('import.maskSize', { maskWidth: 10, maskHeight: 20, widthPx: 30, heightPx: 40 }) });
    expect(translateServerText(nested, 'ru')).toBe('Эталонная маска не импортирована: Маска 10×20, а изображение 30×40.');
    expect(translateServerText(say('training.progress', { epoch: 2, epochs: 10, step: 3, steps: 8, loss: 0.1234 }), 'ru')).toBe('эпоха 2/10, батч 3/8, потери 0,1234');
  });

  it('an ISO time in an …At parameter is a date in the reader\'s conventions', () => {
    const text = say('lock.holderSince', { user: 'ann', pid: '4242', sinceAt: '2026-03-02T10:05:00.000Z' });
    const shown = translateServerText(text, 'ru');
    expect(shown).toMatch(/^пользователь ann, процесс 4242, с \d{1,2} (мар|марта)\.? 2026/);
    expect(shown).not.toContain('2026-03-02T');
  });

  it('a sentence main sent in English only is shown as it came', () => {
    expect(showSaid({ reason: 'Something only English.' }, 'ru')).toBe('Something only English.');
    expect(showSaid({ reason: 'x', text: say('import.emptyFile') }, 'ru')).toBe('Файл пуст.');
    expect(showSaid(null, 'ru')).toBe('');
  });
});

describe('metric set names', () => {
  const lookup = (key: string) => key.split('.').reduce<unknown>((node, part) => (node as Record<string, unknown>)[part], en);
  it('reads the names main and the manifests use, each to an existing key', () => {
    const cases: [string, string, Record<string, string>][] = [
      ['project-corrected-val:0123456789ab', 'models.sets.projectCorrectedVal', { id: '0123456789ab' }],
      ['project-val:abc', 'models.sets.projectVal', { id: 'abc' }],
      ['project-train', 'models.sets.projectTrain', {}],
      ['reference:pleura-lungs-unet@2.0.0', 'models.sets.reference', { model: 'pleura-lungs-unet@2.0.0' }],
      ['lungs-cxr val', 'models.sets.val', { data: 'lungs-cxr' }],
      ['lungs-mcsz val montgomery', 'models.sets.valPart', { data: 'lungs-mcsz', part: 'montgomery' }],
      ['lungs-v7-kermany test', 'models.sets.test', { data: 'lungs-v7-kermany' }],
      ['something else', 'models.sets.other', { name: 'something else' }],
    ];
    for (const [name, key, params] of cases) {
      expect(metricSetLabel(name), name).toEqual({ key, params });
      expect(typeof lookup(key), key).toBe('string');
    }
  });
});
