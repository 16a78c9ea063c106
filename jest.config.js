// One jest run for the whole workspace: Kafka is started once (globalSetup) for every suite.
// Test level is in the file name: *.unit.spec.ts, *.int.spec.ts, *.e2e.spec.ts.
const transform = { '^.+\\.(t|j)sx?$': ['@swc/jest', { jsc: { parser: { syntax: 'typescript', decorators: true }, transform: { legacyDecorator: true, decoratorMetadata: true }, target: 'es2022' } }] };
// Libraries are mapped to their source; the other packages (services, gateway, platform) resolve through their
// workspace link in node_modules and their package.json `main`.
const libs = require('node:fs').readdirSync(require('node:path').join(__dirname, 'libs')).join('|');
const moduleNameMapper = {
  [`^@sluice/(${libs})$`]: '<rootDir>/libs/$1/src/index.ts',
  // Test helpers a library offers other packages' tests, kept out of its runtime entry point.
  [`^@sluice/(${libs})/testing$`]: '<rootDir>/libs/$1/src/testing/index.ts',
  // Test pipelines and git repositories, kept out of @sluice/testing's entry point (no pg or kafkajs to load).
  '^@sluice/testing/fixtures$': '<rootDir>/libs/testing/src/fixtures/index.ts',
  // The same for the gateway's and the platform's test helpers.
  '^@sluice/(gateway|platform)/testing$': '<rootDir>/$1/src/testing/index.ts',
  // The browser-safe entry of @sluice/domain, which the dashboard bundles.
  '^@sluice/([a-z-]+)/browser$': '<rootDir>/libs/$1/src/browser.ts',
  // The part of @sluice/graphql-service that loads nothing of Nest (ESM-only, so never loaded by jest).
  '^@sluice/graphql-service/caller$': '<rootDir>/libs/graphql-service/src/caller.ts',
  '^@sluice/graphql-service/schema$': '<rootDir>/libs/graphql-service/src/schema.ts',
};
const common = { rootDir: __dirname, transform, moduleNameMapper, testEnvironment: 'node', testPathIgnorePatterns: ['/node_modules/', '/dist/'] };
module.exports = {
  // testTimeout is a global option in jest 30 (ignored per project): integration suites need minutes.
  testTimeout: 120000,
  globalSetup: '<rootDir>/libs/testing/src/jest/global-setup.ts',
  // Longest suites first, from the durations of a recorded run (a clean clone has no cache of its own).
  testSequencer: '<rootDir>/libs/testing/src/jest/sequencer.cjs',
  globalTeardown: '<rootDir>/libs/testing/src/jest/global-teardown.ts',
  projects: [
    { ...common, displayName: 'unit', testMatch: ['<rootDir>/**/*.unit.spec.ts'] },
    { ...common, displayName: 'int', testMatch: ['<rootDir>/**/*.int.spec.ts'] },
    { ...common, displayName: 'e2e', testMatch: ['<rootDir>/**/*.e2e.spec.ts'] },
  ],
};
