/**
 * scripts/ci/require-remote-backend.ts: CI refuses a stack whose state would stay on the runner
 * (local or no backend), with one line naming the stack and the fix, and accepts remote backends.
 */
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { runRequireRemoteBackend, USAGE } from "../../scripts/ci/require-remote-backend";
import { synthExampleStacks } from "../support/example-stacks";
import { writeStackDir } from "../support/stack-dir";

let scratch: string;
beforeEach(() => {
  scratch = fs.mkdtempSync(path.join(os.tmpdir(), "remote-backend-"));
});
afterEach(() => fs.rmSync(scratch, { recursive: true, force: true }));

const stackDir = (stack: string, terraform: unknown) => writeStackDir(scratch, stack, terraform);

function run(argv: string[]) {
  const out: string[] = [];
  const err: string[] = [];
  const code = runRequireRemoteBackend(argv, { stdout: (text) => out.push(text), stderr: (text) => err.push(text) });
  return { code, stdout: out, stderr: err };
}

const PROVIDERS = { required_providers: { aws: { source: "aws", version: "6.25.0" } } };

describe("refused: the state would be lost with the runner", () => {
  test("a local backend (the examples' default): one line naming the stack, the file and the fix, exit 1", () => {
    const dir = stackDir("aws-prod", { ...PROVIDERS, backend: { local: { path: "../../../terraform.aws-prod.tfstate" } } });
    expect(run([dir])).toEqual({
      code: 1,
      stdout: [],
      stderr: [
        `aws-prod: refusing to run Terraform in CI with state on the runner (backend local in ${dir}/cdk.tf.json): the runner's disk is thrown away after the job; set aws.backend: { type: s3, bucket: <state bucket> } in the environment file prod.yaml (README "State")`,
      ],
    });
  });

  test("no backend at all is Terraform's local default; a GCP stack is told about gcs", () => {
    const dir = stackDir("gcp-dev", PROVIDERS);
    expect(run([dir]).stderr).toEqual([
      `gcp-dev: refusing to run Terraform in CI with state on the runner (no backend, so Terraform's default local in ${dir}/cdk.tf.json): the runner's disk is thrown away after the job; set gcp.backend: { type: gcs, bucket: <state bucket> } in the environment file dev.yaml (README "State")`,
    ]);
  });

  test("the shipped examples are refused as they are: CI needs a backend set first", () => {
    const stacks = synthExampleStacks();
    for (const [id, stack] of Object.entries(stacks)) {
      const dir = stackDir(id, stack.json.terraform);
      const { code, stderr } = run([dir]);
      expect(code).toBe(1);
      expect(stderr).toEqual([expect.stringMatching(new RegExp(`^${id}: refusing to run Terraform in CI with state on the runner \\(backend local in `))]);
    }
  });

  test("several stacks: every refused one gets its line, the accepted ones theirs, exit 1", () => {
    const local = stackDir("aws-dev", { backend: { local: {} } });
    const remote = stackDir("aws-prod", { backend: { s3: { bucket: "b", key: "k", region: "eu-west-1" } } });
    const { code, stdout, stderr } = run([local, remote]);
    expect(code).toBe(1);
    expect(stdout).toEqual(["aws-prod: state backend s3"]);
    expect(stderr).toHaveLength(1);
    expect(stderr[0]).toMatch(/^aws-dev: refusing/);
  });
});

describe("accepted: the state lives elsewhere", () => {
  test.each([
    ["s3", { backend: { s3: { bucket: "acme-tf-state", key: "web/aws-prod.tfstate", region: "eu-west-1", use_lockfile: true } } }, "aws-prod: state backend s3"],
    ["gcs", { backend: { gcs: { bucket: "acme-tf-state", prefix: "web/gcp-prod" } } }, "aws-prod: state backend gcs"],
    ["HCP Terraform's cloud block", { cloud: { organization: "acme", workspaces: { name: "web" } } }, "aws-prod: state backend cloud"],
  ])("%s: exit 0 with a line saying which", (_name, terraform, line) => {
    expect(run([stackDir("aws-prod", terraform)])).toEqual({ code: 0, stdout: [line], stderr: [] });
  });

  test("the cdk.tf.json file itself may be given instead of its directory", () => {
    const dir = stackDir("gcp-prod", { backend: { gcs: { bucket: "b" } } });
    expect(run([path.join(dir, "cdk.tf.json")])).toEqual({ code: 0, stdout: ["gcp-prod: state backend gcs"], stderr: [] });
  });
});

describe("usage and unreadable input: exit 2, nothing checked", () => {
  test("no stack given", () => {
    expect(run([])).toEqual({ code: 2, stdout: [], stderr: [`require-remote-backend: no stack given\n${USAGE}`] });
  });

  test("a stack directory without cdk.tf.json (synth did not run)", () => {
    const dir = path.join(scratch, "stacks", "aws-prod");
    fs.mkdirSync(dir, { recursive: true });
    expect(run([dir])).toEqual({ code: 2, stdout: [], stderr: [`${dir}/cdk.tf.json: cannot read: file not found`] });
  });

  test("a file that is not a synthesized stack", () => {
    const dir = stackDir("aws-prod", {});
    fs.writeFileSync(path.join(dir, "cdk.tf.json"), "[1]");
    expect(run([dir]).stderr).toEqual([`${dir}/cdk.tf.json: not a synthesized stack: expected a JSON object (cdktf.out/stacks/<id>/cdk.tf.json)`]);
    fs.writeFileSync(path.join(dir, "cdk.tf.json"), "{");
    expect(run([dir])).toMatchObject({ code: 2, stderr: [expect.stringMatching(new RegExp(`^${dir}/cdk.tf.json: not a synthesized stack: `))] });
  });

  test("an unreadable stack among good ones: nothing is reported as accepted", () => {
    const good = stackDir("aws-prod", { backend: { s3: { bucket: "b" } } });
    expect(run([good, path.join(scratch, "missing")])).toMatchObject({ code: 2, stdout: [] });
  });
});
