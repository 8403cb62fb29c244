/**
 * The CI scripts as the workflows run them (`node --import tsx scripts/ci/<script>.ts`): their
 * GitHub output on stdout, refusals on stderr, exit codes. Their logic is pinned in-process by
 * stack-matrix.test.ts and require-remote-backend.test.ts.
 */
import { spawnSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { writeStackDir } from "../support/stack-dir";

const ROOT = path.join(__dirname, "..", "..");
const script = (name: string, dir: string) =>
  spawnSync(process.execPath, ["--import", "tsx", path.join(ROOT, "scripts", "ci", `${name}.ts`), dir], { cwd: ROOT, encoding: "utf8" });

let scratch: string;
beforeEach(() => {
  scratch = fs.mkdtempSync(path.join(os.tmpdir(), "ci-scripts-"));
});
afterEach(() => fs.rmSync(scratch, { recursive: true, force: true }));

test("stack-matrix: one name=value line per output, exit codes 0 and 1", () => {
  const ok = script("stack-matrix", path.join(ROOT, "config"));
  expect(ok.status).toBe(0);
  expect(ok.stdout.trimEnd().split("\n").map((line) => line.split("=")[0])).toEqual(["matrix", "development", "production", "count", "development_count", "production_count"]);
  fs.writeFileSync(path.join(scratch, "bad.yaml"), "project: [\n");
  const bad = script("stack-matrix", scratch);
  expect(bad.status).toBe(1);
  expect(bad.stdout).toBe("");
  expect(bad.stderr).toMatch(new RegExp(`^${path.join(scratch, "bad.yaml")}: line \\d+: invalid YAML: .+\\n$`));
});

test("require-remote-backend: exit codes 1 and 0, the refusal on stderr", () => {
  const stackDir = (stack: string, terraform: unknown) => writeStackDir(scratch, stack, terraform);
  const refused = script("require-remote-backend", stackDir("aws-dev", { backend: { local: {} } }));
  expect(refused.status).toBe(1);
  expect(refused.stderr).toMatch(/^aws-dev: refusing to run Terraform in CI with state on the runner .*\n$/);
  const accepted = script("require-remote-backend", stackDir("aws-prod", { backend: { s3: { bucket: "b" } } }));
  expect([accepted.status, accepted.stdout]).toEqual([0, "aws-prod: state backend s3\n"]);
});
