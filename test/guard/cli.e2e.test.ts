/** `npm run guard` as CI runs it (`node --import tsx guard/cli.ts`): exit codes, no stack trace, a light process. */
import { spawnSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";

const ROOT = path.join(__dirname, "..", "..");
const FIXTURES = path.join(__dirname, "..", "fixtures", "plans");
const DATABASE = "aws_db_instance.database_instance_D7FC2283";
const run = (...argv: string[]) => spawnSync(process.execPath, ["--import", "tsx", path.join(ROOT, "guard", "cli.ts"), ...argv], { cwd: ROOT, encoding: "utf8" });

test("exit codes 0, 1 and 2, and no stack trace", () => {
  expect(run(path.join(FIXTURES, "aws-dev.create.json"))).toMatchObject({ status: 0, stderr: "" });
  expect(run(path.join(FIXTURES, "aws-dev.db-replace.json"))).toMatchObject({ status: 1, stdout: expect.stringContaining(`${DATABASE} (aws_db_instance) would be replaced`) });
  const broken = path.join(fs.mkdtempSync(path.join(os.tmpdir(), "guard-e2e-")), "broken.json");
  fs.writeFileSync(broken, "{nope");
  const bad = run(broken);
  expect(bad.status).toBe(2);
  expect(bad.stderr.trim().split("\n")).toEqual([expect.stringContaining("broken.json: not valid JSON (")]);
  expect(bad.stderr).not.toMatch(/\n\s+at /);
  fs.rmSync(path.dirname(broken), { recursive: true });
}, 30_000);

test("loads neither cdktf nor a provider binding", () => {
  const loaded = spawnSync(
    process.execPath,
    ["--import", "tsx", "-e", `require(${JSON.stringify(path.join(ROOT, "guard", "cli.ts"))}); console.log(Object.keys(require.cache).join("\\n"))`],
    { cwd: ROOT, encoding: "utf8" },
  );
  expect(loaded.status).toBe(0);
  expect(loaded.stdout).toContain("plan-guard.ts");
  expect(loaded.stdout).not.toMatch(/node_modules\/(cdktf|@cdktf|constructs)\//);
}, 30_000);
