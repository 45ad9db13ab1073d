import { describe, expect, it } from 'vitest';
import en from '../../../../src-renderer/src/i18n/en.json';
import ru from '../../../../src-renderer/src/i18n/ru.json';
import { shortcuts } from '../../../../src-renderer/src/composables/shortcuts';
import { reviewStatuses } from '../../../../src-shared/api/project';

function keys(tree: unknown, prefix = ''): string[] {
  return Object.entries(tree as Record<string, unknown>).flatMap(([key, value]) =>
    typeof value === 'string' ? [`${prefix}${key}`] : keys(value, `${prefix}${key}.`),
  );
}

// Vite reads the sources as text, so this renderer test needs no Node API.
const sources = import.meta.glob('../../../../src-renderer/src/**/*.{vue,ts}', { query: '?raw', import: 'default', eager: true }) as Record<string, string>;

const enKeys = new Set(keys(en));

describe('translations', () => {
  it('Russian has exactly the English keys', () => {
    expect(keys(ru).sort()).toEqual([...enKeys].sort());
  });

  it('every placeholder of an English message is in its Russian message', () => {
    const lookup = (tree: unknown, key: string) => key.split('.').reduce((node, part) => (node as Record<string, unknown>)[part], tree) as string;
    for (const key of enKeys) {
      // a plural message repeats its parameters in each form (English 2, Russian 3): compare the sets
      const params = (text: string) => [...new Set([...text.matchAll(/\{(\w+)\}/g)].map((m) => m[1]))].sort();
      expect(params(lookup(ru, key)), key).toEqual(params(lookup(en, key)));
    }
  });

  it('every literal key used in the renderer exists', () => {
    const used = new Set<string>();
    expect(Object.keys(sources).length).toBeGreaterThan(20);
    for (const text of Object.values(sources)) {
      for (const m of text.matchAll(/\bt\('([\w.-]+)'/g)) used.add(m[1]);
      for (const m of text.matchAll(/(?:failure|push)\((?:'(?:error|warning|info|success)', )?'([a-z]+\.[\w.-]+)'/g)) used.add(m[1]);
    }
    expect(used.size).toBeGreaterThan(50);
    expect([...used].filter((key) => !enKeys.has(key))).toEqual([]);
  });

  it('dynamic keys: every status and shortcut has a label', () => {
    for (const status of reviewStatuses) expect(enKeys).toContain(`status.${status}`);
    for (const { action } of shortcuts) expect(enKeys).toContain(`help.actions.${action}`);
  });
});
