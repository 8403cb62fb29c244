/**
 * Builds the cdktf app: one stack per environment file and cloud section, id `<cloud>-<env>`.
 * Everything is validated before a single file is written, so a bad config leaves
 * cdktf.out untouched.
 */
import * as fs from "fs";
import { App } from "cdktf";
import { Construct } from "constructs";
import { ConfigError, loadEnvironments } from "../spec/load";
import { Cloud, EnvironmentSpec } from "../spec/schema";
import { AwsWebStack } from "./aws-stack";
import { GcpWebStack } from "./gcp-stack";

type StackFactory = (scope: Construct, id: string, environment: EnvironmentSpec) => Construct;

const STACKS_BY_CLOUD: Record<Cloud, StackFactory> = {
  aws: (scope, id, environment) => new AwsWebStack(scope, id, environment),
  gcp: (scope, id, environment) => new GcpWebStack(scope, id, environment),
};

export function stackId(cloud: Cloud, environment: string): string {
  return `${cloud}-${environment}`;
}

/** Adds every (environment × cloud section) stack to the app; returns their ids. */
export function addEnvironmentStacks(app: App, environments: EnvironmentSpec[]): string[] {
  const ids: string[] = [];
  for (const environment of environments) {
    for (const cloud of Object.keys(STACKS_BY_CLOUD) as Cloud[]) {
      if (!environment[cloud]) continue;
      const id = stackId(cloud, environment.name);
      try {
        STACKS_BY_CLOUD[cloud](app, id, environment);
      } catch (error) {
        // Construct validation failures become config errors that name the file.
        throw new ConfigError([`${environment.file}: ${(error as Error).message}`]);
      }
      ids.push(id);
    }
  }
  return ids;
}

/**
 * The program behind `cdktf synth`: load config, build stacks, write the output directory.
 * Synthesis goes to a staging directory that replaces the output only on success, so a
 * failure never leaves half-written stacks. Problems are printed one per line to stderr
 * (no stack trace) and the exit code is 1.
 */
export function main(configDir: string, outdir = process.env.CDKTF_OUTDIR ?? "cdktf.out"): void {
  const staging = `${outdir.replace(/\/+$/, "")}.staging-${process.pid}`;
  try {
    const environments = loadEnvironments(configDir);
    const app = new App({ outdir: staging, stackTraces: false });
    addEnvironmentStacks(app, environments);
    app.synth();
    fs.rmSync(outdir, { recursive: true, force: true });
    fs.renameSync(staging, outdir);
  } catch (error) {
    fs.rmSync(staging, { recursive: true, force: true });
    const lines = error instanceof ConfigError ? error.lines : [(error as Error).message];
    process.stderr.write(`${lines.join("\n")}\n${lines.length} problem(s); nothing was synthesized.\n`);
    process.exitCode = 1;
  }
}
