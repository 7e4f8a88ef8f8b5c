// Nest 12 ships as ES modules; Jest's CommonJS runtime needs them transformed.
const swc = [
  '@swc/jest',
  {
    jsc: {
      parser: { syntax: 'typescript', decorators: true },
      transform: { legacyDecorator: true, decoratorMetadata: true },
      target: 'es2022',
    },
    module: { type: 'commonjs' },
    sourceMaps: 'inline',
  },
];
const esmPackages = ['@nestjs', 'file-type', 'load-esm', 'uid', 'strtok3', 'token-types', 'peek-readable', '@tokenizer'];
const shared = {
  testEnvironment: 'node',
  transform: { '^.+\\.(t|j)s$': swc },
  transformIgnorePatterns: [`/node_modules/(?!(${esmPackages.join('|')})/)`],
  setupFilesAfterEnv: ['<rootDir>/test/support/persistent-equality.ts'],
};

/** Specs that start real servers: a longer default timeout (see the file). */
const serverSpecs = { setupFilesAfterEnv: [...shared.setupFilesAfterEnv, '<rootDir>/test/support/server-spec-timeout.ts'] };

/**
 * `npm test`: unit, e2e and browser specs. `npm run test:cluster`: the specs that need the local
 * PostgreSQL and Redis.
 */
/** @type {import('jest').Config} */
module.exports = {
  coverageDirectory: 'coverage',
  collectCoverageFrom: ['src/**/*.ts', '!src/**/*.spec.ts', '!src/**/*.pg-spec.ts', '!src/**/*.contract.ts', '!src/main.ts'],
  coverageReporters: ['text-summary', 'lcov'],
  projects: [
    {
      ...shared,
      displayName: 'unit',
      testMatch: ['<rootDir>/src/**/*.spec.ts', '<rootDir>/test/*.spec.ts'],
    },
    { ...shared, ...serverSpecs, displayName: 'e2e', testMatch: ['<rootDir>/test/e2e/**/*.e2e-spec.ts'] },
    { ...shared, displayName: 'browser', testMatch: ['<rootDir>/test/browser/**/*.browser-spec.ts'] },
    {
      ...shared,
      ...serverSpecs,
      displayName: 'cluster',
      testMatch: ['<rootDir>/test/cluster/**/*.cluster-spec.ts', '<rootDir>/src/**/*.pg-spec.ts'],
    },
  ],
};
