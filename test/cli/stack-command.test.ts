/**
 * `npm run diff|deploy|destroy -- <stack|environment>`: which stacks a name means, what cdktf is
 * asked to do for each, and when it stops. cdktf itself is replaced: no real plan or deploy runs.
 */
import { CliIo } from "../../lib/cli-io";
import { parseStackCommand, runOnStacks, StackCommand } from "../../cli/stack-command";
import { environmentOf, resolveStacks, resourceCount, stackLines } from "../../cli/stacks";

const STACKS = ["aws-dev", "aws-prod", "gcp-dev", "gcp-prod", "aws-eu-prod"];

function capture(): CliIo & { out: string[]; err: string[] } {
  const out: string[] = [];
  const err: string[] = [];
  return { out, err, stdout: (text) => out.push(text), stderr: (text) => err.push(text) };
}

test("an environment means every stack of it, in manifest order; a stack id means that stack", () => {
  expect(resolveStacks("dev", STACKS)).toEqual({ stacks: ["aws-dev", "gcp-dev"] });
  expect(resolveStacks("prod", STACKS)).toEqual({ stacks: ["aws-prod", "gcp-prod"] });
  expect(resolveStacks("gcp-prod", STACKS)).toEqual({ stacks: ["gcp-prod"] });
  // The environment is everything after the cloud, dashes included.
  expect(environmentOf("aws-eu-prod")).toBe("eu-prod");
  expect(resolveStacks("eu-prod", STACKS)).toEqual({ stacks: ["aws-eu-prod"] });
});

test("an unknown name is one line listing the valid stacks and environments", () => {
  expect(resolveStacks("staging", STACKS)).toEqual({
    problem: "unknown stack or environment 'staging': stacks: aws-dev, aws-prod, gcp-dev, gcp-prod, aws-eu-prod; environments: dev, prod, eu-prod",
  });
  expect(resolveStacks("aws", STACKS)).toHaveProperty("problem");
  expect(resolveStacks("dev", [])).toEqual({ problem: "unknown stack or environment 'dev': no stacks were synthesized (is config/ empty?)" });
});

test("the name comes first; everything after it goes to cdktf untouched", () => {
  expect(parseStackCommand(["deploy", "aws-dev", "--auto-approve"])).toEqual({ command: "deploy", name: "aws-dev", passThrough: ["--auto-approve"] });
  expect(parseStackCommand(["diff", "dev", "--var", "x=1"])).toEqual({ command: "diff", name: "dev", passThrough: ["--var", "x=1"] });
  expect(parseStackCommand(["deploy", "--auto-approve", "aws-dev"])).toEqual({ problem: expect.stringMatching(/^name a stack or an environment first\nusage: npm run deploy -- <stack\|environment>/) });
  expect(parseStackCommand(["destroy"])).toHaveProperty("problem");
  expect(parseStackCommand(["apply", "aws-dev"])).toEqual({ problem: "the command must be one of diff, deploy, destroy, not 'apply'" });
});

function runWith(command: StackCommand, stacks: string[], exitCodes: Record<string, number> = {}, passThrough: string[] = []) {
  const io = capture();
  const calls: string[][] = [];
  const env: NodeJS.ProcessEnv = { CHECKPOINT_DISABLE: "1" };
  const status = runOnStacks({ command, stacks, passThrough, outdir: "cdktf.out", terraformVersion: "1.11.4" }, io, env, (args, given) => {
    expect(given).toBe(env);
    calls.push(args);
    return exitCodes[args[1]] ?? 0;
  });
  return { status, calls, io };
}

test("each stack gets its own cdktf run on the synthesized output, with the user's options and nothing added", () => {
  const { status, calls, io } = runWith("destroy", ["aws-dev", "gcp-dev"]);
  expect(status).toBe(0);
  expect(calls).toEqual([
    ["destroy", "aws-dev", "--skip-synth", "--output", "cdktf.out"],
    ["destroy", "gcp-dev", "--skip-synth", "--output", "cdktf.out"],
  ]);
  expect(calls.flat()).not.toContain("--auto-approve");
  expect(io.out).toEqual(["destroy aws-dev (terraform 1.11.4)", "destroy gcp-dev (terraform 1.11.4)"]);
  expect(runWith("deploy", ["aws-dev"], {}, ["--auto-approve"]).calls).toEqual([["deploy", "aws-dev", "--skip-synth", "--output", "cdktf.out", "--auto-approve"]]);
});

test("deploy stops at the first failing stack and says which were not run; diff goes on; the exit code is the failure's", () => {
  const deploy = runWith("deploy", ["aws-dev", "gcp-dev"], { "aws-dev": 1 });
  expect(deploy.status).toBe(1);
  expect(deploy.calls.map((call) => call[1])).toEqual(["aws-dev"]);
  expect(deploy.io.err).toEqual(["deploy: cdktf deploy aws-dev exited 1", "deploy: not run for gcp-dev"]);

  const diff = runWith("diff", ["aws-dev", "gcp-dev"], { "aws-dev": 2 });
  expect(diff.status).toBe(2);
  expect(diff.calls.map((call) => call[1])).toEqual(["aws-dev", "gcp-dev"]);
  expect(diff.io.err).toEqual(["diff: cdktf diff aws-dev exited 2"]);
});

test("resources are counted per name under `resource`, data sources aside; lines align and read as English", () => {
  const json = { resource: { aws_vpc: { vpc: {} }, aws_subnet: { a: {}, b: {} } }, data: { aws_ami: { ami: {} } } };
  expect(resourceCount(json)).toBe(3);
  expect(resourceCount({})).toBe(0);
  expect(
    stackLines(
      [
        { id: "aws-dev", file: "/repo/cdktf.out/stacks/aws-dev/cdk.tf.json", resources: 95 },
        { id: "gcp-prod", file: "/repo/cdktf.out/stacks/gcp-prod/cdk.tf.json", resources: 1 },
      ],
      "/repo",
    ),
  ).toEqual(["aws-dev   cdktf.out/stacks/aws-dev/cdk.tf.json   95 resources", "gcp-prod  cdktf.out/stacks/gcp-prod/cdk.tf.json  1 resource"]);
  expect(stackLines([{ id: "aws-dev", file: "/elsewhere/stacks/aws-dev/cdk.tf.json", resources: 2 }], "/repo")).toEqual(["aws-dev  /elsewhere/stacks/aws-dev/cdk.tf.json  2 resources"]);
});
