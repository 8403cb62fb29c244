/**
 * scripts/ci/stack-matrix.ts: the workflows' stacks are the stacks synthesis writes, derived from
 * the environment files, development before production, in GitHub's `name=value` output form.
 */
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { runStackMatrix, USAGE } from "../../scripts/ci/stack-matrix";
import { synthExampleStacks } from "../support/example-stacks";

const ROOT = path.join(__dirname, "..", "..");
const CONFIG = path.join(ROOT, "config");

function run(argv: string[], defaultDir = CONFIG) {
  const out: string[] = [];
  const err: string[] = [];
  const code = runStackMatrix(argv, { stdout: (text) => out.push(text), stderr: (text) => err.push(text) }, defaultDir);
  return { code, stdout: out.join("\n"), stderr: err.join("\n") };
}

/** The `$GITHUB_OUTPUT` lines as name → value, each matrix parsed. */
function outputs(stdout: string): Record<string, any> {
  return Object.fromEntries(
    stdout.split("\n").map((line) => {
      const [name, value] = [line.slice(0, line.indexOf("=")), line.slice(line.indexOf("=") + 1)];
      return [name, value.startsWith("{") ? JSON.parse(value) : value];
    }),
  );
}

const SERVICES = ["services:", "  - name: api", "    port: 3000", "    image: traefik/whoami:v1.10.3", "    healthCheck: { path: /health }", "    capacity: { min: 2, max: 2 }"];
const AWS_PRODUCTION = ["project: web", "stage: production", ...SERVICES, "aws:", "  region: us-east-1", "  availabilityZones: [us-east-1a, us-east-1b]", "  network: { cidr: 10.30.0.0/16 }", ""].join("\n");
const GCP_DEVELOPMENT = [
  "project: web",
  "stage: development",
  ...SERVICES,
  "gcp:",
  "  project: example-web-qa",
  "  region: us-central1",
  "  zones: [us-central1-a, us-central1-b]",
  "  network: { subnetCidr: 10.60.0.0/20 }",
  "",
].join("\n");

let scratch: string;
beforeEach(() => {
  scratch = fs.mkdtempSync(path.join(os.tmpdir(), "stack-matrix-"));
});
afterEach(() => fs.rmSync(scratch, { recursive: true, force: true }));

describe("config/", () => {
  const { code, stdout, stderr } = run([]);
  const result = outputs(stdout);

  test("every stack synthesis writes, by the same ids", () => {
    expect(code).toBe(0);
    expect(stderr).toBe("");
    const ids = result.matrix.include.map((entry: any) => entry.stack);
    expect(ids).toEqual(["aws-dev", "gcp-dev", "aws-prod", "gcp-prod"]);
    expect([...ids].sort()).toEqual(Object.keys(synthExampleStacks()).sort());
  });

  test("development stacks and production stacks apart, with their counts", () => {
    expect(result.development.include.map((entry: any) => entry.stack)).toEqual(["aws-dev", "gcp-dev"]);
    expect(result.production.include.map((entry: any) => entry.stack)).toEqual(["aws-prod", "gcp-prod"]);
    expect([result.count, result.development_count, result.production_count]).toEqual(["4", "2", "2"]);
  });

  test("each entry carries what the jobs need: cloud, the environment file for the guard, the region", () => {
    expect(result.matrix.include[2]).toEqual({
      stack: "aws-prod",
      cloud: "aws",
      environment: "prod",
      stage: "production",
      config: path.join(CONFIG, "prod.yaml"),
      region: "eu-west-1",
    });
    expect(result.matrix.include[1]).toMatchObject({ stack: "gcp-dev", cloud: "gcp", region: "europe-west1" });
    for (const entry of result.matrix.include) expect(fs.existsSync(entry.config)).toBe(true);
  });
});

test("a directory of other environments: one stack per cloud section, development first", () => {
  fs.writeFileSync(path.join(scratch, "staging.yaml"), AWS_PRODUCTION);
  fs.writeFileSync(path.join(scratch, "qa.yaml"), GCP_DEVELOPMENT);
  const { code, stdout } = run([scratch]);
  expect(code).toBe(0);
  const result = outputs(stdout);
  expect(result.matrix.include.map((entry: any) => [entry.stack, entry.stage, entry.config])).toEqual([
    ["gcp-qa", "development", path.join(scratch, "qa.yaml")],
    ["aws-staging", "production", path.join(scratch, "staging.yaml")],
  ]);
  expect(result.development.include.map((entry: any) => entry.stack)).toEqual(["gcp-qa"]);
  expect(result.production.include.map((entry: any) => entry.stack)).toEqual(["aws-staging"]);
});

test("no production environment: its matrix is empty and its count says 0, so the job is skipped", () => {
  fs.writeFileSync(path.join(scratch, "qa.yaml"), GCP_DEVELOPMENT);
  const result = outputs(run([scratch]).stdout);
  expect(result.production).toEqual({ include: [] });
  expect(result.production_count).toBe("0");
});

test("the directory defaults to synth's (INFRA_CONFIG_DIR, else config/)", () => {
  fs.writeFileSync(path.join(scratch, "qa.yaml"), GCP_DEVELOPMENT);
  expect(outputs(run([], scratch).stdout).matrix.include.map((entry: any) => entry.stack)).toEqual(["gcp-qa"]);
});

test("a bad environment file: synth's one-line message naming file and field, exit 1, no output", () => {
  const bad = path.join(scratch, "qa.yaml");
  fs.writeFileSync(bad, GCP_DEVELOPMENT.replace("stage: development", "stage: testing"));
  const { code, stdout, stderr } = run([scratch]);
  expect(code).toBe(1);
  expect(stdout).toBe("");
  expect(stderr).toBe(`${bad}: stage: Invalid option: expected one of "production"|"development"`);
});

test("a missing directory: one line saying so, exit 1", () => {
  const missing = path.join(scratch, "nope");
  expect(run([missing])).toEqual({ code: 1, stdout: "", stderr: `${missing}: configuration directory not found (set INFRA_CONFIG_DIR or create config/)` });
});

test("usage: two directories or an unknown option exit 2 with the usage", () => {
  expect(run(["a", "b"])).toEqual({ code: 2, stdout: "", stderr: `stack-matrix: give one configuration directory, not 2\n${USAGE}` });
  expect(run(["--nope"]).code).toBe(2);
  expect(run(["--help"])).toEqual({ code: 0, stdout: USAGE, stderr: "" });
});
