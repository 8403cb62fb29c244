/** Builds the stacks of the shipped example environments (config/) once per test file. */
import * as path from "path";
import { Testing } from "cdktf";
import { addEnvironmentStacks } from "../../stacks/app";
import { loadEnvironments } from "../../spec/load";
import { EnvironmentSpec } from "../../spec/schema";
import { Synthesized, wrap } from "./synth";

export const EXAMPLE_CONFIG_DIR = path.join(__dirname, "..", "..", "config");

export function exampleEnvironments(): EnvironmentSpec[] {
  return loadEnvironments(EXAMPLE_CONFIG_DIR);
}

/** Synthesized JSON of every example stack, keyed by stack id (e.g. "aws-prod"). */
export function synthExampleStacks(environments = exampleEnvironments()): Record<string, Synthesized> {
  const app = Testing.app();
  const ids = addEnvironmentStacks(app, environments);
  return Object.fromEntries(
    ids.map((id) => [id, wrap(JSON.parse(Testing.synth(app.node.findChild(id) as any)))]),
  );
}
