/** Jest runs TypeScript as native ESM through ts-jest (middy 7 ships ESM only). */
const tsJest = [
  'ts-jest',
  { useESM: true, tsconfig: { isolatedModules: true, verbatimModuleSyntax: false } },
];
const common = {
  extensionsToTreatAsEsm: ['.ts'],
  transform: { '^.+\\.ts$': tsJest },
  // Jest's node environment, which also records what a run shows for the secret exposure check.
  testEnvironment: '<rootDir>/test/helpers/exposure-environment.ts',
  moduleNameMapper: { '^(\\.{1,2}/.*)\\.js$': '$1' },
  setupFiles: ['<rootDir>/test/helpers/env.ts'],
};

export default {
  projects: [
    { ...common, displayName: 'unit', testMatch: ['<rootDir>/test/unit/**/*.test.ts'] },
    {
      ...common,
      displayName: 'integration',
      testMatch: ['<rootDir>/test/integration/**/*.test.ts'],
      setupFilesAfterEnv: [
        '<rootDir>/test/helpers/integration-timeout.ts',
        '<rootDir>/test/helpers/capture-item-writes.ts',
      ],
      globalSetup: '<rootDir>/test/helpers/global-setup.ts',
      globalTeardown: '<rootDir>/test/helpers/global-teardown.ts',
    },
    { ...common, displayName: 'infra', testMatch: ['<rootDir>/test/infra/**/*.test.ts'] },
    { ...common, displayName: 'e2e', testMatch: ['<rootDir>/test/e2e/**/*.test.ts'] },
  ],
};
