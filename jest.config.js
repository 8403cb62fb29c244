/**
 * Tests are transpiled, not type-checked (esbuild, see test/support/esbuild-jest-transform.js):
 * type-checking is one `tsc --noEmit` run in `npm test`, far cheaper than a TypeScript
 * program per test file. See README "Toolchain decisions".
 */
/** @type {import('jest').Config} */
module.exports = {
  testEnvironment: "node",
  // jest's default is one worker fewer than the cores: on the 2-core CI machines that is a
  // single worker and a serial run (68 s). The offline terraform plan mostly waits on the
  // provider process, so one worker per core halves the wall time.
  maxWorkers: "100%",
  roots: ["<rootDir>/test"],
  // The example stacks are synthesized once and shared by every test file that reads them.
  globalSetup: "<rootDir>/test/support/global-setup.ts",
  globalTeardown: "<rootDir>/test/support/global-teardown.ts",
  testMatch: ["**/*.test.ts"],
  // Seconds per test, so their own suites with their own budgets, run by .ci/run after this one:
  // offline terraform plans and day-2 transitions (test/slow/, `npm run test:slow`), programs run
  // as child processes (*.e2e.test.ts beside the unit tests of the same code, `npm run test:e2e`).
  testPathIgnorePatterns: ["/node_modules/", "<rootDir>/test/slow/", "\\.e2e\\.test\\.ts$"],
  transform: {
    "^.+\\.ts$": "<rootDir>/test/support/esbuild-jest-transform.js",
  },
};
