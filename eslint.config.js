// @ts-check
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

// The core must stay pure (DESIGN.md): no I/O, no clock, no randomness, no telemetry libraries.
// Telemetry reaches it only through the small interfaces in src/core/telemetry.ts.
const impureModules = [
  'fs',
  'node:fs',
  'fs/promises',
  'node:fs/promises',
  'net',
  'node:net',
  'http',
  'node:http',
  'https',
  'node:https',
  'dgram',
  'node:dgram',
  'child_process',
  'node:child_process',
  'timers',
  'node:timers',
  'timers/promises',
  'node:timers/promises',
  'worker_threads',
  'node:worker_threads',
  'kafkajs',
  'prom-client',
  'pino',
  '@opentelemetry/api',
  'readline',
  'node:readline',
  'zlib',
  'node:zlib',
  'process',
  'node:process',
];

export default tseslint.config(
  { ignores: ['dist/**', 'node_modules/**', 'coverage/**', 'fixtures/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { globals: { console: 'readonly', process: 'readonly', URL: 'readonly' } },
    rules: {
      '@typescript-eslint/consistent-type-imports': ['error', { fixStyle: 'inline-type-imports' }],
      // `import { type X }` alone still loads X's module under verbatimModuleSyntax: a start-up cost
      // and, once, an import cycle (detector.ts -> engine-settings.ts); `import type` loads nothing.
      '@typescript-eslint/no-import-type-side-effects': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      'no-restricted-syntax': [
        'error',
        { selector: 'TSEnumDeclaration', message: 'Use an `as const` object instead of enum.' },
        { selector: 'ThrowStatement > Literal', message: 'Throw an error class with a stable code, not a string.' },
      ],
    },
  },
  {
    files: ['src/core/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        { paths: impureModules.map((name) => ({ name, message: 'src/core is pure: no I/O, clocks or telemetry libraries (DESIGN.md).' })) },
      ],
      'no-restricted-globals': [
        'error',
        { name: 'setTimeout', message: 'src/core is driven by event time only.' },
        { name: 'setInterval', message: 'src/core is driven by event time only.' },
        { name: 'setImmediate', message: 'src/core is driven by event time only.' },
        { name: 'process', message: 'src/core must not read the environment.' },
        { name: 'fetch', message: 'src/core does no I/O.' },
        { name: 'console', message: 'src/core logs through the Logger interface.' },
      ],
      'no-restricted-properties': [
        'error',
        { object: 'Date', property: 'now', message: 'src/core is driven by event time, not the wall clock.' },
        { object: 'Math', property: 'random', message: 'src/core is deterministic.' },
        { object: 'performance', property: 'now', message: 'src/core is driven by event time.' },
      ],
      'no-restricted-syntax': [
        'error',
        { selector: 'TSEnumDeclaration', message: 'Use an `as const` object instead of enum.' },
        { selector: 'NewExpression[callee.name="Date"][arguments.length=0]', message: 'new Date() reads the wall clock; src/core is driven by event time.' },
      ],
    },
  },
);
