// Lint rules, including the layering of ../shared/DESIGN.md: a wrong import fails `npm test`.
import { builtinModules } from 'node:module';
import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import pluginVue from 'eslint-plugin-vue';
import globals from 'globals';

const nodeBuiltins = [...builtinModules, ...builtinModules.map((m) => `node:${m}`), 'node:*'];

/** @param {string[]} extra */
function restrict(message, names, patterns) {
  return {
    'no-restricted-imports': [
      'error',
      {
        paths: names.map((name) => ({ name, message })),
        patterns: patterns.map((group) => ({ group: [group], message })),
      },
    ],
  };
}

export default tseslint.config(
  {
    ignores: [
      'out/**', 'dist/**', 'node_modules/**', 'test-results/**', 'bench-results/**', 'coverage/**',
      'models/**', 'resources/**', '.*/**',
    ],
  },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  ...pluginVue.configs['flat/recommended'],
  {
    files: ['**/*.vue'],
    languageOptions: { parserOptions: { parser: tseslint.parser } },
  },
  {
    languageOptions: { globals: { ...globals.es2022 } },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/consistent-type-imports': 'error',
      'no-console': 'off',
      'vue/multi-word-component-names': 'off',
      'vue/max-attributes-per-line': 'off',
      'vue/singleline-html-element-content-newline': 'off',
      'vue/html-self-closing': 'off',
      'vue/html-indent': 'off',
      'vue/html-closing-bracket-newline': 'off',
      'vue/multiline-html-element-content-newline': 'off',
      'vue/first-attribute-linebreak': 'off',
    },
  },
  {
    files: ['src-main/**', 'test/unit/main/**', 'test/unit/shared/**', 'test/integration/**', 'test/e2e/**', 'test/bench/**', 'test/helpers/**', 'scripts/**', 'bin/**', '*.config.*'],
    languageOptions: { globals: { ...globals.node } },
  },
  {
    files: ['src-renderer/**', 'test/unit/renderer/**'],
    languageOptions: { globals: { ...globals.browser } },
  },
  {
    files: ['src-shared/**'],
    rules: restrict(
      'src-shared is pure TypeScript: no electron, no node:*, no DOM, nothing from src-main or src-renderer.',
      ['electron', ...nodeBuiltins],
      ['**/src-main/**', '**/src-renderer/**', 'electron/*', 'node:*'],
    ),
  },
  {
    files: ['src-renderer/**'],
    rules: restrict(
      'The renderer reaches main only through the api client: no electron, no node:*, nothing from src-main.',
      ['electron', ...nodeBuiltins],
      ['**/src-main/**', 'electron/*', 'node:*'],
    ),
  },
  {
    files: ['src-main/**'],
    ignores: ['src-main/app/**', 'src-main/preload/**'],
    rules: restrict(
      'Only src-main/app and src-main/preload may import electron; src-main never imports src-renderer.',
      ['electron'],
      ['**/src-renderer/**', 'electron/*'],
    ),
  },
  {
    files: ['src-main/app/**', 'src-main/preload/**'],
    rules: restrict('src-main never imports src-renderer.', [], ['**/src-renderer/**']),
  },
);
