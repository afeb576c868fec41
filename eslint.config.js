// ESLint (flat config) with typescript-eslint; formatting is Prettier's (.prettierrc.json), so no
// stylistic rules here. src/ is linted with type information (tsconfig.json, about one more tsc
// run); test/ and the JavaScript of bench/ and bin/ without it: on the tests the type-aware rules
// mostly flag JSON.parse results that the assertions then check, at twice the time.
import js from '@eslint/js';
import globals from 'globals';
import tseslint from 'typescript-eslint';

/** `_name` marks a value taken apart on purpose and dropped (`const { a: _a, ...rest } = x`). */
const UNUSED = { varsIgnorePattern: '^_', argsIgnorePattern: '^_', ignoreRestSiblings: true };

export default tseslint.config(
  { ignores: ['dist/', 'coverage/', 'python/', 'fixtures/'] },
  { linterOptions: { reportUnusedDisableDirectives: 'error' } },
  js.configs.recommended,
  {
    files: ['**/*.ts'],
    extends: [tseslint.configs.recommended],
    rules: { '@typescript-eslint/no-unused-vars': ['error', UNUSED] },
  },
  {
    files: ['src/**/*.ts'],
    extends: [tseslint.configs.recommendedTypeChecked],
    languageOptions: { parserOptions: { project: './tsconfig.json', tsconfigRootDir: import.meta.dirname } },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', UNUSED],
      // The code writes `!` after indexed access (regex groups, array elements) on purpose, as it
      // would under noUncheckedIndexedAccess: it marks where a value is known to be there. With
      // that option off, the rule calls every one of them (317) unnecessary.
      '@typescript-eslint/no-unnecessary-type-assertion': 'off',
      // Service handlers and SDK-shaped methods are async by contract (callers await them), and
      // an async function turns a synchronous throw into a rejection, which is what the callers
      // handle; 28 such functions have no await of their own.
      '@typescript-eslint/require-await': 'off',
      // `'SingleModel' | 'MultiModel' | string` names the known values of an open AWS field.
      '@typescript-eslint/no-redundant-type-constituents': 'off',
      // A caught error is passed on as it was caught, whatever it is.
      '@typescript-eslint/only-throw-error': ['error', { allowThrowingUnknown: true }],
      '@typescript-eslint/prefer-promise-reject-errors': ['error', { allowThrowingUnknown: true }],
    },
  },
  {
    // Every control character in these regexes is meant: ANSI colour escapes (\x1b[…m) that the
    // terminal output and its tests match, and the characters configuration values may not hold.
    rules: { 'no-control-regex': 'off' },
  },
  {
    files: ['test/**/*.ts'],
    // Fakes of SDK clients take and return commands of any shape.
    rules: { '@typescript-eslint/no-explicit-any': 'off' },
  },
  {
    files: ['**/*.js'],
    languageOptions: { globals: globals.node },
    rules: { 'no-unused-vars': ['error', UNUSED] },
  },
);
