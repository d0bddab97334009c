import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import prettier from 'eslint-config-prettier';
import importX, { createNodeResolver } from 'eslint-plugin-import-x';

/**
 * Import directions (docs/decisions.md, "Dependencies point inward"): handlers → use cases → ports ←
 * adapters and providers. Each zone names the files it applies to (`target`) and what they may not import
 * (`from`); import-x resolves every relative import to its file, so a path cannot sneak round a rule.
 */
const runtimeMayNotImport = ['./lib', './local', './test', './bench', './bin', './ops'].map((from) => ({
  target: './functions',
  from,
  message: 'Runtime code never imports the CDK app, the local run, operator tools, tests or benchmarks.',
}));
const layer = (target, forbidden, message) => forbidden.map((from) => ({ target, from, message }));
const importZones = [
  ...runtimeMayNotImport,
  ...layer(
    './functions/domain',
    [
      './functions/providers',
      './functions/adapters',
      './functions/handlers',
      './functions/shared',
      './functions/schemas',
      './functions/routes.ts',
      './functions/environment.ts',
    ],
    'The domain depends on nothing outside it: ports are its interfaces, adapters and providers implement them.',
  ),
  ...layer(
    './functions/providers',
    ['./functions/adapters', './functions/handlers', './functions/shared', './functions/schemas'],
    'Providers implement the domain provider port; they know the domain and their own HTTP client only.',
  ),
  ...layer(
    './functions/adapters',
    ['./functions/handlers', './functions/schemas'],
    'Adapters implement domain ports; handlers compose them, not the other way round.',
  ),
  ...layer(
    './functions/schemas',
    ['./functions/adapters', './functions/handlers', './functions/shared'],
    'Schemas describe the API and queue contracts; they know the domain and the provider registry only.',
  ),
  ...layer(
    './functions/shared',
    ['./functions/adapters', './functions/handlers', './functions/providers'],
    'Shared helpers (middleware, problems, auth) sit below handlers and know only the domain and the API contract.',
  ),
  {
    target: './lib',
    from: './ops',
    message: 'The CDK app does not import operator tools (ops/ runs against a deployed stage).',
  },
  {
    target: './lib',
    from: './functions',
    except: [
      './domain',
      './providers',
      './routes.ts',
      './environment.ts',
      './adapters/dynamodb/table-definitions.ts',
    ],
    message:
      'The CDK app imports runtime definitions only (domain types, manifests, routes, environment names, tables).',
  },
];

export default tseslint.config(
  { ignores: ['node_modules/', 'cdk.out/', '.cdk/', '.local/', 'coverage/', 'web/dist/', 'test-artefacts/'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  prettier,
  {
    rules: {
      '@typescript-eslint/consistent-type-imports': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      'no-console': 'off',
    },
  },
  {
    files: ['functions/**/*.ts', 'lib/**/*.ts'],
    plugins: { 'import-x': importX },
    settings: { 'import-x/resolver-next': [createNodeResolver({ extensions: ['.ts', '.js', '.json'] })] },
    rules: {
      'import-x/no-restricted-paths': ['error', { basePath: import.meta.dirname, zones: importZones }],
      // An import that does not resolve would slip past the zones above.
      'import-x/no-unresolved': ['error', { ignore: ['^aws-lambda$'] }],
    },
  },
  {
    // The page talks to the API over HTTP: it may import the API's types, never its code.
    files: ['web/src/**/*.ts'],
    rules: {
      '@typescript-eslint/no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              group: ['**/functions/**', '**/lib/**', '**/local/**'],
              allowTypeImports: true,
              message: 'The page imports only the API types (import type): it reaches the API over HTTP.',
            },
          ],
        },
      ],
    },
  },
  {
    // Handlers and domain code must not reach for the AWS SDK: adapters own it.
    files: ['functions/handlers/**/*.ts', 'functions/domain/**/*.ts', 'functions/providers/**/*.ts'],
    rules: {
      'no-restricted-imports': ['error', { patterns: ['@aws-sdk/*'] }],
    },
  },
);
