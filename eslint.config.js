import js from '@eslint/js';
import { fileURLToPath } from 'node:url';
import tseslint from 'typescript-eslint';
import layers from './infra/lint/layers.js';

const root = fileURLToPath(new URL('.', import.meta.url));

export default tseslint.config(
  // test/fixtures/layering/ breaks the layers on purpose (test/unit/layering.test.ts).
  { ignores: ['node_modules/', 'dist/', 'data/', 'test/fixtures/layering/'] },
  js.configs.recommended,
  ...tseslint.configs.strict,
  {
    files: ['**/*.ts', '**/*.tsx'],
    rules: {
      '@typescript-eslint/no-explicit-any': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_' }],
      // Room state is plain JSON (it crosses Redis): records keyed by peer id.
      '@typescript-eslint/no-dynamic-delete': 'off',
    },
  },
  {
    // What may import what: contracts.md "Layers", on resolved paths.
    files: ['**/*.ts', '**/*.tsx'],
    plugins: { 'veche-layers': layers },
    rules: { 'veche-layers/imports': ['error', { root }] },
  },
  {
    // Tests index into results they have just asserted on.
    files: ['test/**/*.ts'],
    rules: { '@typescript-eslint/no-non-null-assertion': 'off' },
  },
  {
    files: ['**/*.mjs', '**/*.js'],
    languageOptions: { globals: { process: 'readonly', console: 'readonly', URL: 'readonly' } },
  },
);
