/**
 * Tests are transpiled, not type-checked, by ts-jest (`isolatedModules`): type-checking
 * is one `tsc --noEmit` run in `npm test`, which is far cheaper than a TypeScript program
 * per test file. See README "Toolchain".
 */
/** @type {import('jest').Config} */
module.exports = {
  testEnvironment: "node",
  roots: ["<rootDir>/test"],
  testMatch: ["**/*.test.ts"],
  transform: {
    "^.+\\.ts$": ["ts-jest", { diagnostics: false }],
  },
};
