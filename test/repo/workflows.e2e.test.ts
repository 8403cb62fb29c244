/**
 * The deploy workflow's own shell, run as GitHub runs it (`bash --noprofile --norc -eo pipefail`)
 * on a scratch workspace: the plan leaves the plan job only encrypted, the apply job refuses
 * anything but the bytes the plan job wrote and decrypts exactly the saved plan, and the plan
 * step tells changes from none from errors. test/repo/workflows.test.ts pins the structure.
 */
import { spawnSync } from "child_process";
import * as crypto from "crypto";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { parse } from "yaml";

const ROOT = path.join(__dirname, "..", "..");
const workflow = parse(fs.readFileSync(path.join(ROOT, ".github", "workflows", "deploy-stack.yml"), "utf8"));
type Step = { id?: string; name?: string; run?: string; "working-directory"?: string };
const step = (job: string, find: (step: Step) => boolean): Step => {
  const found = (workflow.jobs[job].steps as Step[]).find(find);
  if (!found?.run) throw new Error(`deploy-stack.yml: no such run step in ${job}`);
  return found;
};
const byName = (job: string, name: string) => step(job, (candidate) => candidate.name === name || candidate.id === name);

const STACK = "aws-dev";
const STACK_DIR = `cdktf.out/stacks/${STACK}`;
const KEY = "test-key-only-in-this-test";

let workspace: string;
beforeEach(() => {
  workspace = fs.mkdtempSync(path.join(os.tmpdir(), "workflow-e2e-"));
  fs.mkdirSync(path.join(workspace, STACK_DIR), { recursive: true });
});
afterEach(() => fs.rmSync(workspace, { recursive: true, force: true }));

/** Runs a step's script like the runner: its working directory, GITHUB_OUTPUT collected. */
function run(target: Step, runner: string, env: Record<string, string> = {}) {
  const runnerTemp = path.join(workspace, runner);
  fs.mkdirSync(runnerTemp, { recursive: true });
  const output = path.join(runnerTemp, "github-output");
  fs.writeFileSync(output, "");
  const directory = (target["working-directory"] ?? ".").replace("${{ env.STACK_DIR }}", STACK_DIR).replace("${{ runner.temp }}", runnerTemp);
  const result = spawnSync("bash", ["--noprofile", "--norc", "-eo", "pipefail", "-c", target.run!], {
    cwd: path.resolve(workspace, directory),
    env: { PATH: process.env.PATH, HOME: os.homedir(), RUNNER_TEMP: runnerTemp, GITHUB_OUTPUT: output, STACK, STACK_DIR, ...env },
    encoding: "utf8",
  });
  const outputs = Object.fromEntries(fs.readFileSync(output, "utf8").split("\n").filter(Boolean).map((line) => line.split("=", 2)));
  return { status: result.status, stdout: result.stdout, stderr: result.stderr, outputs, runnerTemp };
}

test("encrypt on the plan runner, verify and decrypt on the apply runner: the same plan and lock file, never in clear in between", () => {
  const plan = crypto.randomBytes(4096);
  const lock = 'provider "registry.terraform.io/hashicorp/aws" {\n  version = "6.25.0"\n}\n';
  fs.writeFileSync(path.join(workspace, STACK_DIR, "plan.bin"), plan);
  fs.writeFileSync(path.join(workspace, STACK_DIR, ".terraform.lock.hcl"), lock);

  const encrypted = run(byName("plan", "encrypt"), "plan-runner", { PLAN_ENCRYPTION_KEY: KEY });
  expect(encrypted.status).toBe(0);
  expect(encrypted.outputs).toEqual({ plan_sha256: expect.stringMatching(/^[0-9a-f]{64}$/), lock_sha256: expect.stringMatching(/^[0-9a-f]{64}$/) });
  const artifact = path.join(encrypted.runnerTemp, "encrypted-plan");
  expect(fs.readdirSync(artifact).sort()).toEqual(["plan.bin.enc", "terraform.lock.hcl.enc"]);
  expect(fs.readFileSync(path.join(artifact, "terraform.lock.hcl.enc")).includes("hashicorp/aws")).toBe(false);
  expect(fs.readFileSync(path.join(artifact, "plan.bin.enc")).includes(plan.subarray(0, 64))).toBe(false);

  // A fresh runner: the synthesized stack without the plan, the artifact downloaded.
  fs.rmSync(path.join(workspace, STACK_DIR, "plan.bin"));
  fs.rmSync(path.join(workspace, STACK_DIR, ".terraform.lock.hcl"));
  const downloaded = path.join(workspace, "apply-runner", "encrypted-plan");
  fs.mkdirSync(path.dirname(downloaded), { recursive: true });
  fs.cpSync(artifact, downloaded, { recursive: true });
  const digests = { PLAN_SHA256: encrypted.outputs.plan_sha256, LOCK_SHA256: encrypted.outputs.lock_sha256 };
  expect(run(byName("apply", "verify the plan is the one the plan job wrote"), "apply-runner", digests).status).toBe(0);
  const decrypted = run(byName("apply", "decrypt the plan and the lock file"), "apply-runner", { PLAN_ENCRYPTION_KEY: KEY });
  expect([decrypted.status, decrypted.stderr]).toEqual([0, ""]);
  expect(fs.readFileSync(path.join(workspace, STACK_DIR, "plan.bin")).equals(plan)).toBe(true);
  expect(fs.readFileSync(path.join(workspace, STACK_DIR, ".terraform.lock.hcl"), "utf8")).toBe(lock);

  // Another run's plan, or a tampered one, fails the check; a wrong key fails the decryption.
  fs.appendFileSync(path.join(downloaded, "plan.bin.enc"), "x");
  expect(run(byName("apply", "verify the plan is the one the plan job wrote"), "apply-runner", digests).status).not.toBe(0);
  fs.cpSync(artifact, downloaded, { recursive: true });
  expect(run(byName("apply", "decrypt the plan and the lock file"), "apply-runner", { PLAN_ENCRYPTION_KEY: "another key" }).status).not.toBe(0);
});

test("without the key the plan is not encrypted, not uploaded, and the step fails saying where to set it", () => {
  fs.writeFileSync(path.join(workspace, STACK_DIR, "plan.bin"), "plan");
  fs.writeFileSync(path.join(workspace, STACK_DIR, ".terraform.lock.hcl"), "lock");
  const result = run(byName("plan", "encrypt"), "plan-runner", { PLAN_ENCRYPTION_KEY: "" });
  expect(result.status).toBe(1);
  expect(result.stdout).toBe(`::error::PLAN_ENCRYPTION_KEY is not set in the environment ${STACK}-plan (README "Deploying from CI"); the plan is not uploaded unencrypted\n`);
  expect(fs.existsSync(path.join(result.runnerTemp, "encrypted-plan"))).toBe(false);
});

describe("the plan step reads terraform's detailed exit code", () => {
  /** A terraform that succeeds at init and show, and ends plan with `status`. */
  function fakeTerraform(status: number): string {
    const bin = path.join(workspace, "bin");
    fs.mkdirSync(bin, { recursive: true });
    const script = `#!/bin/sh\ncase "$1" in\n  plan) touch plan.bin; exit ${status} ;;\n  show) echo '{"format_version":"1.2"}' ;;\nesac\n`;
    fs.writeFileSync(path.join(bin, "terraform"), script, { mode: 0o755 });
    return `${bin}:${process.env.PATH}`;
  }

  test.each([
    [0, { changes: "false" }],
    [2, { changes: "true" }],
  ])("plan exit %i: %j, and the plan JSON in the runner's temp directory", (status, outputs) => {
    const result = run(byName("plan", "plan"), "plan-runner", { PATH: fakeTerraform(status) });
    expect([result.status, result.outputs]).toEqual([0, outputs]);
    expect(fs.readFileSync(path.join(result.runnerTemp, `${STACK}.plan.json`), "utf8")).toBe('{"format_version":"1.2"}\n');
  });

  test("plan exit 1 fails the step before anything is shown or written", () => {
    const result = run(byName("plan", "plan"), "plan-runner", { PATH: fakeTerraform(1) });
    expect([result.status, result.outputs]).toEqual([1, {}]);
    expect(fs.existsSync(path.join(result.runnerTemp, `${STACK}.plan.json`))).toBe(false);
  });
});

test("the provider cache key: 16 hex characters from the stack's providers; an unreadable stack fails the step", () => {
  fs.writeFileSync(path.join(workspace, STACK_DIR, "cdk.tf.json"), JSON.stringify({ terraform: { required_providers: { aws: { version: "6.25.0" } } } }));
  const env = { TF_PLUGIN_CACHE_DIR: path.join(workspace, "cache") };
  const keyed = run(byName("plan", "providers"), "plan-runner", env);
  expect([keyed.status, keyed.outputs]).toEqual([0, { key: expect.stringMatching(/^[0-9a-f]{16}$/) }]);
  fs.writeFileSync(path.join(workspace, STACK_DIR, "cdk.tf.json"), "{ not json");
  const broken = run(byName("plan", "providers"), "plan-runner", env);
  expect([broken.status === 0, broken.outputs]).toEqual([false, {}]);
});
