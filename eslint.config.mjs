// House rules held by a tool: typescript-eslint with type information, so a switch
// over a union (a claim status, an event type) that forgets a member fails the lint,
// and `any` cannot creep in. Formatting is Prettier's job (.prettierrc.json), not ESLint's.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  {
    ignores: [
      'node_modules/',
      'dist/',
      'build/',
      '.data/',
      'coverage/',
      'test/e2e/.playwright/',
      '**/*.js',
      '**/*.mjs',
      '**/*.cjs',
    ],
  },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    files: ['**/*.ts'],
    languageOptions: {
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
    },
    rules: {
      '@typescript-eslint/no-explicit-any': 'error',
      // A switch over a union names every member; `default:` does not count as naming them,
      // so a new status or event fails here instead of silently taking the default branch.
      '@typescript-eslint/switch-exhaustiveness-check': [
        'error',
        {
          considerDefaultExhaustiveForUnions: false,
          allowDefaultCaseForExhaustiveSwitch: false,
          requireDefaultForNonUnion: false,
        },
      ],
      // `_name` marks a value left out on purpose (a rest copy without some fields, an unused parameter).
      '@typescript-eslint/no-unused-vars': [
        'error',
        {
          argsIgnorePattern: '^_',
          varsIgnorePattern: '^_',
          destructuredArrayIgnorePattern: '^_',
          caughtErrors: 'none',
          ignoreRestSiblings: true,
        },
      ],
      // Control characters are matched on purpose: input validation and XML-safe text strip them.
      'no-control-regex': 'off',
    },
  },
  {
    // Tests and the bench load modules lazily (a child process's own entry, a fresh copy of a module).
    files: ['test/**/*.ts', 'bench/**/*.ts'],
    rules: {
      '@typescript-eslint/no-require-imports': 'off',
      // Expected texts are written as they read, two spaces included.
      'no-regex-spaces': 'off',
    },
  },
);
