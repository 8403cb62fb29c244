/**
 * The slow suite (test/slow/): offline `terraform plan` of every AWS stack (examples and config/)
 * against the mirrored provider, and day-2 transitions on both clouds. Same transform and shared
 * example stacks as the main suite (jest.config.js).
 */
const main = require("./jest.config.js");

/** @type {import('jest').Config} */
module.exports = {
  ...main,
  roots: ["<rootDir>/test/slow"],
  testPathIgnorePatterns: ["/node_modules/"],
};
