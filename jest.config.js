/** @type {import('jest').Config} */
module.exports = {
  testEnvironment: 'node',
  roots: ['<rootDir>/test'],
  testMatch: ['**/*.test.ts'],
  transform: { '^.+\\.ts$': ['ts-jest', { tsconfig: 'tsconfig.json', diagnostics: false }] },
  testTimeout: 60000,
  // The package's own entry points, as user code and examples import them.
  moduleNameMapper: {
    '^cdk-durable-function$': '<rootDir>/lib/index.ts',
    '^cdk-durable-function/runtime$': '<rootDir>/runtime/index.ts',
    '^cdk-durable-function/local$': '<rootDir>/local/index.ts',
    '^cdk-durable-function/testing$': '<rootDir>/local/testing/index.ts',
  },
  reporters: ['default', '<rootDir>/test/support/summary-reporter.js'],
};
