/**
 * The end-to-end suite: every program run as a child process, as users and the workflows run it
 * (*.e2e.test.ts, beside the unit tests of the same code: the app with its bundle rebuild and
 * type-check, the npm run CLIs, the CI scripts, Mermaid's parser, terraform apply of the template
 * escaping). Same transform and shared example stacks as the main suite (jest.config.js).
 */
const main = require("./jest.config.js");

/** @type {import('jest').Config} */
module.exports = {
  ...main,
  testMatch: ["<rootDir>/test/**/*.e2e.test.ts"],
  testPathIgnorePatterns: ["/node_modules/", "<rootDir>/test/slow/"],
};
