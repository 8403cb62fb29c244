/**
 * Builds the cdktf app: one stack per environment file and cloud section, id `<cloud>-<env>`.
 * Everything is validated before a single file is written, so a bad config leaves
 * cdktf.out untouched.
 */
import * as fs from "fs";
import * as path from "path";
import { App } from "cdktf";
import { Construct } from "constructs";
import { formatPolicyReport } from "../policy/report";
import { ConfigError, PropsError } from "../lib/errors";
import { loadEnvironments } from "../environment/load";
import { CLOUDS, Cloud, EnvironmentSpec } from "../environment/schema";
import { AwsWebStack } from "./aws/stack";
import { GcpWebStack } from "./gcp/stack";
import { stackId } from "../lib/naming";
import { counted } from "../lib/text";
import { processIo } from "../lib/cli-io";

type StackFactory = (scope: Construct, id: string, environment: EnvironmentSpec) => Construct;

const STACKS_BY_CLOUD: Record<Cloud, StackFactory> = {
  aws: (scope, id, environment) => new AwsWebStack(scope, id, environment),
  gcp: (scope, id, environment) => new GcpWebStack(scope, id, environment),
};

export { stackId };

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
        // Props a construct refuses came from this file. Anything else is a bug: let it through.
        if (error instanceof PropsError) throw new ConfigError([`${environment.file}: ${error.message}`]);
        throw error;
      }
      ids.push(id);
    }
  }
  return ids;
}

/**
 * Prints each stack's policy report; throws (so nothing is written) when a production stack has
 * an unsuppressed high finding. Each blocking finding is one line naming the file, rule,
 * resource and fix.
 */
export function enforcePolicy(app: App, environments: EnvironmentSpec[], print: (text: string) => void = processIo.stdout): void {
  const blocking: string[] = [];
  for (const stack of app.node.children) {
    if (!(stack instanceof AwsWebStack || stack instanceof GcpWebStack)) continue;
    const id = stack.node.id;
    const { policy } = stack;
    print(formatPolicyReport(id, policy.findings(), { unusedSuppressions: policy.unusedSuppressions() }));
    const owner = environments.find((environment) => CLOUDS.some((cloud) => stackId(cloud, environment.name) === id));
    const file = owner?.file ?? id;
    for (const finding of policy.blocking()) {
      blocking.push(`${file}: policy ${finding.rule} on ${id}/${finding.resource}: ${finding.detail} (fix: ${finding.fix}; or suppress it under policy.suppressions with a reason)`);
    }
  }
  if (blocking.length > 0) throw new ConfigError(blocking);
}

/**
 * Moves freshly synthesized files over the output directory, replacing only what synthesis
 * generates (manifest.json, stacks/<id>/cdk.tf.json, …): what Terraform keeps next to them
 * (.terraform/, .terraform.lock.hcl, saved plans) survives, as it does with cdktf's own synth.
 */
function publish(staging: string, outdir: string): void {
  const replace = (from: string, to: string) => {
    fs.rmSync(to, { recursive: true, force: true });
    fs.renameSync(from, to);
  };
  fs.mkdirSync(path.join(outdir, "stacks"), { recursive: true });
  for (const entry of fs.readdirSync(staging)) {
    if (entry !== "stacks") replace(path.join(staging, entry), path.join(outdir, entry));
  }
  for (const id of fs.readdirSync(path.join(staging, "stacks"))) {
    const target = path.join(outdir, "stacks", id);
    fs.mkdirSync(target, { recursive: true });
    for (const file of fs.readdirSync(path.join(staging, "stacks", id))) {
      replace(path.join(staging, "stacks", id, file), path.join(target, file));
    }
  }
  fs.rmSync(staging, { recursive: true, force: true });
}

/**
 * The program behind `cdktf synth`: load config, build stacks, write the output directory.
 * Synthesis goes to a staging directory that replaces the output only on success, so a
 * failure never leaves half-written stacks. Problems are printed one per line to stderr
 * (no stack trace) and the exit code is 1.
 */
export function main(configDir: string, outdir = process.env.CDKTF_OUTDIR ?? "cdktf.out"): void {
  const staging = `${outdir.replace(/\/+$/, "")}.staging-${process.pid}`;
  // cdktf records a full stack trace for every token it creates, in case it later has to say
  // where a bad one came from; formatting those traces is ~10% of synthesis. This program
  // reports one-line messages and never prints a stack, so formatting is skipped unless
  // INFRA_DEBUG is set.
  const prepareStackTrace = Error.prepareStackTrace;
  if (!process.env.INFRA_DEBUG) Error.prepareStackTrace = () => "";
  try {
    const environments = loadEnvironments(configDir);
    for (const environment of environments) {
      for (const notice of environment.notices) processIo.stderr(`${environment.file}: ${notice}`);
    }
    const app = new App({ outdir: staging, stackTraces: false });
    addEnvironmentStacks(app, environments);
    app.synth();
    enforcePolicy(app, environments);
    publish(staging, outdir);
  } catch (error) {
    fs.rmSync(staging, { recursive: true, force: true });
    process.stderr.write(describeFailure(error));
    process.exitCode = 1;
  } finally {
    Error.prepareStackTrace = prepareStackTrace;
  }
}

/**
 * What the user sees when synthesis fails: config problems one per line; anything else is a bug
 * in this project, said plainly (its stack only with INFRA_DEBUG, which also keeps stacks formatted).
 */
export function describeFailure(error: unknown): string {
  if (error instanceof ConfigError) return `${error.lines.join("\n")}\n${counted(error.lines.length, "problem")}; nothing was synthesized.\n`;
  const message = error instanceof Error ? error.message : String(error);
  const detail = process.env.INFRA_DEBUG && error instanceof Error ? `\n${error.stack}` : " (set INFRA_DEBUG=1 for the stack trace)";
  // Kept whole: a failed construct validation lists one line per construct.
  return `internal error, please report: ${message}${detail}\nnothing was synthesized.\n`;
}
