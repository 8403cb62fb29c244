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
/** examples/<shape>/: one small environment per deployment shape. */
export const SCENARIO_DIR = path.join(__dirname, "..", "..", "examples");
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
            .filter((file) => file.endsWith(".json"))
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

/** The deployment-shape examples (examples/<shape>/), by shape name. */
export function scenarioNames(): string[] {
  return fs
    .readdirSync(SCENARIO_DIR, { withFileTypes: true })
    .filter((entry) => entry.isDirectory())
    .map((entry) => entry.name)
    .sort();
}

export function scenarioEnvironments(shape: string): EnvironmentSpec[] {
  return loadEnvironments(path.join(SCENARIO_DIR, shape));
}

/** Synthesized JSON of every deployment-shape example stack, keyed "<shape>/<stack id>". */
export function synthScenarioStacks(): Record<string, Synthesized> {
  const shared = process.env[EXAMPLE_STACKS_DIR_VARIABLE];
  const dir = shared && path.join(shared, "scenarios");
  const json =
    dir && fs.existsSync(dir)
      ? Object.fromEntries(
          fs
            .readdirSync(dir)
            .sort()
            .map((file) => [file.replace(/\.json$/, "").replace("__", "/"), JSON.parse(fs.readFileSync(path.join(dir, file), "utf8"))]),
        )
      : synthesizeScenarioStacks();
  return Object.fromEntries(Object.entries(json).map(([id, stack]) => [id, wrap(stack)]));
}

export function synthesizeScenarioStacks(): Record<string, any> {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { synthesizeStackJson } = require("../../stacks/synthesize") as typeof import("../../stacks/synthesize");
  return Object.fromEntries(
    scenarioNames().flatMap((shape) => Object.entries(synthesizeStackJson(scenarioEnvironments(shape))).map(([id, json]) => [`${shape}/${id}`, json])),
  );
}
