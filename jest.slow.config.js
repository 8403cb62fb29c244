/**
 * The slow suite: offline `terraform plan` of every AWS stack (examples and config/) against the
 * mirrored provider, day-2 transitions on both clouds (test/slow/), and every program run as a
 * child process (*.e2e.test.ts: the app, the CLIs, the CI scripts, terraform itself). Same
 * transform and shared example stacks as the main suite (jest.config.js).
 */
const main = require("./jest.config.js");

/** @type {import('jest').Config} */
module.exports = {
  ...main,
  testMatch: ["<rootDir>/test/slow/**/*.test.ts", "<rootDir>/test/**/*.e2e.test.ts"],
  testPathIgnorePatterns: ["/node_modules/"],
};
