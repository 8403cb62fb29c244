/**
 * The stacks of the shipped example environments (config/). They are synthesized once per jest
 * run by test/support/global-setup.ts and shared with every test file through a temporary
 * directory; a file run on its own without that setup synthesizes them itself.
 */
import * as fs from "fs";
import * as path from "path";
import { loadEnvironments } from "../../environment/load";
import { EnvironmentSpec } from "../../environment/schema";
import { Synthesized, wrap } from "./synth";

export const EXAMPLE_CONFIG_DIR = path.join(__dirname, "..", "..", "config");
export const EXAMPLE_STACKS_DIR_VARIABLE = "EXAMPLE_STACKS_DIR";

export function exampleEnvironments(): EnvironmentSpec[] {
  return loadEnvironments(EXAMPLE_CONFIG_DIR);
}

/** Synthesized JSON of every example stack, keyed by stack id (e.g. "aws-prod"). */
export function synthExampleStacks(): Record<string, Synthesized> {
  const shared = process.env[EXAMPLE_STACKS_DIR_VARIABLE];
  const json =
    shared && fs.existsSync(shared)
      ? Object.fromEntries(
          fs
            .readdirSync(shared)
            .sort()
            .map((file) => [file.replace(/\.json$/, ""), JSON.parse(fs.readFileSync(path.join(shared, file), "utf8"))]),
        )
      : synthesizeExampleStacks();
  return Object.fromEntries(Object.entries(json).map(([id, stack]) => [id, wrap(stack)]));
}

/** Synthesizes the example stacks in this process (in the order the app adds them). */
export function synthesizeExampleStacks(): Record<string, any> {
  // Loaded lazily: a test file that reads the shared JSON never pays for cdktf and the providers.
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { synthesizeStackJson } = require("../../stacks/synthesize") as typeof import("../../stacks/synthesize");
  return synthesizeStackJson(exampleEnvironments());
}
